package io.loadstream.reporter.trend;

import io.loadstream.reporter.archive.ArchiveEntry;
import io.loadstream.reporter.html.Html;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code trend.html}: one self-contained page (inline CSS and SVG, no script, nothing fetched): the latest run's
 * verdicts at the top, then for every endpoint its p50, p95 and p99 over the runs with their 95 % bootstrap bands,
 * and its error rate, with the change points marked by dashed lines.
 */
public final class TrendHtml {

    /** The file name in the output folder. */
    public static final String FILE_NAME = "trend.html";

    private static final int WIDTH = 720;
    private static final int HEIGHT = 200;
    private static final int LEFT = 60;
    private static final int RIGHT = 10;
    private static final int TOP = 10;
    private static final int BOTTOM = 30;

    private TrendHtml() {
    }

    /**
     * Writes the page.
     *
     * @param report the report
     * @param file   the file
     * @throws IOException when it cannot be written
     */
    public static void write(TrendReport report, Path file) throws IOException {
        Files.writeString(file, render(report), StandardCharsets.UTF_8);
    }

    /**
     * The page.
     *
     * @param report the report
     * @return the HTML text
     */
    public static String render(TrendReport report) {
        StringBuilder h = new StringBuilder(32_768);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Trend of ")
                .append(Html.escape(report.plan())).append("</title>\n<style>")
                .append("body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child,")
                .append("th:first-child{text-align:left}.regression{background:#fdd}.improvement{background:#dfd}")
                .append("svg{background:#fafafa;border:1px solid #ddd}.legend span{margin-right:1em}")
                .append("</style></head><body>\n");
        h.append("<h1>Trend of ").append(Html.escape(report.plan())).append("</h1>\n<p>Latest run <b>")
                .append(Html.escape(report.latest().runId())).append("</b> (")
                .append(Instant.ofEpochMilli(report.latest().startedAtMs())).append(") against ")
                .append(Html.escape(String.join(", ", report.baselineRuns()))).append(" (baseline ")
                .append(Html.escape(report.baseline().jsonKind())).append(String.format(Locale.ROOT,
                        "); tolerance %.0f%%, family-wise error rate %.0f%% (Holm).</p>%n", report.tolerancePct(),
                        report.alpha() * 100));
        verdicts(h, report);
        TreeSet<String> endpoints = new TreeSet<>();
        report.runs().forEach(r -> endpoints.addAll(r.endpoints().keySet()));
        List<String> runIds = report.runs().stream().map(ArchiveEntry::runId).toList();
        for (String endpoint : endpoints) {
            h.append("<h2>").append(Html.escape(endpoint)).append("</h2>\n");
            List<Integer> marks = new ArrayList<>();
            for (TrendReport.ChangePointAt cp : report.changePoints()) {
                if (cp.endpoint().equals(endpoint)) {
                    marks.add(runIds.indexOf(cp.runId()));
                }
            }
            h.append("<p class=\"legend\"><span style=\"color:#1f77b4\">p50</span><span style=\"color:#ff7f0e\">"
                    + "p95</span><span style=\"color:#d62728\">p99</span> (ms; bands: 95% bootstrap intervals; "
                    + "dashed: change points; hollow: incomplete runs)</p>\n");
            chart(h, report, endpoint, List.of(TrendMetric.P50_MS, TrendMetric.P95_MS, TrendMetric.P99_MS),
                    List.of("#1f77b4", "#ff7f0e", "#d62728"), marks);
            h.append("<p class=\"legend\"><span style=\"color:#9467bd\">error rate</span></p>\n");
            chart(h, report, endpoint, List.of(TrendMetric.ERROR_RATE), List.of("#9467bd"), marks);
        }
        h.append("<h2>Runs</h2>\n<table><tr><th>run</th><th>started</th><th>tags</th><th>complete</th></tr>\n");
        for (ArchiveEntry run : report.runs()) {
            h.append("<tr><td>").append(Html.escape(run.runId())).append("</td><td>")
                    .append(Instant.ofEpochMilli(run.startedAtMs())).append("</td><td>")
                    .append(Html.escape(run.tags().toString())).append("</td><td>")
                    .append(run.complete() ? "yes" : "no: " + Html.escape(run.reason())).append("</td></tr>\n");
        }
        h.append("</table>\n</body></html>\n");
        return h.toString();
    }

