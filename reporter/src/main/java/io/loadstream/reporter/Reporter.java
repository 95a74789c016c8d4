package io.loadstream.reporter;

import io.loadstream.reporter.alert.AlertFanOut;
import io.loadstream.reporter.alert.AlertHistory;
import io.loadstream.reporter.archive.ArchiveCodec;
import io.loadstream.reporter.archive.RunArchiver;
import io.loadstream.reporter.archive.RunsTopic;
import io.loadstream.reporter.alert.AlertSink;
import io.loadstream.reporter.alert.AlertTopicSink;
import io.loadstream.reporter.alert.AlertmanagerNotifier;
import io.loadstream.reporter.alert.AlertsFile;
import io.loadstream.reporter.alert.DeliveryFailures;
import io.loadstream.reporter.alert.DeliveryRetry;
import io.loadstream.reporter.alert.WebhookNotifier;
import io.loadstream.reporter.metrics.RunObserver;
import io.loadstream.reporter.publish.AbortPublisher;
import io.loadstream.reporter.publish.DeadLetterPublisher;
import io.loadstream.reporter.publish.SentDeadLetters;
import io.loadstream.reporter.report.ConsoleSummary;
import io.loadstream.reporter.report.JsonReport;
import io.loadstream.reporter.report.ReportBuilder;
import io.loadstream.reporter.report.RunReport;
import io.loadstream.reporter.run.RequestCount;
import io.loadstream.reporter.run.RunData;
import io.loadstream.reporter.threshold.ThresholdOutcome;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.TopicSetup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Follows one run on Kafka until it is over, then writes its reports.
 *
 * <p>It reads the control, windows, totals and system-windows topics from the beginning (only the records of its
 * run), evaluates windowed thresholds as windows close, publishes alerts (topic, {@code alerts.jsonl}, console,
 * webhooks) and, when an {@code abort_on_fail} threshold fails, an ABORT to every control partition. It stops
 * when every segment has sent FINISHED, the final totals are complete and the last windows are in; or, so that
 * it never hangs, when a timeout of {@link ReporterConfig} passes (the report then says what is missing and the
 * exit code is 1 unless a threshold failed).
 *
 * <p>This class wires the parts together: {@link RunFollower} (the consumer loop, with the decoding step
 * {@code intake.RecordRouter} and the run-end state machine {@code run.RunEnd}), {@link ThresholdJudge}
 * (thresholds, alert fan-out, abort), and {@link ReportFiles}. Use one instance for one run; {@link #run()} blocks
 * the calling thread until the end.
 */
public final class Reporter {

    /** How far back raw windows are kept before any threshold asks for more, in milliseconds. */
    private static final long DEFAULT_RETENTION_MS = Duration.ofMinutes(15).toMillis();
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);
    /** Beyond a subscriber's retry time, how long the end of a run waits for its last attempt. */
    private static final Duration DRAIN_MARGIN = Duration.ofSeconds(5);
    /** How long a starting reporter reads the dead-letter topic for what an earlier reporter of its run set aside. */
    private static final Duration DEAD_LETTERS_READ_TIMEOUT = Duration.ofSeconds(30);

    private final ReporterConfig config;
    private final RunData data;
    private final RunObserver observer;
    private final RunArchiver archiver;
    private final List<String> warnings = new ArrayList<>();
    private volatile boolean cancelled;

    /**
     * Creates a reporter; nothing happens until {@link #run()}.
     *
     * @param config the settings
     */
    public Reporter(ReporterConfig config) {
        this(config, RunObserver.NONE, null);
    }

    /**
     * Creates a reporter whose run is also shown to an observer (e.g. {@code metrics.RunMetrics}).
     *
     * @param config   the settings
     * @param observer sees each record of the run as it is read, then the end of the run
     */
    public Reporter(ReporterConfig config, RunObserver observer) {
        this(config, observer, null);
    }

    /**
     * Creates a reporter that also files the finished run into the trend archive.
     *
     * @param config   the settings
     * @param archiver files the run at the end (after the reports are written); null for none
     */
    public Reporter(ReporterConfig config, RunArchiver archiver) {
        this(config, RunObserver.NONE, archiver);
    }

    /**
     * Creates a reporter with an observer and an archiver.
     *
     * @param config   the settings
     * @param observer sees each record of the run as it is read, then the end of the run
     * @param archiver files the run at the end (after the reports are written); null for none
     */
    public Reporter(ReporterConfig config, RunObserver observer, RunArchiver archiver) {
        this.config = config;
        this.observer = observer;
        this.data = new RunData(config.runId(), DEFAULT_RETENTION_MS);
        this.archiver = archiver;
        if (archiver != null) {
            archiver.attach(data);
        }
    }

    /**
     * Stops a {@link #run()} that is waiting, from any thread: for a caller whose run failed before it started
     * (the generator could not reach the target, say), so that the reporter does not wait for its start timeout.
     * {@link #run()} then throws a {@link ReporterException} within one poll interval.
     */
    public void cancel() {
        cancelled = true;
    }

    /**
     * Follows the run to its end and writes the reports.
     *
     * @return the exit code, the files and the threshold outcomes
     * @throws ReporterException when the run never starts, a threshold is invalid (exit code 104), or the files
     *                           cannot be written
     */
    public ReporterResult run() {
        ReportFiles files = new ReportFiles(config.outDir());
        files.createFolder();
        try {
            new TopicSetup(TopicSetup.DEFAULT.partitions(), TopicSetup.DEFAULT.replication())
                    .ensure(KafkaClients.admin(config), config.topics());
        } catch (IllegalStateException e) {
            throw new ReporterException(e.getMessage(), 1, e);
        }
        if (archiver != null && archiver.settings().runsTopic().isPresent()) {
            try {
                RunsTopic.ensure(KafkaClients.admin(config), archiver.settings().runsTopic().get(),
                        TopicSetup.DEFAULT.replication());
            } catch (IllegalStateException e) {
                warnings.add(e.getMessage());
            }
        }
        // Failures of one subscriber are counted for the report and alerted to the others.
        DeliveryFailures deliveryFailures = new DeliveryFailures(config.runId(), config.clock(), config.console());
        WebhookNotifier webhooks = config.webhooks().urls().isEmpty() ? null
                : new WebhookNotifier(config.webhooks(), deliveryFailures, config.clock());
        AlertmanagerNotifier alertmanagers = config.alertmanager().urls().isEmpty() ? null
                : new AlertmanagerNotifier(config.alertmanager().generatorUrl().isEmpty()
                        ? config.alertmanager().withGeneratorUrl(files.html().toAbsolutePath().toUri().toString())
                        : config.alertmanager(), config.clock(), deliveryFailures);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(KafkaClients.consumer(config));
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClients.producer(config));
             AlertsFile alertsFile = new AlertsFile(files.alerts())) {
            List<AlertSink> sinks = new ArrayList<>(List.of(
                    new AlertTopicSink(producer, config.topics().alerts()),
                    alertsFile,
                    alert -> config.console().accept("alert " + alert.getStatus().name().toLowerCase(Locale.ROOT)
                            + ": " + alert.getSummary())));
            if (webhooks != null) {
                sinks.add(webhooks);
            }
            if (alertmanagers != null) {
                sinks.add(alertmanagers);
            }
            AlertFanOut alerts = new AlertFanOut(sinks, warnings::add);
            java.util.Collection<io.loadstream.events.Alert> before = notifiedBefore().values();
            alerts.resume(before);
            // Delivery-failure alerts go through the fan-out (topic, alerts.jsonl, report, the other subscribers).
            deliveryFailures.publishTo(alerts, before);
            AbortPublisher abort = new AbortPublisher(producer, config.topics().control(), config.runId(),
                    SEND_TIMEOUT, warnings::add);
            DeadLetterPublisher deadLetters = new DeadLetterPublisher(producer, config.topics().dlq(),
                    SentDeadLetters.read(KafkaClients.consumer(config), config.topics().dlq(), config.runId(),
                            DEAD_LETTERS_READ_TIMEOUT));
            ThresholdJudge judge = new ThresholdJudge(config, data, alerts, abort, warnings::add);

            boolean totalsIn = new RunFollower(config, consumer, data, judge, deadLetters, warnings::add,
                    () -> cancelled, observer).follow();
            observer.runEnded(config.runId());
            Optional<String> countProblem = totalsIn
                    ? RequestCount.problem(data.finished(), data.totals().get(EventKeys.ALL_ENDPOINTS))
                    : Optional.empty();
            countProblem.ifPresent(warnings::add);
            boolean complete = totalsIn && countProblem.isEmpty();
            List<ThresholdOutcome> outcomes = judge.finish();
            if (deadLetters.count() > 0) {
                warnings.add(deadLetters.count() + " records of this run could not be decoded; they were sent to "
                        + config.topics().dlq() + ".");
            }
            // The subscribers deliver what they still hold first, so that a give-up found now still raises its
            // delivery-failure alert; then those alerts are resolved (the run is over) and delivered in turn.
            if (webhooks != null) {
                drained(webhooks::awaitIdle, config.webhooks().retry(), "webhooks");
            }
            if (alertmanagers != null) {
                // The run is over: nothing of it stays firing at the Alertmanagers.
                alertmanagers.endActive();
                drained(idle(alertmanagers), config.alertmanager().retry(), "Alertmanagers");
            }
            deliveryFailures.resolveAll();
            if (webhooks != null) {
                if (!drained(webhooks::awaitIdle, config.webhooks().retry(), "webhooks")) {
                    warnings.add("Some webhook notifications were still being retried when the reporter stopped.");
                }
                webhooks.close();
            }
            if (alertmanagers != null) {
                if (!drained(idle(alertmanagers), config.alertmanager().retry(), "Alertmanagers")) {
                    warnings.add("Some alerts were still being retried to an Alertmanager when the reporter "
                            + "stopped.");
                }
                alertmanagers.close();
            }
            // After close: what was still queued is counted too.
            deliveryFailures.failures().forEach(f -> warnings.add(f.message()));
            List<io.loadstream.events.Alert> history = alerts.alerts();
            // The file in the history's order, as a replay of the run writes it too.
            try {
                alertsFile.rewrite(history);
            } catch (java.io.UncheckedIOException e) {
                warnings.add(e.getMessage());
            }
            RunReport report = ReportBuilder.build(data, outcomes, history, warnings, complete,
                    deliveryFailures.failures());
            files.write(report);
            if (archiver != null) {
                archiver.file(data, report, ArchiveCodec.text(JsonReport.toJson(report)), producer, config.console());
            }
            return result(report, outcomes, complete, abort.sent(), files);
        } finally {
            if (webhooks != null) {
                webhooks.close();
            }
            if (alertmanagers != null) {
                alertmanagers.close();
            }
        }
    }

    /** What earlier reporters of this run notified (after a restart), from the compacted alerts topic. */
    private java.util.Map<String, io.loadstream.events.Alert> notifiedBefore() {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(KafkaClients.consumer(config))) {
            return AlertHistory.read(consumer, config.topics().alerts(), config.runId(), SEND_TIMEOUT);
        } catch (IllegalStateException e) {
            throw new ReporterException("Cannot read which alerts were notified already: " + e.getMessage(), 1, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReporterException("Interrupted while reading the alerts topic", 1, e);
        }
    }

    /** Waits, up to a timeout, until the Alertmanagers have delivered or given up what they hold. */
    private static java.util.function.Predicate<Duration> idle(AlertmanagerNotifier alertmanagers) {
        return timeout -> {
            try {
                return alertmanagers.awaitIdle(timeout);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        };
    }

    /**
     * Waits for subscribers to deliver what they hold, as long as their retries may take; says so on the console
     * when that takes more than a moment (a subscriber is down at the end of the run).
     */
    private boolean drained(java.util.function.Predicate<Duration> awaitIdle, DeliveryRetry retry, String who) {
        if (awaitIdle.test(Duration.ofSeconds(1))) {
            return true;
        }
        Duration left = retry.retryFor().plus(retry.requestTimeout()).plus(DRAIN_MARGIN);
        config.console().accept("Delivering the last alerts to the " + who + " (retrying for up to "
                + left.toSeconds() + " s; --alert-retry-for sets it)");
        return awaitIdle.test(left);
    }

    private static ReporterResult result(RunReport report, List<ThresholdOutcome> outcomes, boolean complete,
                                         boolean aborted, ReportFiles files) {
        boolean failed = outcomes.stream().anyMatch(o -> !o.passed());
        int exitCode = failed ? ReporterResult.THRESHOLD_FAILED : complete ? ReporterResult.OK
                : ReporterResult.FAILURE;
        String summary = ConsoleSummary.render(report, files.all());
        return new ReporterResult(exitCode, files.json(), files.html(), files.alerts(), outcomes, aborted, complete,
                report, summary);
    }
}
