package io.loadstream.cli;

import io.loadstream.generator.Generator;
import io.loadstream.generator.GeneratorConfig;
import io.loadstream.generator.GeneratorResult;
import io.loadstream.generator.Segment;
import io.loadstream.generator.plan.Plan;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.RunReasons;
import io.loadstream.schemas.Topics;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code loadstream generate}: one generator process that joins a run, drives its share of the plan's load and
 * publishes every request to Kafka. Ctrl-C (SIGTERM) stops the load, records what is in flight and sends
 * FINISHED before the process ends.
 */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Run one generator of a run: drive the plan's load (or its --segment share) over HTTP and publish",
            "every request's timing, a system sample a second and the run's control records to Kafka.",
            "Progress goes to stdout every 2 s. Exit codes: 0 done, 1 aborted or failed, 104 invalid plan or option."
        })
final class GenerateCommand implements Callable<Integer> {

    /** How long a Ctrl-C waits for the generator to record what is in flight and send FINISHED. */
    static final long STOP_WAIT_SECONDS = 15;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    PlanOptions planOptions;

    @CommandLine.Mixin
    KafkaConnectionOptions kafka;

    @CommandLine.Mixin
    OutageOptions outage;

    @Option(names = "--run-id", required = true, paramLabel = "ID",
            description = "The run to join: [A-Za-z0-9][A-Za-z0-9._-]{0,99}. Every generator of a run uses the same.")
    String runId;

    @Option(names = "--segment", paramLabel = "i/n", defaultValue = "1/1",
            description = "This generator's share of the load: the i-th of n (default: ${DEFAULT-VALUE}).")
    String segment;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        Console console = Console.of(spec.commandLine().getOut(), err);
        GeneratorConfig config = config(console);
        Plan plan = planOptions.load(err);
        console.out().accept("Run " + config.runId() + ", segment " + config.segment() + ": " + plan.name()
                + " against " + plan.target() + " (" + plan.load().executor().planName() + ")");
        // Before the stop hook exists: a failed preflight exits at once, not after the hook's wait for a run that
        // never started (it took 16 s).
        if (planOptions.preflight()) {
            Preflights.check(plan, console.out());
        }
        Generator generator = new Generator(config);
        CountDownLatch done = new CountDownLatch(1);
        Thread stopper = new Thread(() -> {
            generator.abort(RunReasons.INTERRUPTED);
            try {
                done.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "loadstream-generate-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        GeneratorResult result;
        try {
            result = generator.run(plan);
        } catch (IllegalStateException e) {
            throw new UserFacingException(e.getMessage(), ExitCodes.FAILURE, e);
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException ignored) {
                // The JVM is shutting down: the hook is running and waits for done.
            }
        }
        console.out().accept(DoneLine.of(result, true));
        if (result.aborted()) {
            throw new UserFacingException("The run was aborted: " + result.reason(), ExitCodes.FAILURE, null);
        }
        return ExitCodes.OK;
    }

    private GeneratorConfig config(Console console) {
        Segment share;
        Topics topics;
        try {
            share = Segment.parse(segment);
            EventKeys.validateRunId(runId);
        } catch (IllegalArgumentException e) {
            throw OptionChecks.of(spec).invalid(e.getMessage());
        }
        topics = kafka.topics();
        return GeneratorConfig.of(kafka.bootstrap(), runId).withSegment(share).withTopics(topics)
                .withKafkaProperties(kafka.clientProperties())
                .withOutageBuffer(outage.buffer(spec))
                .withVersion(VersionProvider.load().getProperty("version", "unknown"))
                .withProgress(console.out());
    }
}
