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
import io.loadstream.reporter.alert.WebhookSettings;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.RunReasons;
import io.loadstream.schemas.TopicSetup;
import io.loadstream.schemas.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.kafka.common.utils.Utils;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code loadstream run}: the whole pipeline in one process. It starts an embedded Kafka broker (unless
 * {@code --bootstrap} names a cluster), creates the topics, starts an aggregator and a reporter, sends one
 * preflight request, runs the load, waits for the final windows, writes the reports and prints the summary.
 *
 * <p>Ctrl-C (SIGTERM) stops the load; the report of what ran is still written (marked interrupted), then the
 * aggregator and the broker stop cleanly, and the process ends with the signal's status.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Run a plan end to end in one process: an embedded Kafka broker (unless --bootstrap is given), the "
                    + "aggregator, the reporter and the generator. Writes performance_report.json, report.html and "
                    + "alerts.jsonl to --out and prints the summary.",
            "Exit codes: 0 every threshold passed, 99 a threshold failed, 104 invalid plan or option, 1 any other "
                    + "failure (the preflight request failed, Kafka unreachable, data incomplete)."
        })
final class RunCommand implements Callable<Integer> {

    /** How long a Ctrl-C waits for the report to be written and everything to stop. */
    static final long STOP_WAIT_SECONDS = 120;
    /** How long the aggregator may take to start. */
    static final Duration AGGREGATOR_START = Duration.ofSeconds(120);
    /** How long a clean stop of the aggregator may take. */
    static final Duration AGGREGATOR_STOP = Duration.ofSeconds(30);

    private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PLAN", description = "The plan file (YAML).")
    Path planFile;

    @CommandLine.Mixin
    KafkaConnectionOptions kafka;

    @CommandLine.Mixin
    WebhookOptions webhookOptions;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Folder for the reports (default: results/<run-id>).")
    Path out;

    @Option(names = "--run-id", paramLabel = "ID",
            description = "The run's id (default: the plan's name and the UTC start time, e.g. shop-20261127-0930"
                    + "15).")
    String runId;

    @Option(names = "--demo-target",
            description = "Start the demo target in this process at the plan's target address (a loopback http:// "
                    + "URL, e.g. http://127.0.0.1:8088), as './loadstream demo-target' would.")
    boolean demoTarget;

