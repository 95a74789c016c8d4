package io.loadstream.reporter.trend;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loadstream.reporter.archive.ArchiveEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code trend_report.json}: the fields of the design brief (plan, runs, baseline, latest, endpoints, regressions,
 * improvements, change_points) and a few more ({@code comparisons}, the CI bands, the settings). Series have one
 * value per run of {@code runs}, {@code null} where the run lacks the endpoint.
 */
public final class TrendJson {

    /** The file name in the output folder. */
    public static final String FILE_NAME = "trend_report.json";

    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private TrendJson() {
    }

    /**
     * The report as a JSON tree.
     *
     * @param report the report
     * @return the tree
     */
    public static ObjectNode toJson(TrendReport report) {
        ObjectNode root = JSON.createObjectNode();
        root.put("plan", report.plan());
        ArrayNode runs = root.putArray("runs");
        for (ArchiveEntry run : report.runs()) {
            ObjectNode node = runs.addObject();
            node.put("id", run.runId());
            node.put("started_at", Instant.ofEpochMilli(run.startedAtMs()).toString());
            ObjectNode tags = node.putObject("tags");
            run.tags().forEach(tags::put);
            node.put("complete", run.complete());
            if (!run.complete()) {
                node.put("reason", run.reason());
            }
            node.put("loadstream_version", run.loadstreamVersion());
        }
        ObjectNode baseline = root.putObject("baseline");
        baseline.put("kind", report.baseline().jsonKind());
        if (!report.baseline().value().isEmpty()) {
            baseline.put("value", report.baseline().value());
        }
        ArrayNode baselineRuns = baseline.putArray("runs");
        report.baselineRuns().forEach(baselineRuns::add);
        root.put("latest", report.latest().runId());
        root.put("tolerance_pct", report.tolerancePct());
        root.put("alpha", report.alpha());
        ObjectNode endpoints = root.putObject("endpoints");
        TreeSet<String> names = new TreeSet<>();
        report.runs().forEach(r -> names.addAll(r.endpoints().keySet()));
        for (String endpoint : names) {
            ObjectNode node = endpoints.putObject(endpoint);
            for (TrendMetric metric : TrendMetric.values()) {
                ArrayNode values = node.putArray(metric.jsonName());
                ArrayNode bands = node.putArray(metric.jsonName() + "_ci95");
                for (ArchiveEntry run : report.runs()) {
                    Map<TrendMetric, Estimate> figures = run.endpoints().get(endpoint);
                    if (figures == null) {
                        values.addNull();
                        bands.addNull();
                    } else {
                        Estimate e = figures.get(metric);
                        values.add(round(e.value()));
                        bands.addArray().add(round(e.ci95Low())).add(round(e.ci95High()));
                    }
                }
            }
        }
        comparisons(root.putArray("regressions"), report.regressions());
        comparisons(root.putArray("improvements"), report.improvements());
        ArrayNode changePoints = root.putArray("change_points");
        for (TrendReport.ChangePointAt cp : report.changePoints()) {
            ObjectNode node = changePoints.addObject();
            node.put("endpoint", cp.endpoint());
            node.put("metric", cp.metric().jsonName());
            node.put("run", cp.runId());
            node.put("change_pct", round(cp.changePct()));
            node.put("p_value", cp.pValue());
            node.put("method", "e-divisive means + Welch t-test (p < " + ChangePoints.DEFAULT_P_VALUE + ")");
        }
        comparisons(root.putArray("comparisons"), report.comparisons());
        return root;
    }

    private static void comparisons(ArrayNode array, List<Comparison> comparisons) {
        for (Comparison c : comparisons) {
            ObjectNode node = array.addObject();
            node.put("endpoint", c.endpoint());
            node.put("metric", c.metric().jsonName());
            node.put("baseline", round(c.baseline()));
            node.put("latest", round(c.latest()));
            node.put("change_pct", round(c.changePct()));
            node.putArray("ci95_pct").add(round(c.ci95LowPct())).add(round(c.ci95HighPct()));
            node.put("p_value", c.pValue());
            node.put("q_value", c.qValue());
            node.put("verdict", c.verdict().name().toLowerCase(java.util.Locale.ROOT));
            node.put("method", "window block bootstrap + moderated t-test (Smyth), Holm");
            ArrayNode runs = node.putArray("baseline_runs");
            c.baselineRuns().forEach(runs::add);
        }
    }

    private static double round(double value) {
        return Math.round(value * 1_000_000.0) / 1_000_000.0;
    }

    /**
     * Writes the report.
     *
     * @param report the report
     * @param file   the file
     * @throws IOException when it cannot be written
     */
    public static void write(TrendReport report, Path file) throws IOException {
        Files.writeString(file, text(report), StandardCharsets.UTF_8);
    }

    /**
     * The report's text.
     *
     * @param report the report
     * @return indented JSON with a final newline
     */
    public static String text(TrendReport report) {
        try {
            return JSON.writeValueAsString(toJson(report)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Jackson cannot write a tree it built", e);
        }
    }
}
