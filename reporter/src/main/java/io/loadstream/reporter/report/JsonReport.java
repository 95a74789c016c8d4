package io.loadstream.reporter.report;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loadstream.events.Alert;
import io.loadstream.reporter.alert.AlertsFile;
import io.loadstream.reporter.capacity.CapacityJson;
import io.loadstream.reporter.drift.DriftJson;
import io.loadstream.reporter.run.TimelinePoint;
import io.loadstream.reporter.threshold.ThresholdOutcome;
import io.loadstream.reporter.timeline.TimelineResolution;
import io.loadstream.schemas.RunReasons;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code performance_report.json}, in the shape fixed by the design brief (run, summary, endpoint_metrics,
 * thresholds, slow_endpoints, error_endpoints, bottlenecks, timeline), with a few more keys (alerts, system, vus).
 * Milliseconds keep 3 decimals; unknown figures are {@code null}.
 */
public final class JsonReport {

    /** The file name in the output folder. */
    public static final String FILE_NAME = "performance_report.json";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            // 300 ms stays 300, not 3E+2, after stripTrailingZeros.
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    private JsonReport() {
    }

    /**
     * Writes the report.
     *
     * @param report the report
     * @param path   the file
     * @throws IOException when it cannot be written
     */
    public static void write(RunReport report, Path path) throws IOException {
        Files.writeString(path, text(report));
    }

    /**
     * The report as pretty-printed JSON text.
     *
     * @param report the report
     * @return the text, ending with a newline
     * @throws IOException when Jackson fails (it does not for a tree)
     */
    public static String text(RunReport report) throws IOException {
        return JSON.writeValueAsString(toJson(report)) + "\n";
    }

