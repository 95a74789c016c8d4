package io.loadstream.cli;

import io.loadstream.aggregator.Aggregator;
import io.loadstream.aggregator.AggregatorConfig;
import io.loadstream.reporter.metrics.MetricsEndpoint;
import io.loadstream.reporter.metrics.RunMetrics;
import io.loadstream.reporter.metrics.TopicFeed;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loadstream aggregate}: one aggregator instance (Kafka Streams), until Ctrl-C or SIGTERM, then a clean
 * shutdown that commits what it has processed. Instances with the same application id share the partitions.
 */
@Command(
        name = "aggregate",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Run one aggregator instance until Ctrl-C or SIGTERM.",
            "It reads requests, control and system samples and writes closed windows, run totals and system "
                    + "windows (exactly once). Start several with the same --application-id to share the work."
        })
final class AggregateCommand implements Callable<Integer> {

    /** How long a clean shutdown may take. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    /**
     * The most stream threads one instance takes. A thread without a partition idles, and topics have 6
     * partitions by default; the bound refuses a typo before it starts thousands of threads.
     */
    static final int MAX_THREADS = 64;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    KafkaConnectionOptions kafka;

    @CommandLine.Mixin
    MetricsOptions metricsOptions;

    @Option(names = "--application-id", paramLabel = "ID", defaultValue = AggregatorConfig.DEFAULT_APPLICATION_ID,
            description = "Kafka Streams application id (default: ${DEFAULT-VALUE}).")
    String applicationId;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Directory for the local state (default: Kafka Streams' temporary directory).")
    Path stateDir;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "Stream threads of this instance (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--start-timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "How long to wait for the instance to run (default: ${DEFAULT-VALUE} s).")
    int startTimeoutSeconds;

    private final AtomicBoolean stopping = new AtomicBoolean();

    @Override
    public Integer call() throws InterruptedException {
        AggregatorConfig config = config();
        PrintWriter out = spec.commandLine().getOut();
        out.println("Starting the aggregator (" + config.applicationId() + ") against " + config.bootstrapServers()
                + " ...");
        out.flush();
        Aggregator aggregator;
        try {
            aggregator = Aggregator.start(config);
        } catch (IllegalStateException e) {
            throw new UserFacingException(e.getMessage(), ExitCodes.FAILURE, e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            out.println("Stopping the aggregator ...");
            out.flush();
            aggregator.close(STOP_TIMEOUT);
            out.println("Aggregator stopped.");
            out.flush();
        }, "loadstream-aggregate-stop"));
        try {
            aggregator.awaitRunning(Duration.ofSeconds(startTimeoutSeconds));
        } catch (IllegalStateException e) {
            if (stopping.get()) {
                return ExitCodes.OK;
            }
            aggregator.close(STOP_TIMEOUT);
            throw new UserFacingException(e.getMessage(), ExitCodes.FAILURE, e);
        }
        startMetrics(config, aggregator, out);
        out.println("Aggregator running. Press Ctrl-C to stop it.");
        out.flush();
        Throwable failure;
        try {
            failure = aggregator.failure().get();
        } catch (ExecutionException e) {
            failure = e.getCause();
        }
        if (stopping.get()) {
            return ExitCodes.OK;
        }
        throw new UserFacingException("The aggregator stopped: " + failure.getMessage(), ExitCodes.FAILURE, failure);
    }

    /**
     * With {@code --metrics-port}: the live metrics of every run whose windows this cluster's aggregators commit,
     * read from the topics (the aggregator's own writes are transactions that may be retried), until the JVM ends.
     */
    private void startMetrics(AggregatorConfig config, Aggregator aggregator, PrintWriter out) {
        Optional<Integer> port = metricsOptions.port();
        if (port.isEmpty()) {
            return;
        }
        RunMetrics metrics = MetricsOptions.newMetrics();
        MetricsEndpoint endpoint;
        try {
            endpoint = new MetricsEndpoint(metricsOptions.host, port.get(), metrics,
                    List.of(new AggregatorHealth(aggregator)));
        } catch (UncheckedIOException e) {
            throw new UserFacingException(e.getMessage(), ExitCodes.FAILURE, e);
        }
        Properties client = new Properties();
        client.putAll(config.extraProperties());
        client.put("bootstrap.servers", config.bootstrapServers());
        TopicFeed feed = new TopicFeed(client, config.topics(), metrics);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            feed.close();
            endpoint.close();
        }, "loadstream-aggregate-metrics-stop"));
        out.println("Metrics at http://" + metricsOptions.host + ":" + endpoint.port() + "/metrics");
    }

    private AggregatorConfig config() {
        OptionChecks checks = OptionChecks.of(spec);
        checks.between1And("--threads", threads, MAX_THREADS);
        checks.positiveSeconds("--start-timeout", startTimeoutSeconds);
        checks.kafkaName("--application-id", applicationId);
        checks.writableDirectory("--state-dir", stateDir);
        return AggregatorConfig.defaults(kafka.bootstrap())
                .withTopics(kafka.topics())
                .withExtraProperties(kafka.clientProperties())
                .withApplicationId(applicationId)
                .withStateDir(stateDir)
                .withThreads(threads);
    }
}
