package io.loadstream.cli;

import io.loadstream.reporter.Reporter;
import io.loadstream.reporter.ReporterConfig;
import io.loadstream.reporter.ReporterException;
import io.loadstream.reporter.ReporterResult;
import io.loadstream.reporter.alert.EmailSettings;
import io.loadstream.reporter.metrics.MetricsEndpoint;
import io.loadstream.reporter.metrics.RunMetrics;
import io.loadstream.reporter.archive.RunArchiver;
import io.loadstream.schemas.Topics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loadstream report}: follows one run on Kafka until it is over, then writes performance_report.json,
 * report.html and alerts.jsonl and prints a k6-like summary. Exits 0 when every threshold passed, 99 when one
 * failed, 104 for bad options or an invalid threshold, 1 for anything else (e.g. no aggregator totals).
 */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Follow a run live: evaluate its thresholds as windows close, send alerts (topic, alerts.jsonl, "
                    + "console, webhooks), abort it when an abort_on_fail threshold fails, and write the reports "
                    + "once every generator has finished and the aggregator's final totals are in.",
            "Exit codes: 0 passed, 99 a threshold failed, 104 invalid option or threshold, 1 any other failure."
        })
final class ReportCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    KafkaConnectionOptions kafka;

    @CommandLine.Mixin
    IncompleteOption incomplete;

    @Option(names = "--run-id", required = true, paramLabel = "ID",
            description = "The run to follow ([A-Za-z0-9][A-Za-z0-9._-]{0,99}).")
    String runId;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Folder for performance_report.json, report.html and alerts.jsonl (created if missing).")
    Path out;

    @CommandLine.Mixin
    WebhookOptions webhookOptions;

    @CommandLine.Mixin
    AlertSubscriberOptions subscribers;

    @CommandLine.Mixin
    MetricsOptions metricsOptions;

    @CommandLine.Mixin
    ArchiveOptions archiveOptions;

    @Option(names = "--start-timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "Fail when the run's STARTED does not arrive within this time (default: ${DEFAULT-VALUE}).")
    long startTimeoutSeconds;

    @Option(names = "--finish-timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "After every generator finished, wait this long at most for the aggregator's final totals "
                    + "(default: ${DEFAULT-VALUE}).")
    long finishTimeoutSeconds;

    @Option(names = "--silence-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "Give the run up as dead after this long without a heartbeat (default: ${DEFAULT-VALUE}).")
    long silenceTimeoutSeconds;


    /** Reads environment variables; tests replace it. */
    Function<String, String> environment = System::getenv;

    @Override
    public Integer call() {
        ReporterConfig config = config();
        Optional<EmailSettings> email = subscribers.email(environment);
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        Console console = Console.of(stdout, stderr);
        console.out().accept("Following run " + runId + " on " + kafka.bootstrap() + " ...");
        ReporterConfig withConsole = config.withConsole(console.reporterLines());
        ReporterResult result;
        RunMetrics metrics = MetricsOptions.newMetrics();
        Optional<MetricsEndpoint> endpoint = MetricsOptions.start(metricsOptions.host, metricsOptions.port(),
                metrics);
        endpoint.ifPresent(e -> console.out().accept("Metrics at http://" + metricsOptions.host + ":" + e.port()
                + "/metrics"));
        try {
            // report always follows a cluster that outlives it: the entry is shared on the runs topic too.
            var archive = archiveOptions.settings(Optional.of(kafka.topics().runs()), Optional.empty());
            result = new Reporter(withConsole, metrics, archive == null ? null : new RunArchiver(archive)).run();
        } catch (ReporterException e) {
            throw new UserFacingException(e.getMessage(), e.exitCode(), e);
        } finally {
            endpoint.ifPresent(MetricsEndpoint::close);
        }
        stdout.print(result.consoleSummary());
        stdout.flush();
        AlertSubscriberOptions.emailIfFailed(email, runId, result, console.out(), console.err());
        return incomplete.exitCode(result);
    }

    private ReporterConfig config() {
        OptionChecks checks = OptionChecks.of(spec);
        checks.runId(runId);
        Topics topics = kafka.topics();
        String bootstrap = kafka.bootstrap();
        for (long seconds : List.of(startTimeoutSeconds, finishTimeoutSeconds, silenceTimeoutSeconds)) {
            if (seconds <= 0) {
                throw checks.invalid("Timeouts must be a positive number of seconds, not " + seconds);
            }
        }
        return ReporterConfig.of(bootstrap, runId, out)
                .withTopics(topics)
                .withWebhooks(subscribers.retrying(webhookOptions.settings(environment)))
                .withAlertmanager(subscribers.alertmanager(environment))
                .withKafkaProperties(kafka.clientProperties())
                .withTimeouts(Duration.ofSeconds(startTimeoutSeconds), Duration.ofSeconds(finishTimeoutSeconds),
                        Duration.ofSeconds(silenceTimeoutSeconds), ReporterConfig.of(bootstrap, runId, out).settle());
    }
}
