package io.loadstream.cli;

import io.loadstream.aggregator.Aggregator;
import io.loadstream.aggregator.AggregatorConfig;
import io.loadstream.broker.BrokerException;
import io.loadstream.broker.BrokerOptions;
import io.loadstream.broker.EmbeddedKafkaBroker;
import io.loadstream.demo.DemoTarget;
import io.loadstream.demo.DemoTargetOptions;
import io.loadstream.generator.Generator;
import io.loadstream.generator.GeneratorConfig;
import io.loadstream.generator.GeneratorResult;
import io.loadstream.generator.plan.Plan;
import io.loadstream.reporter.Reporter;
import io.loadstream.reporter.ReporterConfig;
import io.loadstream.reporter.ReporterException;
import io.loadstream.reporter.ReporterResult;
import io.loadstream.reporter.metrics.RunMetrics;
import io.loadstream.reporter.metrics.RunObserver;
import io.loadstream.reporter.archive.ArchiveSettings;
import io.loadstream.reporter.archive.RunArchiver;
import io.loadstream.schemas.RunReasons;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.utils.Utils;

/**
 * The whole pipeline of {@code loadstream run} in this process. {@link #run(Plan)} starts, in this order: the demo
 * target (when asked), the preflight request (unless skipped), an embedded Kafka broker (unless the options name a
 * cluster), the topics, an aggregator, a reporter on a thread of its own and the generator; then it waits for the
 * report. {@link #close()} stops what started, in reverse order. {@code run} and the tests use this one wiring.
 *
 * <p>Two rules tie the pieces together: a reporter that fails stops the load (the run cannot be reported, so it
 * does not run to its end for nothing), and {@link #interrupt()} (Ctrl-C) stops the load, after which the report
 * of what ran is still written, marked interrupted; before the load starts it stops the start-up instead.
 *
 * <p>A LocalRun runs one plan once. Use it as {@code try (LocalRun run = ...) { run.run(plan) }}.
 */
final class LocalRun implements AutoCloseable {

    /** How long the aggregator may take to start. */
    static final Duration AGGREGATOR_START = Duration.ofSeconds(120);
    /** How long a clean stop of the aggregator may take. */
    static final Duration AGGREGATOR_STOP = Duration.ofSeconds(30);
    /** How long the reporter waits for the run's STARTED, and at most between two heartbeats of a live run. */
    static final Duration REPORTER_WAIT = Duration.ofSeconds(60);
    /**
     * How much longer than the finish timeout the report may take after the load. The reporter bounds its own
     * waits (finish timeout, settle time); this only guards against a hang.
     */
    static final Duration REPORT_MARGIN = Duration.ofSeconds(120);

    // The address the metrics endpoint listens on (with a metrics port): every interface unless told otherwise.
    private String metricsHost = "0.0.0.0";
    // The trend archive's settings; null when the run is not archived.
    private ArchiveSettings archive;

    /**
     * What a run produced.
     *
     * @param generated the generator's counts
     * @param reported  the reporter's exit code, files and summary
     */
    record Outcome(GeneratorResult generated, ReporterResult reported) {
    }

    private final LocalRunOptions options;
    private final Console console;
    /** What to stop at the end, the last started first. Only the thread of {@link #run} and close() touch it. */
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final AtomicBoolean used = new AtomicBoolean();
    private final AtomicBoolean interrupted = new AtomicBoolean();
    /**
     * The thread in {@link #run} while the pipeline starts, null once the load began: Ctrl-C interrupts it, so that
     * a start-up step that waits (Kafka unreachable: 30 s) stops at once instead of ignoring the signal.
     */
    private volatile Thread starting;
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile Generator generator;

    /**
     * A run, not started yet.
     *
     * @param options what to run and where
     * @param console where the progress lines go: the steps, the generator's progress, the reporter's lines
     */
    LocalRun(LocalRunOptions options, Console console) {
        this.options = options;
        this.console = console;
    }

    /**
     * Sets the address the metrics endpoint listens on, when the options give a metrics port.
     *
     * @param host an address of this machine, e.g. {@code 127.0.0.1}; {@code 0.0.0.0} (the default) for every one
     * @return this
     */
    LocalRun metricsOn(String host) {
        this.metricsHost = host;
        return this;
    }

    /**
     * Files the run into the trend archive at its end (after the reports are written).
     *
     * @param settings where to archive; null for no archive
     * @return this
     */
    LocalRun archiveTo(ArchiveSettings settings) {
        this.archive = settings;
        return this;
    }

