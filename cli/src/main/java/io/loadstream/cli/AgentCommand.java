package io.loadstream.cli;

import io.loadstream.events.HostRole;
import io.loadstream.generator.system.SystemAgent;
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
 * a {@code SystemSample} every second on the system topic until Ctrl-C or SIGTERM.
 */
@Command(
        name = "agent",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Publish this host's CPU, memory, heap, GC, disk and load average every second for a run,",
            "until Ctrl-C or SIGTERM. Run it on the machine under test, as the reference's profiler was."
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
        topics = kafka.topics();
        PrintWriter out = spec.commandLine().getOut();
        SystemAgent agent;
        try {
            agent = new SystemAgent(kafka.bootstrap(), runId, hostRole, topics, kafka.clientProperties());
        } catch (IllegalStateException e) {
            throw new UserFacingException(e.getMessage(), ExitCodes.FAILURE, e);
        }
        CountDownLatch forever = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.close();
            out.println("Agent stopped after " + agent.sent() + " samples (" + agent.dropped() + " not delivered).");
            out.flush();
        }, "loadstream-agent-stop"));
        out.println("Sampling this host every second for run " + runId + " as " + role
                + " on " + topics.system() + ". Press Ctrl-C to stop.");
        out.flush();
        forever.await();
        return ExitCodes.OK;
    }
}
