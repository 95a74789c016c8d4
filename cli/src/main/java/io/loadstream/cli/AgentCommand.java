package io.loadstream.cli;

import io.loadstream.events.HostRole;
import io.loadstream.generator.system.SystemAgent;
import io.loadstream.generator.system.WatchedProcess;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.Topics;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loadstream agent}: the system sampler alone, on a machine of the run (typically the one under test):
 * a {@code SystemSample} every second on the system topic, with the target process's CPU and memory when
 * {@code --pid} or {@code --process-name} names it, until the run ends, Ctrl-C or SIGTERM.
 */
@Command(
        name = "agent",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Publish this host's CPU, memory, disk I/O and load average every second for a run, and the",
            "CPU and memory of the application (--pid or --process-name), until every generator of the run",
            "has finished, Ctrl-C or SIGTERM. Run it on the machine under test, as the reference's profiler was."
        })
final class AgentCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    KafkaConnectionOptions kafka;

    @Option(names = "--run-id", required = true, paramLabel = "ID", description = "The run the samples belong to.")
    String runId;

    @Option(names = "--role", paramLabel = "ROLE", defaultValue = "target",
            description = "What this host does: target, generator, aggregator, reporter or other "
                    + "(default: ${DEFAULT-VALUE}).")
    String role;

    @Option(names = "--pid", paramLabel = "PID",
            description = "Also report the CPU and resident memory of this process (the application under test).")
    Long pid;

    @Option(names = "--process-name", paramLabel = "NAME",
            description = "Also report the process with this command name, executable or argument (e.g. nginx, "
                    + "shop.jar); looked up again if it restarts.")
    String processName;

    @Option(names = "--until-stopped",
            description = "Keep sampling after the run has finished, until Ctrl-C or SIGTERM.")
    boolean untilStopped;

    @Override
    public Integer call() throws InterruptedException {
        HostRole hostRole;
        Topics topics;
        try {
            hostRole = HostRole.valueOf(role.toUpperCase(Locale.ROOT));
            EventKeys.validateRunId(runId);
        } catch (IllegalArgumentException e) {
            throw OptionChecks.of(spec).invalid(e.getMessage().startsWith("No enum")
                    ? "--role must be one of target, generator, aggregator, reporter, other; not '" + role + "'"
                    : e.getMessage());
        }
        WatchedProcess watched = watchedProcess();
        topics = kafka.topics();
        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch runEnded = new CountDownLatch(1);
        SystemAgent agent;
        try {
            agent = new SystemAgent(kafka.bootstrap(), runId, hostRole, topics, kafka.clientProperties(), watched,
                    untilStopped ? null : runEnded::countDown);
        } catch (IllegalStateException e) {
            throw new UserFacingException(e.getMessage(), ExitCodes.FAILURE, e);
        }
        Thread stop = new Thread(() -> {
            agent.close();
            out.println("Agent stopped after " + agent.sent() + " samples (" + agent.dropped() + " not delivered).");
            out.flush();
        }, "loadstream-agent-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        out.println("Sampling this host" + (watched == null ? "" : " and " + watched.read().label())
                + " every second for run " + runId + " as " + role + " on " + topics.system()
                + (untilStopped ? ". Press Ctrl-C to stop." : ", until the run finishes. Press Ctrl-C to stop."));
        out.flush();
        runEnded.await();
        Runtime.getRuntime().removeShutdownHook(stop);
        out.println("Run " + runId + " finished.");
        stop.run();
        return ExitCodes.OK;
    }

    /** The process named by --pid or --process-name, or null; exit 104 when both are given or it is not running. */
    private WatchedProcess watchedProcess() {
        if (pid != null && processName != null) {
            throw OptionChecks.of(spec).invalid("--pid and --process-name name the same thing: give one of them");
        }
        WatchedProcess watched;
        try {
            watched = pid != null ? WatchedProcess.byPid(pid)
                    : processName != null ? WatchedProcess.byName(processName) : null;
        } catch (IllegalArgumentException e) {
            throw OptionChecks.of(spec).invalid(e.getMessage());
        }
        if (watched != null && !watched.isRunning()) {
            throw OptionChecks.of(spec).invalid(pid != null ? "No process with pid " + pid + " is running"
                    : "No process named '" + processName + "' is running (compared with the command name, the "
                    + "executable and the arguments' file names)");
        }
        return watched;
    }
}