    /**
     * Starts the pipeline, runs the plan's load and waits for the report.
     *
     * @param plan a validated plan
     * @return the generator's counts and the report
     * @throws UserFacingException  exit 104 for a demo target that cannot be at the plan's target, 1 for a failed
     *                              preflight, a piece that cannot start, an interrupt before the load, or a
     *                              reporter that failed (its own exit code when it says one)
     * @throws InterruptedException when this thread is interrupted
     * @throws IllegalStateException when called a second time
     */
    Outcome run(Plan plan) throws InterruptedException {
        if (!used.compareAndSet(false, true)) {
            throw new IllegalStateException("A LocalRun runs one plan once");
        }
        console.out().accept("Run " + options.runId() + ": " + plan.name() + " against " + plan.target() + " ("
                + plan.load().executor().planName() + ")");
        if (options.demoTarget()) {
            resources.push(startDemoTarget(plan.target()));
        }
        if (options.preflight()) {
            Preflights.check(plan, console.out());
        }
        String bootstrap;
        starting = Thread.currentThread();
        try {
            stopIfInterrupted();
            bootstrap = options.bootstrap().isPresent() ? options.bootstrap().get() : startBroker();
            stopIfInterrupted();
            createTopics(bootstrap);
            startAggregator(bootstrap);
            stopIfInterrupted();
        } catch (RuntimeException e) {
            if (interrupted.get()) {
                // The step failed because Ctrl-C interrupted its wait; say that, not what the wait was for.
                Thread.interrupted();
                stopIfInterrupted();
            }
            throw e;
        } finally {
            starting = null;
        }
        // Only now that the reporter starts: a failed preflight or start-up writes no report.
        console.out().accept("Reports will be written to " + options.outDir());
        Reporter reporter = new Reporter(reporterConfig(bootstrap), startMetrics(),
                archive == null ? null : new RunArchiver(archive));
        CompletableFuture<ReporterResult> reported = CompletableFuture.supplyAsync(reporter::run,
                runnable -> daemon(runnable, "loadstream-run-reporter").start());
        GeneratorResult generated = load(plan, bootstrap, reporter, reported);
        console.out().accept(DoneLine.of(generated, false));
        console.out().accept("Waiting for the final windows ...");
        return new Outcome(generated, awaitReport(reported));
    }

    /**
     * Ctrl-C: stops the load, or the start-up when the load has not begun. Safe from any thread, at any time.
     */
    void interrupt() {
        interrupted.set(true);
        Generator running = generator;
        if (running != null) {
            running.abort(RunReasons.INTERRUPTED);
        }
        Thread startUp = starting;
        if (startUp != null) {
            startUp.interrupt();
        }
    }

    /**
     * Waits until {@link #close()} has stopped everything.
     *
     * @param timeout the longest wait
     * @return whether it did within the timeout
     * @throws InterruptedException when interrupted while waiting
     */
    boolean awaitClosed(Duration timeout) throws InterruptedException {
        return closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops what {@link #run} started, the last started first; a failure to stop one is printed, not thrown. */
    @Override
    public void close() {
        if (!resources.isEmpty()) {
            console.out().accept("Stopping ...");
        }
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                console.out().accept("  (while stopping: " + e.getMessage() + ")");
            }
        }
        closed.countDown();
    }

    /**
     * Starts the demo target where the plan expects its target: the plan's loopback host and port.
     *
     * @throws UserFacingException exit 104 when the plan's target is not a loopback http:// address, 1 when the
     *                             port is taken
     */
    private DemoTarget startDemoTarget(URI target) {
        String host = target.getHost();
        boolean loopback = host != null && (host.equals("localhost") || host.startsWith("127."));
        if (!"http".equalsIgnoreCase(target.getScheme()) || !loopback) {
            throw new UserFacingException("--demo-target starts the demo target at the plan's target, which must be "
                    + "a loopback http:// address such as http://127.0.0.1:8088, not " + target,
                    ExitCodes.INVALID_CONFIG, null);
        }
        int port = target.getPort() > 0 ? target.getPort() : 80;
        DemoTarget demo;
        try {
            demo = DemoTarget.start(DemoTargetOptions.defaults().withHost(host.equals("localhost") ? "127.0.0.1"
                    : host).withPort(port));
        } catch (IllegalStateException e) {
            throw new UserFacingException(e.getMessage(), ExitCodes.FAILURE, e);
        }
        console.out().accept("Demo target on " + demo.baseUrl() + " (" + demo.endpoints().size() + " endpoints, "
                + demo.options().workers() + " workers, token " + demo.options().token() + ")");
        return demo;
    }

    private String startBroker() {
        console.out().accept("Starting an embedded Kafka broker ...");
        long started = System.nanoTime();
        EmbeddedKafkaBroker broker;
        try {
            broker = EmbeddedKafkaBroker.start(BrokerOptions.DEFAULT.withPort(0)
                    .withJvmOptions(options.brokerJvmOptions()));
        } catch (BrokerException e) {
            throw new UserFacingException(e.getMessage(), ExitCodes.FAILURE, e);
        }
        // This run stops the broker itself, after the report: its own shutdown hook would stop it at Ctrl-C.
        resources.push(broker.closedByCaller());
        console.out().accept(String.format(Locale.ROOT, "Kafka broker ready on %s (%.1f s; log %s)",
                broker.bootstrapServers(), seconds(started), broker.logFile()));
        return broker.bootstrapServers();
    }