    /**
     * The report as a JSON tree.
     *
     * @param report the report
     * @return the tree
     */
    public static ObjectNode toJson(RunReport report) {
        ObjectNode root = JSON.createObjectNode();
        RunReport.RunInfo info = report.run();
        ObjectNode run = root.putObject("run");
        run.put("id", info.id());
        run.put("plan", info.plan());
        run.put("started_at", iso(info.startedAtMs()));
        run.put("ended_at", iso(info.endedAtMs()));
        run.put("duration_s", round(info.durationS()));
        run.put("generators", info.generators());
        run.put("complete", info.complete());
        run.put("aborted", info.abortReason() != null);
        // Ctrl-C or SIGTERM: the report holds what ran until then.
        run.put("interrupted", RunReasons.INTERRUPTED.equals(info.abortReason()));
        if (info.abortReason() != null) {
            run.put("abort_reason", info.abortReason());
        }
        run.put("events_dropped", info.eventsDropped());
        ObjectNode droppedByKind = run.putObject("events_dropped_by_kind");
        droppedByKind.put("timings", info.timingsDropped());
        droppedByKind.put("system_samples", info.samplesDropped());
        droppedByKind.put("other", Math.max(0, info.eventsDropped() - info.timingsDropped() - info.samplesDropped()));
        ArrayNode outages = run.putArray("kafka_outages");
        for (RunReport.KafkaOutage o : info.kafkaOutages()) {
            ObjectNode outage = outages.addObject();
            outage.put("generator", o.generator());
            outage.put("started_at", iso(o.startedMs()));
            outage.put("duration_s", round(o.durationMs() / 1000.0));
            outage.put("events_buffered", o.eventsBuffered());
            outage.put("events_lost", o.eventsLost());
        }
        run.put("dropped_iterations", info.droppedIterations());
        run.put("late_events", info.lateEvents());
        ArrayNode warnings = run.putArray("warnings");
        info.warnings().forEach(warnings::add);

        RunReport.Summary s = report.summary();
        ObjectNode summary = root.putObject("summary");
        summary.put("total_requests", s.totalRequests());
        summary.put("total_errors", s.totalErrors());
        summary.put("error_rate", rate(s.errorRate()));
        summary.put("throughput_rps", round(s.throughputRps()));
        summary.put("avg_ms", round(s.avgMs()));
        summary.put("p50_ms", round(s.p50Ms()));
        summary.put("p95_ms", round(s.p95Ms()));
        summary.put("p99_ms", round(s.p99Ms()));
        summary.put("max_ms", round(s.maxMs()));
        putNumber(summary, "avg_cpu_percent", s.avgCpuPercent());
        putNumber(summary, "peak_cpu_percent", s.peakCpuPercent());
        putNumber(summary, "peak_memory_mb", s.peakMemoryMb());
        summary.put("cpu_source", s.cpuSource());
        summary.put("slow_endpoint_count", s.slowEndpointCount());
        summary.put("slow_requests", s.slowRequests());
        summary.put("slow_request_ms", s.slowRequestMs());
        summary.put("bytes_sent", report.endpoints().stream().mapToLong(RunReport.EndpointRow::bytesSent).sum());
        summary.put("bytes_received", report.endpoints().stream().mapToLong(RunReport.EndpointRow::bytesReceived)
                .sum());
        summary.put("thresholds_passed", report.thresholdsPassed());
        ArrayNode recommendations = summary.putArray("recommendations");
        s.recommendations().forEach(recommendations::add);

        Scenarios sc = report.scenarios();
        ObjectNode scenarios = root.putObject("scenarios");
        scenarios.put("load", sc.load());
        if (sc.iterations() >= 0) {
            scenarios.put("iterations", sc.iterations());
        } else {
            scenarios.putNull("iterations");
        }
        ObjectNode perScenario = scenarios.putObject("by_scenario");
        for (Scenarios.Row row : sc.rows()) {
            ObjectNode n = perScenario.putObject(row.name());
            n.put("weight", row.weight());
            putNumber(n, "weight_share", row.weightShare());
            putCount(n, "iterations", row.iterations());
            putNumber(n, "iteration_share", row.iterationShare());
            putCount(n, "completed", row.completed());
            putNumber(n, "iteration_mean_ms", row.iterationMeanMs());
            putNumber(n, "iteration_max_ms", row.iterationMaxMs());
            n.put("requests", row.requests());
            n.put("errors", row.errors());
        }

        putChecks(root.putObject("checks"), report.checks());
        putGeneratorCpu(root.putArray("generator_cpu"), report.generatorCpu());

        ObjectNode endpoints = root.putObject("endpoint_metrics");
        for (RunReport.EndpointRow row : report.endpoints()) {
            ObjectNode e = endpoints.putObject(row.endpoint());
            e.put("requests", row.requests());
            e.put("errors", row.errors());
            e.put("error_rate", rate(row.errorRate()));
            e.put("avg_ms", round(row.avgMs()));
            e.put("min_ms", round(row.minMs()));
            e.put("max_ms", round(row.maxMs()));
            e.put("p50_ms", round(row.p50Ms()));
            e.put("p90_ms", round(row.p90Ms()));
            e.put("p95_ms", round(row.p95Ms()));
            e.put("p99_ms", round(row.p99Ms()));
            e.put("p999_ms", round(row.p999Ms()));
            e.put("rps", round(row.rps()));
            e.put("slow_requests", row.slowRequests());
            putCounts(e.putObject("errors_by_class"), row.errorsByClass());
            putCounts(e.putObject("status_counts"), row.statusCounts());
            e.put("bytes_sent", row.bytesSent());
            e.put("bytes_received", row.bytesReceived());
            putPhases(e, row.phases());
            ArrayNode distribution = e.putArray("latency_distribution");
            for (int i = 0; i < row.distribution().size(); i++) {
                ObjectNode bucket = distribution.addObject();
                List<Double> bounds = RunReport.EndpointRow.DISTRIBUTION_BOUNDS_MS;
                if (i < bounds.size()) {
                    bucket.put("up_to_ms", round(bounds.get(i)));
                } else {
                    bucket.putNull("up_to_ms");
                }
                bucket.put("requests", row.distribution().get(i));
            }
        }

        ArrayNode thresholds = root.putArray("thresholds");
        for (ThresholdOutcome t : report.thresholds()) {
            ObjectNode n = thresholds.addObject();
            n.put("metric", t.rule().metricKey());
            n.put("expression", t.rule().expression());
            n.put("scope", t.rule().scope().text());
            n.put("passed", t.passed());
            putNumber(n, "observed", t.observed());
            n.put("window_s", round(t.rule().window().toMillis() / 1000.0));
            n.put("for_s", round(t.rule().forDuration().toMillis() / 1000.0));
            n.put("abort_on_fail", t.rule().abortOnFail());
            if (t.firedAtMs() > 0) {
                n.put("fired_at", iso(t.firedAtMs()));
            }
        }

        ArrayNode slow = root.putArray("slow_endpoints");
        for (RunReport.SlowEndpoint e : report.slowEndpoints()) {
            ObjectNode n = slow.addObject();
            n.put("endpoint", e.endpoint());
            n.put("p95_ms", round(e.p95Ms()));
            n.put("threshold_ms", e.thresholdMs());
            n.put("requests", e.requests());
        }
        ArrayNode errors = root.putArray("error_endpoints");
        for (RunReport.ErrorEndpoint e : report.errorEndpoints()) {
            ObjectNode n = errors.addObject();
            n.put("endpoint", e.endpoint());
            n.put("errors", e.errors());
            n.put("requests", e.requests());
            n.put("error_rate", rate(e.errorRate()));
            putCounts(n.putObject("errors_by_class"), e.errorsByClass());
            putCounts(n.putObject("status_counts"), e.statusCounts());
        }
        ArrayNode bottlenecks = root.putArray("bottlenecks");
        for (RunReport.Bottleneck b : report.bottlenecks()) {
            ObjectNode n = bottlenecks.addObject();
            n.put("kind", b.kind());
            if (!b.endpoint().isEmpty()) {
                n.put("endpoint", b.endpoint());
            }
            n.put("evidence", b.evidence());
            b.figures().forEach((name, value) -> putNumber(n, name, value));
        }
        putTimeline(root.putArray("timeline"), report.timeline());
        ArrayNode vus = root.putArray("vus");
        for (RunReport.VuPoint p : report.vus()) {
            ObjectNode n = vus.addObject();
            n.put("window_start", iso(p.windowStartMs()));
            n.put("active_vus", p.vus());
            n.put("rps", round(p.rps()));
        }
        ArrayNode vusPerSecond = root.putArray("vus_per_second");
        for (RunReport.VuPoint p : report.vusPerSecond()) {
            ObjectNode n = vusPerSecond.addObject();
            n.put("at", iso(p.windowStartMs()));
            n.put("active_vus", p.vus());
        }
        SystemJson.write(root, report);
        ArrayNode alerts = root.putArray("alerts");
        for (Alert alert : report.alerts()) {
            alerts.add(AlertsFile.toJson(alert));
        }
        // What alert subscribers did not get (given up, refused, or withheld), so that a silent subscriber shows.
        ObjectNode delivery = root.putObject("alert_delivery");
        delivery.put("delivery_failures", report.deliveryFailureCount());
        ArrayNode deliveryFailures = delivery.putArray("failures");
        for (io.loadstream.reporter.alert.DeliveryFailure f : report.deliveryFailures()) {
            ObjectNode n = deliveryFailures.addObject();
            n.put("subscriber", f.subscriber());
            n.put("notifications", f.notifications());
            n.put("last_problem", f.lastProblem());
            n.put("at", iso(f.atMs()));
            n.put("message", f.message());
        }
        DriftJson.put(root, report.drift());
        CapacityJson.put(root, report.capacity());
        // The timeline's resolutions: "timeline" holds the whole run in steps of step_s, merged exactly from the
        // windows; "timeline_recent" each endpoint's last recent_windows windows as they closed.
        TimelineResolution resolution = report.resolution();
        ObjectNode steps = root.putObject("timeline_resolution");
        steps.put("window_s", round(resolution.windowMs() / 1000.0));
        steps.put("step_s", round(resolution.stepMs() / 1000.0));
        steps.put("recent_windows", resolution.recentWindows());
        putTimeline(root.putArray("timeline_recent"), resolution.recent());
        return root;
    }

