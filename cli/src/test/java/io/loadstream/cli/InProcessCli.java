package io.loadstream.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.Consumer;
import picocli.CommandLine;

/** Runs loadstream command lines in this JVM, as the launcher would, and keeps what they print. */
final class InProcessCli {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    /** Runs one command line on a fresh {@link LoadstreamCommand#commandLine()}; returns its exit code. */
    int run(String... args) {
        return run(commandLine -> { }, args);
    }

    /** The same, with {@code setUp} applied to the fresh command line before it runs (e.g. an environment). */
    int run(Consumer<CommandLine> setUp, String... args) {
        CommandLine commandLine = LoadstreamCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        setUp.accept(commandLine);
        return commandLine.execute(args);
    }

    /** Everything printed on standard output so far. */
    String out() {
        return out.toString();
    }

    /** Everything printed on standard error so far. */
    String err() {
        return err.toString();
    }

    /** Forgets what was printed so far. */
    void clear() {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
    }
}