    private void createTopics(String bootstrap) {
        Properties admin = new Properties();
        admin.putAll(options.kafkaProperties());
        admin.put("bootstrap.servers", bootstrap);
        try {
            options.topicSetup().ensure(admin, options.topics());
        } catch (IllegalStateException e) {
            throw new UserFacingException(e.getMessage(), ExitCodes.FAILURE, e);
        }
        console.out().accept("Topics ready: " + options.topics().requests() + " and the others ("
                + options.topicSetup().partitions() + " partitions, replication " + options.topicSetup().replication()
                + " when created)");
    }

    private void startAggregator(String bootstrap) {
        console.out().accept("Starting the aggregator ...");
        long started = System.nanoTime();
        Path state = options.stateDir().isPresent() ? options.stateDir().get() : temporaryStateDir();
        Aggregator aggregator;
        try {
            aggregator = Aggregator.start(AggregatorConfig.defaults(bootstrap)
                    .withTopics(options.topics())
                    .withExtraProperties(options.kafkaProperties())
                    .withApplicationId(options.applicationId())
                    .withStateDir(state)
                    .withPartitions(options.topicSetup().partitions()));
        } catch (IllegalStateException e) {
            throw new UserFacingException(e.getMessage(), ExitCodes.FAILURE, e);
        }
        resources.push(() -> aggregator.close(AGGREGATOR_STOP));
        try {
            aggregator.awaitRunning(AGGREGATOR_START);
        } catch (IllegalStateException e) {
            throw new UserFacingException(e.getMessage(), ExitCodes.FAILURE, e);
        }
        console.out().accept(String.format(Locale.ROOT, "Aggregator running (%.1f s)", seconds(started)));
    }

    /** A state directory for this run's aggregator alone, deleted when the run closes. */
    private Path temporaryStateDir() {
        Path state;
        try {
            state = Files.createTempDirectory("loadstream-run-state");
        } catch (IOException e) {
            throw new UserFacingException("Cannot create a state directory: " + e.getMessage(), ExitCodes.FAILURE,
                    e);
        }
        resources.push(() -> Utils.delete(state.toFile()));
        return state;
    }

    /** With a metrics port: the metrics the reporter fills, served until the end. */
    private RunObserver startMetrics() {
        if (options.metricsPort().isEmpty()) {
            return RunObserver.NONE;
        }
        RunMetrics metrics = MetricsOptions.newMetrics();
        MetricsOptions.start(metricsHost, options.metricsPort(), metrics).ifPresent(endpoint -> {
            resources.push(endpoint);
            console.out().accept("Metrics at http://" + metricsHost + ":" + endpoint.port() + "/metrics");
        });
        return metrics;
    }

    private ReporterConfig reporterConfig(String bootstrap) {
        ReporterConfig defaults = ReporterConfig.of(bootstrap, options.runId(), options.outDir());
        return defaults
                .withWebhooks(options.webhooks())
                .withAlertmanager(options.alertmanager())
                .withTopics(options.topics())
                .withKafkaProperties(options.kafkaProperties())
                .withTimeouts(REPORTER_WAIT, options.finishTimeout(), REPORTER_WAIT, defaults.settle())
                .withConsole(console.reporterLines());
    }

    /** Ctrl-C before the load: there is nothing to report, so stop what has started (close()). */
    private void stopIfInterrupted() {
        if (interrupted.get()) {
            throw new UserFacingException("Interrupted before the load started", ExitCodes.FAILURE, null);
        }
    }

    private GeneratorResult load(Plan plan, String bootstrap, Reporter reporter,
                                 CompletableFuture<ReporterResult> reported) throws InterruptedException {
        Generator created = new Generator(GeneratorConfig.of(bootstrap, options.runId())
                .withTopics(options.topics())
                .withKafkaProperties(options.kafkaProperties())
                .withVersion(options.version())
                .withProgress(console.out()));
        generator = created;
        // A reporter that fails (Kafka lost, say) can no longer report this run: stop the load instead of
        // running it to its end for nothing. awaitReport then gives the reporter's error.
        reported.whenComplete((report, failure) -> {
            if (failure != null) {
                created.abort("the reporter failed: " + failure.getMessage());
            }
        });
        if (interrupted.get()) {
            reporter.cancel();
            stopIfInterrupted();
        }
        try {
            return created.run(plan);
        } catch (IllegalStateException e) {
            reporter.cancel();
            throw new UserFacingException(e.getMessage(), ExitCodes.FAILURE, e);
        }
    }

    private ReporterResult awaitReport(CompletableFuture<ReporterResult> reported) throws InterruptedException {
        Duration limit = options.finishTimeout().plus(REPORT_MARGIN);
        try {
            return reported.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ReporterException reporterFailure) {
                throw new UserFacingException(reporterFailure.getMessage(), reporterFailure.exitCode(), cause);
            }
            throw new UserFacingException("The reporter failed: " + cause.getMessage(), ExitCodes.FAILURE, cause);
        } catch (TimeoutException e) {
            throw new UserFacingException("The reporter did not finish within " + limit.toSeconds()
                    + " s after the load", ExitCodes.FAILURE, e);
        }
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