    /** Each generator's own threads' CPU beside its process's; null figures when they could not be told apart. */
    private static void putGeneratorCpu(ArrayNode rows, GeneratorCpu cpu) {
        for (GeneratorCpu.Row row : cpu.rows()) {
            ObjectNode n = rows.addObject();
            n.put("generator", row.generator());
            n.put("measured", row.measured());
            putNumber(n, "threads_cpu_s", row.measured() ? row.threadsCpuMs() / 1000.0 : Double.NaN);
            putNumber(n, "process_cpu_s", row.processCpuMs() >= 0 ? row.processCpuMs() / 1000.0 : Double.NaN);
            putNumber(n, "span_s", row.spanMs() >= 0 ? row.spanMs() / 1000.0 : Double.NaN);
            putNumber(n, "share_of_process", row.shareOfProcess());
            putNumber(n, "threads_cpu_mean_percent", row.meanPercentOfMachine());
            putNumber(n, "process_cpu_mean_percent", row.processMeanPercentOfMachine());
        }
    }

    /** Passed and failed checks, in all and per endpoint. */
    private static void putChecks(ObjectNode checks, Checks all) {
        checks.put("passed", all.passed());
        checks.put("failed", all.failed());
        ArrayNode rows = checks.putArray("by_endpoint");
        for (Checks.Row row : all.rows()) {
            ObjectNode n = rows.addObject();
            n.put("endpoint", row.endpoint());
            n.put("check", String.join("; ", row.checks()));
            n.put("passed", row.passed());
            n.put("failed", row.failed());
            if (Double.isNaN(row.passRate())) {
                n.putNull("pass_rate");
            } else {
                n.put("pass_rate", rate(row.passRate()));
            }
        }
    }

