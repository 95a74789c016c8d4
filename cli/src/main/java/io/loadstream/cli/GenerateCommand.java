package io.loadstream.cli;

import io.loadstream.generator.Generator;
import io.loadstream.generator.GeneratorConfig;
import io.loadstream.generator.GeneratorResult;
import io.loadstream.generator.Segment;
import io.loadstream.generator.http.Preflight;
import io.loadstream.generator.plan.Plan;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.RunReasons;
import io.loadstream.schemas.Topics;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
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

    @Parameters(index = "0", paramLabel = "PLAN", description = "The plan file (YAML).")
    Path planFile;

    @CommandLine.Mixin
    KafkaConnectionOptions kafka;

    @Option(names = "--run-id", required = true, paramLabel = "ID",
            description = "The run to join: [A-Za-z0-9][A-Za-z0-9._-]{0,99}. Every generator of a run uses the same.")
    String runId;

    @Option(names = "--segment", paramLabel = "i/n", defaultValue = "1/1",
            description = "This generator's share of the load: the i-th of n (default: ${DEFAULT-VALUE}).")
    String segment;

    @Option(names = "--no-preflight",
            description = "Skip the one request sent to the target before the load starts.")
    boolean noPreflight;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        GeneratorConfig config = config(out);
        Plan plan = loadPlan(planFile, err);
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
        out.println("Run " + config.runId() + ", segment " + config.segment() + ": " + plan.name() + " against "
                + plan.target() + " (" + plan.load().executor().planName() + ")");
        out.flush();
        if (!noPreflight) {
            preflight(plan, out);
        }
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
        out.println(doneLine(result, true));
        out.flush();
        if (result.aborted()) {
            throw new UserFacingException("The run was aborted: " + result.reason(), ExitCodes.FAILURE, null);
        }
        return ExitCodes.OK;
    }

    private GeneratorConfig config(PrintWriter out) {
        Segment share;
        Topics topics;
        try {
            share = Segment.parse(segment);
            EventKeys.validateRunId(runId);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        topics = kafka.topics();
        return GeneratorConfig.of(kafka.bootstrap(), runId).withSegment(share).withTopics(topics)
                .withKafkaProperties(kafka.clientProperties())
                .withVersion(VersionProvider.load().getProperty("version", "unknown"))
                .withProgress(line -> {
                    out.println(line);
                    out.flush();
                });
    }

    /**
     * The line that ends a generator's output: what it sent. Scripts and tests read it.
     *
     * @param result  the generator's result
     * @param withCpu whether to give the process's CPU time per request: only when the process is the generator
     *                alone ({@code run} shares its JVM with the aggregator, the reporter and the demo target)
     * @return e.g. {@code Done: 1200 requests in 20.0 s (60 req/s, 0 errors, ...)}
     */
    static String doneLine(GeneratorResult result, boolean withCpu) {
        double seconds = Math.max(1e-3, result.elapsed().toNanos() / 1e9);
        String cpu = withCpu ? String.format(java.util.Locale.ROOT, ", %.1f us CPU each",
                result.cpuMicrosPerRequest()) : "";
        return String.format(java.util.Locale.ROOT, "Done: %d requests in %.1f s (%.0f req/s, %d errors%s), "
                        + "%d iterations, %d dropped iterations, %d events dropped%s",
                result.requestsSent(), seconds, result.requestsSent() / seconds, result.errors(), cpu,
                result.iterationsStarted(), result.droppedIterations(), result.eventsDropped(),
                result.aborted() ? "; aborted: " + result.reason() : "");
    }

    /**
     * Loads and validates a plan, as {@code validate} does, before any load starts.
     *
     * @param planFile the plan
     * @param err      where the plan's errors go
     * @return the plan
     * @throws UserFacingException (exit 104) when the file is missing or the plan has errors
     */
    static Plan loadPlan(Path planFile, PrintWriter err) {
        if (!Files.isRegularFile(planFile)) {
            throw new UserFacingException("The plan " + planFile + " does not exist or is not a file",
                    ExitCodes.INVALID_CONFIG, null);
        }
        return PlanLoader.forProcess().load(planFile, err);
    }

    /**
     * Sends the preflight request and prints its outcome.
     *
     * @param plan the plan
     * @param out  where the outcome goes
     * @throws UserFacingException (exit 1) with the likely cause when the target cannot serve the run
     */
    static void preflight(Plan plan, PrintWriter out) {
        Preflight.Outcome outcome = Preflight.check(plan);
        if (!outcome.passed()) {
            throw new UserFacingException(outcome.message(), ExitCodes.FAILURE, null);
        }
        out.println(outcome.message());
        out.flush();
    }
}
