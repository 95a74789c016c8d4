package io.loadstream.reporter;

import io.loadstream.events.Alert;
import io.loadstream.events.ControlType;
import io.loadstream.events.EndpointTotals;
import io.loadstream.events.EndpointWindow;
import io.loadstream.events.RunControl;
import io.loadstream.events.SystemWindow;
import io.loadstream.events.ThresholdSpec;
import io.loadstream.reporter.alert.AlertSink;
import io.loadstream.reporter.alert.Alerts;
import io.loadstream.reporter.alert.AlertsFile;
import io.loadstream.reporter.alert.WebhookNotifier;
import io.loadstream.reporter.html.HtmlReport;
import io.loadstream.reporter.report.ConsoleSummary;
import io.loadstream.reporter.report.JsonReport;
import io.loadstream.reporter.report.ReportBuilder;
import io.loadstream.reporter.report.RunReport;
import io.loadstream.reporter.run.RunData;
import io.loadstream.reporter.stats.Stats;
import io.loadstream.reporter.threshold.ThresholdEngine;
import io.loadstream.reporter.threshold.ThresholdOutcome;
import io.loadstream.reporter.threshold.ThresholdRule;
import io.loadstream.reporter.threshold.ThresholdRules;
import io.loadstream.reporter.threshold.ThresholdSyntaxException;
import io.loadstream.schemas.EventDecodingException;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.EventSerdes;
import io.loadstream.schemas.TopicSetup;
import io.loadstream.schemas.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p>Use one instance for one run; {@link #run()} blocks the calling thread until the end.
 */
public final class Reporter {

    private static final Logger LOG = LoggerFactory.getLogger(Reporter.class);

    /** How far back raw windows are kept before any threshold asks for more. */
    private static final long DEFAULT_RETENTION_MS = Duration.ofMinutes(15).toMillis();
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration WEBHOOK_DRAIN = Duration.ofSeconds(30);
    private static final Duration CATCH_UP = Duration.ofSeconds(10);

    private final ReporterConfig config;
    private final RunData data;
    private final List<Alert> alerts = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final TreeMap<Long, Long> pendingWindowEnds = new TreeMap<>();
    private ThresholdEngine engine;
    private boolean aborted;
    private long badRecords;
    private volatile boolean cancelled;

    /**
     * Creates a reporter; nothing happens until {@link #run()}.
     *
     * @param config the settings
     */
    public Reporter(ReporterConfig config) {
        this.config = config;
        this.data = new RunData(config.runId(), DEFAULT_RETENTION_MS);
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
        Path out = config.outDir();
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new ReporterException("Cannot create the output folder " + out + ": " + e.getMessage(), 1, e);
        }
        try {
            new TopicSetup(TopicSetup.DEFAULT.partitions(), TopicSetup.DEFAULT.replication())
                    .ensure(KafkaClients.admin(config), config.topics());
        } catch (IllegalStateException e) {
            throw new ReporterException(e.getMessage(), 1, e);
        }
        Path alertsPath = out.resolve("alerts.jsonl");
        List<AlertSink> sinks = new ArrayList<>();
        WebhookNotifier webhooks = null;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(KafkaClients.consumer(config));
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClients.producer(config));
             AlertsFile alertsFile = new AlertsFile(alertsPath)) {
            sinks.add(alert -> publishAlert(producer, alert));
            sinks.add(alertsFile);
            sinks.add(alert -> config.console().accept("alert " + alert.getStatus().name().toLowerCase(Locale.ROOT)
                    + ": " + alert.getSummary()));
            if (!config.webhooks().urls().isEmpty()) {
                webhooks = new WebhookNotifier(config.webhooks(), config.console());
                sinks.add(webhooks);
            }
            assignAll(consumer);
            boolean complete = follow(consumer, producer, sinks);
            List<ThresholdOutcome> outcomes = finish(sinks);
            if (webhooks != null && !webhooks.awaitIdle(WEBHOOK_DRAIN)) {
                warnings.add("Some webhook notifications were still being retried when the reporter stopped.");
            }
            if (webhooks != null) {
                webhooks.failures().forEach(warnings::add);
            }
            return writeReports(outcomes, complete, alertsPath);
        } finally {
            if (webhooks != null) {
                webhooks.close();
            }
        }
    }

    private void assignAll(KafkaConsumer<String, byte[]> consumer) {
        Topics topics = config.topics();
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(topics.control(), topics.windows(), topics.totals(), topics.systemWindows())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            for (PartitionInfo info : infos) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Reads until the run is over or a timeout passes; returns whether the data is complete. */
    private boolean follow(KafkaConsumer<String, byte[]> consumer, KafkaProducer<String, byte[]> producer,
                           List<AlertSink> sinks) {
        long startedWaiting = now();
        long lastControl = now();
        long allFinishedAt = -1;
        long totalsCompleteAt = -1;
        while (true) {
            if (cancelled) {
                throw new ReporterException("The reporter of run " + config.runId() + " was cancelled", 1, null);
            }
            for (ConsumerRecord<String, byte[]> record : consumer.poll(config.pollInterval())) {
                if (handle(record, producer)) {
                    lastControl = now();
                }
            }
            if (engine == null && data.hasStarted()) {
                startEngine();
            }
            boolean finished = data.allSegmentsFinished();
            if (finished && allFinishedAt < 0) {
                allFinishedAt = now();
            }
            boolean totalsDone = finished && data.totalsComplete();
            if (totalsDone && totalsCompleteAt < 0) {
                totalsCompleteAt = now();
            }
            boolean windowsDone = totalsDone && data.windowsComplete();
            evaluate(producer, sinks, totalsDone);
            if (windowsDone) {
                catchUp(consumer, producer);
                evaluate(producer, sinks, true);
                return true;
            }
            if (stop(now(), finished, totalsDone, startedWaiting, lastControl, allFinishedAt, totalsCompleteAt)) {
                catchUp(consumer, producer);
                evaluate(producer, sinks, true);
                return totalsDone;
            }
        }
    }

    /**
     * Reads what the topics already hold before the report is written: the partitions are read in turns, so
     * records published before the last totals (system windows, say) may not have been polled yet. Bounded by
     * {@link #CATCH_UP}.
     */
    private void catchUp(KafkaConsumer<String, byte[]> consumer, KafkaProducer<String, byte[]> producer) {
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment(), CATCH_UP);
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey(), CATCH_UP) < e.getValue())) {
            if (System.nanoTime() > deadline) {
                warnings.add("Could not read the topics to their end within " + CATCH_UP.toSeconds() + " s; the "
                        + "last system windows may be missing.");
                return;
            }
            for (ConsumerRecord<String, byte[]> record : consumer.poll(config.pollInterval())) {
                handle(record, producer);
            }
        }
    }

    /** Whether to stop waiting although the run is not complete; adds the reason to the warnings. */
    private boolean stop(long now, boolean finished, boolean totalsDone, long startedWaiting, long lastControl,
                         long allFinishedAt, long totalsCompleteAt) {
        if (!data.hasStarted()) {
            if (now - startedWaiting > config.startTimeout().toMillis()) {
                throw new ReporterException("No STARTED record of run " + config.runId() + " arrived on "
                        + config.topics().control() + " within " + config.startTimeout().toSeconds()
                        + " s: is a generator running with --run-id " + config.runId() + "?", 1, null);
            }
            return false;
        }
        if (totalsDone && now - totalsCompleteAt > config.settle().toMillis() * 5) {
            warnings.add("The final totals arrived but the windows add up to fewer requests; the timeline may "
                    + "miss its last windows.");
            return true;
        }
        if (finished && !totalsDone && now - allFinishedAt > config.finishTimeout().toMillis()) {
            warnings.add("Every generator finished, but the aggregator's final totals did not arrive within "
                    + config.finishTimeout().toSeconds() + " s: figures come from what did arrive. Is an "
                    + "aggregator running?");
            return true;
        }
        if (!finished && now - lastControl > config.silenceTimeout().toMillis()) {
            warnings.add("No control record (heartbeat) for " + config.silenceTimeout().toSeconds()
                    + " s before every generator had finished: the run was given up as dead.");
            return true;
        }
        return false;
    }

    /** Handles one record; returns true when it was a control record of the run. */
    private boolean handle(ConsumerRecord<String, byte[]> record, KafkaProducer<String, byte[]> producer) {
        String key = record.key();
        if (key == null) {
            return false;
        }
        int bar = key.indexOf(EventKeys.SEPARATOR);
        String runId = bar < 0 ? key : key.substring(0, bar);
        if (!runId.equals(config.runId())) {
            return false;
        }
        Topics topics = config.topics();
        String topic = record.topic();
        try {
            if (topic.equals(topics.control())) {
                RunControl control = EventSerdes.runControl().deserialize(topic, record.value());
                data.onControl(control);
                return true;
            } else if (topic.equals(topics.windows())) {
                EndpointWindow window = EventSerdes.endpointWindow().deserialize(topic, record.value());
                if (data.onWindow(window) && window.getEndpoint().equals(RunData.ALL)) {
                    pendingWindowEnds.putIfAbsent(window.getWindowEndMs(), now());
                }
            } else if (topic.equals(topics.totals())) {
                EndpointTotals totals = EventSerdes.endpointTotals().deserialize(topic, record.value());
                // Decode the histogram once here, so that a corrupt one goes to the DLQ instead of failing the report.
                Stats.of(totals.getStats());
                data.onTotals(totals);
            } else if (topic.equals(topics.systemWindows())) {
                SystemWindow window = EventSerdes.systemWindow().deserialize(topic, record.value());
                data.onSystemWindow(window);
            }
        } catch (EventDecodingException | IllegalArgumentException e) {
            deadLetter(producer, record, e);
        }
        return false;
    }

    private void deadLetter(KafkaProducer<String, byte[]> producer, ConsumerRecord<String, byte[]> record,
                            RuntimeException e) {
        badRecords++;
        String reason = e instanceof EventDecodingException d ? d.reason().name() : "UNREADABLE";
        LOG.warn("Bad record at {}-{}@{} ({}): {}", record.topic(), record.partition(), record.offset(), reason,
                e.getMessage());
        ProducerRecord<String, byte[]> dlq = new ProducerRecord<>(config.topics().dlq(), null, record.key(),
                record.value(), List.of(
                        new RecordHeader("loadstream.reason", reason.getBytes(StandardCharsets.UTF_8)),
                        new RecordHeader("loadstream.source", (record.topic() + "-" + record.partition() + "@"
                                + record.offset()).getBytes(StandardCharsets.UTF_8)),
                        new RecordHeader("loadstream.consumer", "reporter".getBytes(StandardCharsets.UTF_8))));
        producer.send(dlq);
    }

    private void startEngine() {
        List<ThresholdSpec> specs = config.thresholds().orElse(data.thresholdSpecs());
        List<ThresholdRule> rules = new ArrayList<>();
        long longestWindow = 0;
        for (ThresholdSpec spec : specs) {
            try {
                ThresholdRule rule = ThresholdRules.parse(spec);
                rules.add(rule);
                longestWindow = Math.max(longestWindow, rule.window().toMillis());
            } catch (ThresholdSyntaxException e) {
                throw new ReporterException("The threshold '" + spec.getExpression() + "' of " + spec.getMetric()
                        + " is invalid: " + e.getMessage(), ReporterResult.INVALID_CONFIG, e);
            }
        }
        long windowSize = data.firstStarted().map(RunControl::getWindowSizeMs).orElse(10_000L);
        data.retainAtLeast(longestWindow + 2 * windowSize);
        engine = new ThresholdEngine(rules, data.startMs());
        LOG.info("Run {} started: {} thresholds, {} segments", config.runId(), rules.size(), data.segmentCount());
    }

    /**
     * Evaluates the closed windows whose period is surely complete: a later window has arrived, the settle time
     * has passed since it arrived, or the run is over.
     */
    private void evaluate(KafkaProducer<String, byte[]> producer, List<AlertSink> sinks, boolean runOver) {
        if (engine == null) {
            return;
        }
        long now = now();
        while (!pendingWindowEnds.isEmpty()) {
            Map.Entry<Long, Long> first = pendingWindowEnds.firstEntry();
            boolean later = pendingWindowEnds.size() > 1;
            boolean settled = now - first.getValue() >= config.settle().toMillis();
            if (!later && !settled && !runOver) {
                return;
            }
            pendingWindowEnds.pollFirstEntry();
            for (ThresholdEngine.Action action : engine.onWindowClosed(first.getKey(), data)) {
                if (action instanceof ThresholdEngine.AlertChange change) {
                    emit(sinks, Alerts.of(config.runId(), planName(), change.transition()));
                } else if (action instanceof ThresholdEngine.Abort abort) {
                    sendAbort(producer, abort.reason());
                }
            }
        }
    }

    private void emit(List<AlertSink> sinks, Alert alert) {
        alerts.add(alert);
        for (AlertSink sink : sinks) {
            try {
                sink.accept(alert);
            } catch (RuntimeException e) {
                LOG.error("An alert sink failed: {}", e.toString());
                warnings.add("An alert could not be delivered: " + e.getMessage());
            }
        }
    }

    private void publishAlert(KafkaProducer<String, byte[]> producer, Alert alert) {
        String topic = config.topics().alerts();
        producer.send(new ProducerRecord<>(topic, EventKeys.alertKey(alert.getRunId(), alert.getFingerprint()),
                EventSerdes.alert().serialize(topic, alert)), (metadata, e) -> {
                    if (e != null) {
                        LOG.error("Could not publish an alert to {}: {}", topic, e.toString());
                    }
                });
    }

    /** Sends ABORT to every partition of the control topic, so that every generator and aggregator task sees it. */
    private void sendAbort(KafkaProducer<String, byte[]> producer, String reason) {
        String topic = config.topics().control();
        long now = now();
        RunControl abort = RunControl.newBuilder()
                .setRunId(config.runId())
                .setType(ControlType.ABORT)
                .setTimestampMs(now)
                .setSource("reporter")
                .setPlanName(planName())
                .setReason(reason)
                .build();
        byte[] value = EventSerdes.runControl().serialize(topic, abort);
        List<java.util.concurrent.Future<?>> sends = new ArrayList<>();
        for (PartitionInfo partition : producer.partitionsFor(topic)) {
            sends.add(producer.send(new ProducerRecord<>(topic, partition.partition(), now,
                    EventKeys.runKey(config.runId()), value)));
        }
        try {
            for (java.util.concurrent.Future<?> send : sends) {
                send.get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            warnings.add("The ABORT could not be sent to every control partition: " + e.getMessage());
            LOG.error("ABORT not sent to every partition of {}: {}", topic, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReporterException("Interrupted while sending the ABORT", 1, e);
        }
        aborted = true;
        config.console().accept("ABORT sent: " + reason);
        LOG.warn("Run {} aborted: {}", config.runId(), reason);
    }

    private List<ThresholdOutcome> finish(List<AlertSink> sinks) {
        if (engine == null) {
            startEngine();
        }
        List<ThresholdOutcome> outcomes = engine.finish(data::totalsOf, ReportBuilder.durationSeconds(data));
        long end = data.endMs() > 0 ? data.endMs() : now();
        for (ThresholdOutcome outcome : outcomes) {
            if (Double.isNaN(outcome.observed())) {
                warnings.add("The threshold " + outcome.rule().name() + " had no data (no request in "
                        + outcome.rule().scope().text() + "), so it passed.");
            }
            if (!outcome.passed() && !outcome.rule().windowed()) {
                emit(sinks, Alerts.ofFailedRun(config.runId(), planName(), outcome, end));
            }
        }
        if (badRecords > 0) {
            warnings.add(badRecords + " records of this run could not be decoded; they were sent to "
                    + config.topics().dlq() + ".");
        }
        return outcomes;
    }

    private ReporterResult writeReports(List<ThresholdOutcome> outcomes, boolean complete, Path alertsPath) {
        RunReport report = ReportBuilder.build(data, outcomes, alerts, warnings, complete);
        Path json = config.outDir().resolve(JsonReport.FILE_NAME);
        Path html = config.outDir().resolve(HtmlReport.FILE_NAME);
        try {
            JsonReport.write(report, json);
            HtmlReport.write(report, html);
        } catch (IOException | UncheckedIOException e) {
            throw new ReporterException("Cannot write the reports to " + config.outDir() + ": " + e.getMessage(), 1,
                    e);
        }
        boolean failed = outcomes.stream().anyMatch(o -> !o.passed());
        int exitCode = failed ? ReporterResult.THRESHOLD_FAILED : complete ? ReporterResult.OK
                : ReporterResult.FAILURE;
        String summary = ConsoleSummary.render(report, List.of(json, html, alertsPath));
        return new ReporterResult(exitCode, json, html, alertsPath, outcomes, aborted, complete, report, summary);
    }

    private String planName() {
        return data.firstStarted().map(RunControl::getPlanName).orElse("");
    }

    private long now() {
        return config.clock().millis();
    }
}
