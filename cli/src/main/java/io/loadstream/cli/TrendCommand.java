package io.loadstream.cli;

import io.loadstream.events.Alert;
import io.loadstream.reporter.alert.AlertFanOut;
import io.loadstream.reporter.alert.AlertSink;
import io.loadstream.reporter.alert.AlertTopicSink;
import io.loadstream.reporter.alert.AlertmanagerNotifier;
import io.loadstream.reporter.alert.AlertmanagerSettings;
import io.loadstream.reporter.alert.DeliveryFailure;
import io.loadstream.reporter.alert.DeliveryFailures;
import io.loadstream.reporter.alert.EmailReport;
import io.loadstream.reporter.alert.EmailSettings;
import io.loadstream.reporter.alert.WebhookNotifier;
import io.loadstream.reporter.alert.WebhookSettings;
import io.loadstream.reporter.archive.ArchiveBundle;
import io.loadstream.reporter.archive.ArchiveEntry;
import io.loadstream.reporter.archive.ArchiveSettings;
import io.loadstream.reporter.archive.ArchiveStore;
import io.loadstream.reporter.archive.RunsTopic;
import io.loadstream.reporter.trend.BaselineSpec;
import io.loadstream.reporter.trend.RegressionAlerts;
import io.loadstream.reporter.trend.TrendAnalysis;
import io.loadstream.reporter.trend.TrendConsole;
import io.loadstream.reporter.trend.TrendException;
import io.loadstream.reporter.trend.TrendHtml;
import io.loadstream.reporter.trend.TrendJson;
import io.loadstream.reporter.trend.TrendReport;
import io.loadstream.schemas.TopicSetup;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loadstream trend}: compares the latest archived run of a plan with its baseline, endpoint by endpoint and
 * figure by figure, writes {@code trend_report.json} and {@code trend.html}, and sends each regression as an alert.
 * Exits 99 on a regression, 0 on none, 104 for bad options, 1 when there is nothing to compare.
 */
@Command(
        name = "trend",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Compare the latest archived run of a plan with its baseline (p50, p90, p95, p99, error rate, "
                    + "throughput of every endpoint, each with a 95% confidence interval), find the change points "
                    + "over the runs, and write trend_report.json and trend.html.",
            "Runs come from the archive folder (--archive) or, with --bootstrap, from the shared runs topic.",
            "Exit codes: 99 the latest run has a significant regression beyond the tolerance, 0 it has none, "
                    + "104 invalid option, 1 nothing to compare."
        })
final class TrendCommand implements Callable<Integer> {