    /** Time to first byte and service time (null when the aggregator did not keep their histograms). */
    private static void putPhases(ObjectNode e, RunReport.Phases phases) {
        putCount(e, "ttfb_requests", phases.ttfbRequests());
        putNumber(e, "ttfb_p50_ms", phases.ttfbP50Ms());
        putNumber(e, "ttfb_p95_ms", phases.ttfbP95Ms());
        putNumber(e, "ttfb_p99_ms", phases.ttfbP99Ms());
        putNumber(e, "service_time_p50_ms", phases.serviceTimeP50Ms());
        putNumber(e, "service_time_p95_ms", phases.serviceTimeP95Ms());
        putNumber(e, "service_time_p99_ms", phases.serviceTimeP99Ms());
    }

    private static void putTimeline(ArrayNode timeline, List<TimelinePoint> points) {
        for (TimelinePoint p : points) {
            ObjectNode n = timeline.addObject();
            n.put("window_start", iso(p.windowStartMs()));
            n.put("endpoint", p.endpoint());
            n.put("requests", p.requests());
            n.put("errors", p.errors());
            n.put("rps", round(p.rps()));
            n.put("covered_s", round(p.coveredS()));
            n.put("p50_ms", round(p.p50Ms()));
            n.put("p95_ms", round(p.p95Ms()));
            n.put("p99_ms", round(p.p99Ms()));
            n.put("max_ms", round(p.maxMs()));
        }
    }

    private static void putCount(ObjectNode node, String key, long value) {
        if (value < 0) {
            node.putNull(key);
        } else {
            node.put(key, value);
        }
    }

    private static void putCounts(ObjectNode node, Map<String, Long> counts) {
        counts.forEach(node::put);
    }

    private static void putNumber(ObjectNode node, String key, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            node.putNull(key);
        } else {
            node.put(key, round(value));
        }
    }

    static String iso(long epochMs) {
        return epochMs <= 0 ? null : Instant.ofEpochMilli(epochMs).toString();
    }

    /** Milliseconds, seconds and percents keep 3 decimals. */
    static BigDecimal round(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return null;
        }
        return BigDecimal.valueOf(value).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros();
    }

    /** Rates keep 6 decimals, so that 0.01% still shows. */
    static BigDecimal rate(double value) {
        return BigDecimal.valueOf(value).setScale(6, RoundingMode.HALF_UP).stripTrailingZeros();
    }
}
