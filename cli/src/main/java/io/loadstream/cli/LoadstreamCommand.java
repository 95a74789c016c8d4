package io.loadstream.cli;

import ch.qos.logback.classic.Level;
import java.io.PrintWriter;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code loadstream} command: the one entry point of every loadstream process. Each piece of work is a
 * subcommand; this class only wires them together and maps failures to {@link ExitCodes}.
 */
@Command(
        name = "loadstream",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "HTTP load testing whose results travel through Kafka.",
            "",
            "Exit codes: 0 passed, 99 a threshold failed, 104 invalid plan or configuration, 1 any other failure."
        },
        subcommands = {RunCommand.class, ValidateCommand.class, GenerateCommand.class,
            AggregateCommand.class, ReportCommand.class, AgentCommand.class, BrokerCommand.class,
            DemoTargetCommand.class, TrendCommand.class, CommandLine.HelpCommand.class})
public final class LoadstreamCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Log what happens inside, and print stack traces with errors.")
    void setVerbose(boolean verbose) {
        this.verbose = verbose;
        if (verbose) {
            ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.loadstream")).setLevel(Level.DEBUG);
        }
    }

    private boolean verbose;

    @Override
    public void run() {
        // No subcommand: say what there is, as k6 does.
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Whether {@code --verbose} was given. */
    boolean verbose() {
        return verbose;
    }

    /** Builds the command line with loadstream's error handling: a sentence on stderr and the right exit code. */
    public static CommandLine commandLine() {
        LoadstreamCommand root = new LoadstreamCommand();
        CommandLine commandLine = new CommandLine(root);
        commandLine.setParameterExceptionHandler((ex, args) -> {
            CommandLine failed = ex.getCommandLine();
            PrintWriter err = failed.getErr();
            err.println("loadstream: " + ex.getMessage());
            if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, err)) {
                err.println("See '" + failed.getCommandSpec().qualifiedName() + " --help'.");
            }
            return ExitCodes.INVALID_CONFIG;
        });
        commandLine.setExecutionExceptionHandler((ex, failed, parseResult) -> {
            PrintWriter err = failed.getErr();
            if (ex instanceof UserFacingException userFacing) {
                err.println("loadstream: " + userFacing.getMessage());
                if (root.verbose()) {
                    ex.printStackTrace(err);
                }
                return userFacing.exitCode();
            }
            err.println("loadstream: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            if (root.verbose()) {
                ex.printStackTrace(err);
            } else {
                err.println("(run with --verbose for the stack trace)");
            }
            return ExitCodes.FAILURE;
        });
        return commandLine;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
