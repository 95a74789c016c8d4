package io.loadstream.cli;

import io.loadstream.aggregator.AggregatorConfig;
import io.loadstream.generator.plan.Plan;
import io.loadstream.reporter.ReporterResult;
import io.loadstream.reporter.alert.EmailSettings;
import io.loadstream.reporter.alert.WebhookSettings;
import io.loadstream.schemas.TopicSetup;
import io.loadstream.schemas.Topics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loadstream run}: the whole pipeline in one process. It starts an embedded Kafka broker (unless
 * {@code --bootstrap} names a cluster), creates the topics, starts an aggregator and a reporter, sends one
 * preflight request, runs the load, waits for the final windows, writes the reports and prints the summary.
 *
 * <p>Ctrl-C (SIGTERM) stops the load; the report of what ran is still written (marked interrupted), then the
 * aggregator and the broker stop cleanly, and the process ends with the signal's status.
 *
 * <p>This class reads the options; {@link LocalRun} is the pipeline.
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
    static final Duration STOP_WAIT = Duration.ofSeconds(120);

    private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    PlanOptions planOptions;

    @CommandLine.Mixin
    KafkaConnectionOptions kafka;

    @CommandLine.Mixin
    IncompleteOption incomplete;

    @CommandLine.Mixin
    WebhookOptions webhookOptions;

    @CommandLine.Mixin
    AlertSubscriberOptions subscribers;

    @CommandLine.Mixin
    MetricsOptions metricsOptions;

    @CommandLine.Mixin
    ArchiveOptions archiveOptions;

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

    @Option(names = "--finish-timeout", paramLabel = "SECONDS",
            defaultValue = "" + LocalRunOptions.DEFAULT_FINISH_TIMEOUT_S,
            description = "After the load, wait this long at most for the final windows (default: "
                    + "${DEFAULT-VALUE}).")
    long finishTimeoutSeconds;

    /** Reads environment variables; tests replace it. */
    Function<String, String> environment = System::getenv;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        checkOptions();
        Topics topics = kafka.topics();
        Map<String, String> clientProperties = kafka.clientProperties();
        WebhookSettings webhooks = subscribers.retrying(webhookOptions.settings(environment));
        Optional<EmailSettings> email = subscribers.email(environment);
        Plan plan = planOptions.load(stderr);
        String id = runId != null ? runId : defaultRunId(plan.name(), ZonedDateTime.now(ZoneOffset.UTC));
        LocalRunOptions options = LocalRunOptions.of(id, out != null ? out : Path.of("results", id))
                .withBootstrap(kafka.hasBootstrap() ? kafka.bootstrap() : null)
                .withBrokerJvmOptions(BrokerJvmOptions.from(environment))
                .withKafkaProperties(clientProperties)
                .withTopics(topics)
                .withTopicSetup(new TopicSetup(partitions, replicationFactor))
                .withApplicationId(applicationId)
                .withStateDir(stateDir)
                .withWebhooks(webhooks)
                .withAlertmanager(subscribers.alertmanager(environment))
                .withMetricsPort(metricsOptions.port())
                .withFinishTimeout(Duration.ofSeconds(finishTimeoutSeconds))
                .withDemoTarget(demoTarget)
                .withPreflight(planOptions.preflight());
        // The shared history is published only to a cluster that outlives this process.
        LocalRun run = new LocalRun(options, Console.of(stdout, stderr)).archiveTo(archiveOptions.settings(
                kafka.hasBootstrap() ? Optional.of(topics.runs()) : Optional.empty(),
                Optional.of(Map.entry(plan, planOptions.planFile)))).metricsOn(metricsOptions.host);
        // Ctrl-C (SIGINT, SIGTERM) ends the JVM once the hooks end: this one stops the load and waits until the
        // report of what ran is written and everything has stopped.
        Thread hook = new Thread(() -> {
            run.interrupt();
            try {
                run.awaitClosed(STOP_WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "loadstream-run-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            ReporterResult report = run.run(plan).reported();
            stdout.print(report.consoleSummary());
            stdout.flush();
            Console console = Console.of(stdout, stderr);
            AlertSubscriberOptions.emailIfFailed(email, id, report, console.out(), console.err());
            return incomplete.exitCode(report);
        } finally {
            run.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // The JVM is shutting down: the hook is running and waits for the run to close.
            }
        }
    }

    private void checkOptions() {
        OptionChecks checks = OptionChecks.of(spec);
        if (runId != null) {
            checks.runId(runId);
        }
        checks.atLeastOne("--partitions", partitions);
        checks.atLeastOne("--replication-factor", replicationFactor);
        checks.positiveSeconds("--finish-timeout", finishTimeoutSeconds);
        checks.notBlank("--application-id", applicationId);
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
}