    private static void verdicts(StringBuilder h, TrendReport report) {
        h.append("<h2>Latest run: ").append(report.regressions().size()).append(" regression(s), ")
                .append(report.improvements().size()).append(" improvement(s)</h2>\n<table><tr><th>endpoint</th>"
                        + "<th>metric</th><th>baseline</th><th>latest</th><th>change</th><th>95% CI</th>"
                        + "<th>p</th><th>verdict</th></tr>\n");
        List<Comparison> ordered = new ArrayList<>(report.regressions());
        ordered.addAll(report.improvements());
        report.comparisons().stream().filter(c -> c.verdict() == Comparison.Verdict.NO_CHANGE).forEach(ordered::add);
        for (Comparison c : ordered) {
            String verdict = c.verdict().name().toLowerCase(Locale.ROOT).replace('_', ' ');
            h.append("<tr class=\"").append(c.verdict().name().toLowerCase(Locale.ROOT)).append("\"><td>")
                    .append(Html.escape(c.endpoint())).append("</td><td>").append(c.metric().jsonName())
                    .append(String.format(Locale.ROOT, "</td><td>%.4g</td><td>%.4g</td><td>%+.1f%%</td>"
                                    + "<td>%+.1f%% to %+.1f%%</td><td>%.2g</td><td>%s</td></tr>%n", c.baseline(),
                            c.latest(), c.changePct(), c.ci95LowPct(), c.ci95HighPct(), c.pValue(), verdict));
        }
        h.append("</table>\n");
    }

    private static void chart(StringBuilder h, TrendReport report, String endpoint, List<TrendMetric> metrics,
                              List<String> colors, List<Integer> marks) {
        List<ArchiveEntry> runs = report.runs();
        int n = runs.size();
        double max = 0;
        for (ArchiveEntry run : runs) {
            Map<TrendMetric, Estimate> figures = run.endpoints().get(endpoint);
            if (figures != null) {
                for (TrendMetric metric : metrics) {
                    max = Math.max(max, Math.max(figures.get(metric).value(), figures.get(metric).ci95High()));
                }
            }
        }
        double top = max <= 0 ? 1 : max * 1.1;
        h.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "role=\"img\">%n", WIDTH, HEIGHT));
        h.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%d\" font-size=\"11\">%.4g</text>"
                + "<text x=\"4\" y=\"%d\" font-size=\"11\">0</text>%n", TOP + 10, top, HEIGHT - BOTTOM));
        for (int mark : marks) {
            if (mark >= 0) {
                double x = x(mark, n);
                h.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
                        + "stroke=\"#555\" stroke-dasharray=\"4 3\"/>%n", x, TOP, x, HEIGHT - BOTTOM));
            }
        }
        for (int m = 0; m < metrics.size(); m++) {
            TrendMetric metric = metrics.get(m);
            StringBuilder upper = new StringBuilder();
            StringBuilder lower = new StringBuilder();
            StringBuilder line = new StringBuilder();
            StringBuilder dots = new StringBuilder();
            for (int i = 0; i < n; i++) {
                Map<TrendMetric, Estimate> figures = runs.get(i).endpoints().get(endpoint);
                if (figures == null) {
                    continue;
                }
                Estimate e = figures.get(metric);
                double x = x(i, n);
                point(upper, x, y(e.ci95High(), top));
                StringBuilder low = new StringBuilder();
                point(low, x, y(e.ci95Low(), top));
                lower.insert(0, low);
                point(line, x, y(e.value(), top));
                dots.append("<circle cx=\"").append(tenths(x)).append("\" cy=\"").append(tenths(y(e.value(), top)))
                        .append("\" r=\"3\" fill=\"").append(runs.get(i).complete() ? colors.get(m) : "white")
                        .append("\" stroke=\"").append(colors.get(m)).append("\"><title>")
                        .append(Html.escape(runs.get(i).runId())).append(' ').append(metric.jsonName()).append(": ")
                        .append(Math.round(e.value() * 1000) / 1000.0).append("</title></circle>\n");
            }
            h.append("<polygon fill=\"").append(colors.get(m)).append("\" fill-opacity=\"0.15\" points=\"")
                    .append(upper).append(lower).append("\"/>\n");
            h.append("<polyline fill=\"none\" stroke=\"").append(colors.get(m)).append("\" points=\"").append(line)
                    .append("\"/>\n").append(dots);
        }
        h.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>"
                        + "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%s</text>%n", LEFT,
                HEIGHT - 8, Html.escape(runs.get(0).runId()), WIDTH - RIGHT, HEIGHT - 8,
                Html.escape(runs.get(n - 1).runId())));
        h.append("</svg>\n");
    }

    private static void point(StringBuilder out, double x, double y) {
        out.append(tenths(x)).append(',').append(tenths(y)).append(' ');
    }

    // Coordinates to a tenth of a pixel, without String.format (thousands of points per page).
    private static double tenths(double value) {
        return Math.round(value * 10) / 10.0;
    }

    private static double x(int index, int count) {
        double plot = WIDTH - LEFT - RIGHT;
        return LEFT + (count <= 1 ? plot / 2 : plot * index / (count - 1));
    }

    private static double y(double value, double top) {
        double plot = HEIGHT - TOP - BOTTOM;
        return TOP + plot * (1 - Math.max(0, Math.min(value, top)) / top);
    }
}