    /** Exit code when the latest run regressed. */
    static final int REGRESSION = ExitCodes.THRESHOLD_FAILED;

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--archive", paramLabel = "DIR",
            description = "The archive folder to read (default: loadstream-archive, unless --bootstrap is given).")
    Path archive;

    @CommandLine.Mixin
    KafkaConnectionOptions kafka;

    @Option(names = "--plan", paramLabel = "NAME",
            description = "The plan whose runs are compared; may be left out when the archive holds one plan.")
    String plan;

    @Option(names = "--baseline", paramLabel = "auto|RUN_ID|KEY=VALUE", defaultValue = "auto",
            description = "The runs the latest is compared with: auto (the complete runs since the last change "
                    + "point, at most 5), one run id, or the runs tagged KEY=VALUE (default: ${DEFAULT-VALUE}).")
    String baseline;

    @Option(names = "--tolerance", paramLabel = "PERCENT", defaultValue = "10%",
            description = "Smallest change that counts as a regression or a change point (default: "
                    + "${DEFAULT-VALUE}).")
    String tolerance;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "results/trend",
            description = "Folder for trend_report.json and trend.html (default: ${DEFAULT-VALUE}).")
    Path out;

    @CommandLine.Mixin
    WebhookOptions webhookOptions;

    @CommandLine.Mixin
    AlertSubscriberOptions subscribers;

    /** Reads environment variables; tests replace it. */
    Function<String, String> environment = System::getenv;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        OptionChecks checks = OptionChecks.of(spec);
        if (archive != null && kafka.hasBootstrap()) {
            throw checks.invalid("Give either --archive or --bootstrap, not both");
        }
        double toleranceFraction = tolerance(checks);
        BaselineSpec baselineSpec;
        try {
            baselineSpec = BaselineSpec.parse(baseline);
        } catch (IllegalArgumentException e) {
            throw checks.invalid(e.getMessage());
        }
        WebhookSettings webhooks = subscribers.retrying(webhookOptions.settings(environment));
        AlertmanagerSettings alertmanagers = subscribers.alertmanager(environment);
        Optional<EmailSettings> email = subscribers.email(environment);
        List<String> skipped = new ArrayList<>();
        String source;
        List<ArchiveEntry> entries;
        if (kafka.hasBootstrap()) {
            source = "the topic " + kafka.topics().runs() + " on " + kafka.bootstrap();
            try {
                entries = RunsTopic.readAll(clientProperties(), kafka.topics().runs(), READ_TIMEOUT, skipped::add)
                        .stream().map(ArchiveBundle::entry).toList();
            } catch (IllegalStateException | org.apache.kafka.common.KafkaException e) {
                throw new UserFacingException(e.getMessage(), ExitCodes.FAILURE, e);
            }
        } else {
            Path dir = archive != null ? archive : ArchiveSettings.DEFAULT_DIR;
            source = dir.toString();
            ArchiveStore.Listing listing = ArchiveStore.list(dir);
            entries = listing.entries();
            skipped.addAll(listing.skipped());
        }
        skipped.forEach(line -> stderr.println("loadstream: " + line));
        TrendReport report;
        try {
            report = new TrendAnalysis(toleranceFraction, TrendAnalysis.DEFAULT_ALPHA)
                    .analyse(entries, Optional.ofNullable(plan), baselineSpec, source);
        } catch (TrendException e) {
            throw new UserFacingException(e.getMessage(), e.exitCode(), e);
        }
        write(report);
        stdout.print(TrendConsole.render(report));
        stdout.println("Wrote " + out.resolve(TrendJson.FILE_NAME) + " and " + out.resolve(TrendHtml.FILE_NAME));
        stdout.flush();
        if (!report.hasRegression()) {
            return ExitCodes.OK;
        }
        Console console = Console.of(stdout, stderr);
        alert(report, webhooks, alertmanagers, console);
        email.ifPresent(settings -> email(settings, report, console));
        return REGRESSION;
    }

    private double tolerance(OptionChecks checks) {
        String text = tolerance.strip();
        String number = text.endsWith("%") ? text.substring(0, text.length() - 1).strip() : text;
        try {
            double percent = Double.parseDouble(number);
            if (percent >= 0 && percent <= 1000) {
                return percent / 100;
            }
        } catch (NumberFormatException ignored) {
            // Said below, with the option's name.
        }
        throw checks.invalid("--tolerance must be a percentage from 0% to 1000%, such as 10%, not '" + tolerance
                + "'");
    }

    private Properties clientProperties() {
        Properties props = new Properties();
        props.put("bootstrap.servers", kafka.bootstrap());
        props.putAll(kafka.clientProperties());
        return props;
    }

    private void write(TrendReport report) {
        try {
            Files.createDirectories(out);
            TrendJson.write(report, out.resolve(TrendJson.FILE_NAME));
            TrendHtml.write(report, out.resolve(TrendHtml.FILE_NAME));
        } catch (IOException e) {
            throw new UserFacingException("Cannot write the trend report to " + out + ": " + e.getMessage(),
                    ExitCodes.FAILURE, e);
        }
    }

    /** One email with the console's verdicts in the body and trend.html attached; a failure to send is printed. */
    private void email(EmailSettings settings, TrendReport report, Console console) {
        int regressions = report.regressions().size();
        try {
            EmailReport.send(settings, "loadstream: trend of " + report.plan() + " found " + regressions
                    + (regressions == 1 ? " regression" : " regressions"), TrendConsole.render(report),
                    out.resolve(TrendHtml.FILE_NAME));
            console.out().accept("Emailed the trend report to " + String.join(", ", settings.to()));
        } catch (IllegalStateException e) {
            console.err().accept(e.getMessage());
        }
    }

    // The same path as threshold alerts: the alerts topic (with a cluster), the webhooks and the Alertmanagers. A
    // subscriber given up on becomes a delivery-failure alert to the others, as in a run's reporter, resolved once
    // the regressions' deliveries are over.
    private void alert(TrendReport report, WebhookSettings webhooks, AlertmanagerSettings alertmanagers,
                       Console console) {
        List<Alert> alerts = RegressionAlerts.of(report, System.currentTimeMillis());
        List<AlertSink> sinks = new ArrayList<>();
        DeliveryFailures failures = new DeliveryFailures(report.latest().runId(), Clock.systemUTC(), console.err());
        KafkaProducer<String, byte[]> producer = null;
        WebhookNotifier notifier = null;
        AlertmanagerNotifier alertmanager = null;
        try {
            if (kafka.hasBootstrap()) {
                new TopicSetup(TopicSetup.DEFAULT.partitions(), TopicSetup.DEFAULT.replication())
                        .ensure(clientProperties(), kafka.topics());
                Properties props = clientProperties();
                props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
                props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
                // A regression alert must not be lost: wait for every replica.
                props.put(ProducerConfig.ACKS_CONFIG, "all");
                producer = new KafkaProducer<>(props);
                sinks.add(new AlertTopicSink(producer, kafka.topics().alerts()));
            }
            if (!webhooks.urls().isEmpty()) {
                notifier = new WebhookNotifier(webhooks, failures);
                sinks.add(notifier);
            }
            if (!alertmanagers.urls().isEmpty()) {
                alertmanager = new AlertmanagerNotifier(alertmanagers, Clock.systemUTC(), failures);
                sinks.add(alertmanager);
            }
            AlertFanOut fanOut = new AlertFanOut(sinks, console.err());
            failures.publishTo(fanOut, List.of());
            for (Alert alert : alerts) {
                console.out().accept("alert firing: " + alert.getSummary());
                fanOut.emit(alert);
            }
            if (producer != null) {
                // On the topic before the (possibly long) waits for the subscribers; what follows, close flushes.
                producer.flush();
            }
            if (alertmanager != null) {
                // A regression is one event, not a state that this process can watch: it ends after one re-send
                // interval, so that Alertmanager notifies it and nothing stays firing forever.
                alertmanager.endActive();
            }
            awaitDeliveries(notifier, webhooks, alertmanager, alertmanagers, console);
            if (!failures.failures().isEmpty()) {
                // Resolve the delivery-failure alerts and wait for them too; a subscriber given up on from here on
                // raises no new alert.
                failures.resolveAll();
                awaitDeliveries(notifier, webhooks, alertmanager, alertmanagers, console);
                console.err().accept(failures.count() + " alert notification(s) could not be delivered to "
                        + failures.failures().stream().map(DeliveryFailure::subscriber).distinct().count()
                        + " subscriber(s); the others were told (" + DeliveryFailures.ALERT_NAME + ").");
            }
        } finally {
            if (alertmanager != null) {
                alertmanager.close();
            }
            if (notifier != null) {
                notifier.close();
            }
            if (producer != null) {
                producer.close(Duration.ofSeconds(10));
            }
        }
    }

    private static void awaitDeliveries(WebhookNotifier notifier, WebhookSettings webhooks,
                                        AlertmanagerNotifier alertmanager, AlertmanagerSettings alertmanagers,
                                        Console console) {
        if (alertmanager != null
                && !awaitIdle(alertmanager, alertmanagers.retryFor().plus(alertmanagers.requestTimeout()))) {
            console.err().accept("Some Alertmanager posts were still being retried when trend stopped.");
        }
        if (notifier != null && !notifier.awaitIdle(webhooks.retryFor().plus(webhooks.requestTimeout()))) {
            console.err().accept("Some webhook notifications were still being retried when trend stopped.");
        }
    }

    private static boolean awaitIdle(AlertmanagerNotifier alertmanager, Duration timeout) {
        try {
            return alertmanager.awaitIdle(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