    @Option(names = "--no-preflight",
            description = "Skip the one request sent to the target before the load starts.")
    boolean noPreflight;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "6",
            description = "Partitions of the topics created when missing (default: ${DEFAULT-VALUE}); the most "
                    + "aggregator threads that can share the work.")
    int partitions;

    @Option(names = "--replication-factor", paramLabel = "N", defaultValue = "1",
            description = "Replication factor of the topics created when missing (default: ${DEFAULT-VALUE}; "
                    + "at most the number of brokers).")
    short replicationFactor;

    @Option(names = "--application-id", paramLabel = "ID", defaultValue = AggregatorConfig.DEFAULT_APPLICATION_ID,
            description = "Application id of the aggregator in this process (default: ${DEFAULT-VALUE}). With "
                    + "--bootstrap, aggregators already running with the same id share the work with it.")
    String applicationId;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "The aggregator's local state (default: a temporary directory, deleted at the end).")
    Path stateDir;

    @Option(names = "--finish-timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "After the load, wait this long at most for the final windows (default: "
                    + "${DEFAULT-VALUE}).")
    long finishTimeoutSeconds;

    /** Reads environment variables; tests replace it. */
    Function<String, String> environment = System::getenv;

    private final AtomicBoolean interrupted = new AtomicBoolean();
    private volatile Generator generator;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        checkOptions();
        Topics topics = kafka.topics();
        Map<String, String> clientProperties = kafka.clientProperties();
        WebhookSettings webhooks = webhookOptions.settings(environment);
        Plan plan = GenerateCommand.loadPlan(planFile, stderr);
        String id = runId != null ? runId : defaultRunId(plan.name(), ZonedDateTime.now(ZoneOffset.UTC));
        Path outDir = out != null ? out : Path.of("results", id);
        print(stdout, "Run " + id + ": " + plan.name() + " against " + plan.target() + " ("
                + plan.load().executor().planName() + "); reports to " + outDir);

        Deque<AutoCloseable> resources = new ArrayDeque<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            interrupted.set(true);
            Generator running = generator;
            if (running != null) {
                running.abort(RunReasons.INTERRUPTED);
            }
            try {
                stopped.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "loadstream-run-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            if (demoTarget) {
                resources.push(startDemoTarget(plan.target(), stdout));
            }
            if (!noPreflight) {
                GenerateCommand.preflight(plan, stdout);
            }
            String bootstrap = kafka.hasBootstrap() ? kafka.bootstrap() : startBroker(resources, stdout);
            stopIfInterrupted();
            createTopics(bootstrap, clientProperties, topics, stdout);
            startAggregator(bootstrap, topics, clientProperties, resources, stdout);
            stopIfInterrupted();
            ReporterConfig reporting = ReporterConfig.of(bootstrap, id, outDir);
            Reporter reporter = new Reporter(reporting
                    .withWebhooks(webhooks)
                    .withTopics(topics)
                    .withKafkaProperties(clientProperties)
                    .withTimeouts(Duration.ofSeconds(60), Duration.ofSeconds(finishTimeoutSeconds),
                            Duration.ofSeconds(60), reporting.settle())
                    .withConsole(line -> print(line.startsWith("Gave up") ? stderr : stdout, "  " + line)));
            CompletableFuture<ReporterResult> reported = CompletableFuture.supplyAsync(reporter::run,
                    runnable -> daemon(runnable, "loadstream-run-reporter").start());
            GeneratorResult result = load(plan, bootstrap, id, topics, clientProperties, reporter, reported,
                    stdout);
            print(stdout, GenerateCommand.doneLine(result, false));
            print(stdout, "Waiting for the final windows ...");
            ReporterResult report = awaitReport(reported);
            stdout.print(report.consoleSummary());
            return report.exitCode();
        } finally {
            closeAll(resources, stdout);
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // The JVM is shutting down: the hook is running and waits for 'stopped'.
            }
        }
    }

    private void checkOptions() {
        if (runId != null) {
            try {
                EventKeys.validateRunId(runId);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--run-id: " + e.getMessage());
            }
        }
        if (partitions < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--partitions must be at least 1, was " + partitions);
        }
        if (replicationFactor < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--replication-factor must be at least 1, was " + replicationFactor);
        }
        if (finishTimeoutSeconds <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--finish-timeout must be a positive number of seconds, was " + finishTimeoutSeconds);
        }
        if (applicationId.isBlank()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--application-id must not be empty");
        }
    }

    /**
     * The default run id: the plan's name, reduced to the characters a run id allows, and the UTC time.
     *
     * @param planName the plan's name
     * @param now      the start time
     * @return e.g. {@code softfactory-weekly-20261127-093015}
     */
    static String defaultRunId(String planName, ZonedDateTime now) {
        String name = planName.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^[^A-Za-z0-9]+", "");
        if (name.length() > 80) {
            name = name.substring(0, 80);
        }
        String time = RUN_ID_TIME.format(now);
        return name.isEmpty() ? "run-" + time : name + "-" + time;
    }

    /**
     * Starts the demo target where the plan expects its target: the plan's loopback host and port.
     *
     * @throws UserFacingException exit 104 when the plan's target is not a loopback http:// address, 1 when the
     *                             port is taken
     */
    private DemoTarget startDemoTarget(URI target, PrintWriter stdout) {
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
        print(stdout, "Demo target on " + demo.baseUrl() + " (" + demo.endpoints().size() + " endpoints, "
                + demo.options().workers() + " workers, token " + demo.options().token() + ")");
        return demo;
    }

    private String startBroker(Deque<AutoCloseable> resources, PrintWriter stdout) {
        print(stdout, "Starting an embedded Kafka broker ...");
        long started = System.nanoTime();
        EmbeddedKafkaBroker broker;
        try {
            broker = EmbeddedKafkaBroker.start(BrokerOptions.DEFAULT.withPort(0)
                    .withJvmOptions(BrokerCommand.jvmOptions(environment.apply(BrokerCommand.JAVA_OPTS_ENV))));
        } catch (BrokerException e) {
            throw new UserFacingException(e.getMessage(), ExitCodes.FAILURE, e);
        }
        // This command stops the broker itself, after the report: its own shutdown hook would stop it at Ctrl-C.
        resources.push(broker.closedByCaller());
        print(stdout, String.format(Locale.ROOT, "Kafka broker ready on %s (%.1f s; log %s)",
                broker.bootstrapServers(), seconds(started), broker.logFile()));
        return broker.bootstrapServers();
    }

    private void createTopics(String bootstrap, Map<String, String> clientProperties, Topics topics,
                              PrintWriter stdout) {
        Properties admin = new Properties();
        admin.putAll(clientProperties);
        admin.put("bootstrap.servers", bootstrap);
        try {
            new TopicSetup(partitions, replicationFactor).ensure(admin, topics);
        } catch (IllegalStateException e) {
            throw new UserFacingException(e.getMessage(), ExitCodes.FAILURE, e);
        }
        print(stdout, "Topics ready: " + topics.requests() + " and the others (" + partitions
                + " partitions, replication " + replicationFactor + " when created)");
    }

    private void startAggregator(String bootstrap, Topics topics, Map<String, String> clientProperties,
                                 Deque<AutoCloseable> resources, PrintWriter stdout) {
        print(stdout, "Starting the aggregator ...");
        long started = System.nanoTime();
        Path state = stateDir;
        if (state == null) {
            try {
                state = Files.createTempDirectory("loadstream-run-state");
            } catch (IOException e) {
                throw new UserFacingException("Cannot create a state directory: " + e.getMessage(),
                        ExitCodes.FAILURE, e);
            }
            Path temporary = state;
            resources.push(() -> Utils.delete(temporary.toFile()));
        }
        Aggregator aggregator;
        try {
            aggregator = Aggregator.start(AggregatorConfig.defaults(bootstrap)
                    .withTopics(topics)
                    .withExtraProperties(clientProperties)
                    .withApplicationId(applicationId)
                    .withStateDir(state)
                    .withPartitions(partitions));
        } catch (IllegalStateException e) {
            throw new UserFacingException(e.getMessage(), ExitCodes.FAILURE, e);
        }
        resources.push(() -> aggregator.close(AGGREGATOR_STOP));
        try {
            aggregator.awaitRunning(AGGREGATOR_START);
        } catch (IllegalStateException e) {
            throw new UserFacingException(e.getMessage(), ExitCodes.FAILURE, e);
        }
        print(stdout, String.format(Locale.ROOT, "Aggregator running (%.1f s)", seconds(started)));
    }

    /** Ctrl-C before the load: there is nothing to report, so stop what has started (the finally block). */
    private void stopIfInterrupted() {
        if (interrupted.get()) {
            throw new UserFacingException("Interrupted before the load started", ExitCodes.FAILURE, null);
        }
    }

    private GeneratorResult load(Plan plan, String bootstrap, String id, Topics topics,
                                 Map<String, String> clientProperties, Reporter reporter,
                                 CompletableFuture<ReporterResult> reported, PrintWriter stdout)
            throws InterruptedException {
        Generator created = new Generator(GeneratorConfig.of(bootstrap, id)
                .withTopics(topics)
                .withKafkaProperties(clientProperties)
                .withVersion(VersionProvider.load().getProperty("version", "unknown"))
                .withProgress(line -> print(stdout, line)));
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
        try {
            // The reporter bounds its own waits (finish timeout, settle time); this only guards against a hang.
            return reported.get(finishTimeoutSeconds + 120, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ReporterException reporterFailure) {
                throw new UserFacingException(reporterFailure.getMessage(), reporterFailure.exitCode(), cause);
            }
            throw new UserFacingException("The reporter failed: " + cause.getMessage(), ExitCodes.FAILURE, cause);
        } catch (TimeoutException e) {
            throw new UserFacingException("The reporter did not finish within " + (finishTimeoutSeconds + 120)
                    + " s after the load", ExitCodes.FAILURE, e);
        }
    }

    private static void closeAll(Deque<AutoCloseable> resources, PrintWriter stdout) {
        if (!resources.isEmpty()) {
            print(stdout, "Stopping ...");
        }
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                print(stdout, "  (while stopping: " + e.getMessage() + ")");
            }
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

    private static void print(PrintWriter writer, String line) {
        synchronized (writer) {
            writer.println(line);
            writer.flush();
        }
    }
}
