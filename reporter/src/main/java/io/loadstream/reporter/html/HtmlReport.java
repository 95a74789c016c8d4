package io.loadstream.reporter.html;

import io.loadstream.events.Alert;
import io.loadstream.reporter.alert.Alerts;
import io.loadstream.reporter.report.RunReport;
import io.loadstream.reporter.run.TimelinePoint;
import io.loadstream.reporter.threshold.ThresholdOutcome;
import io.loadstream.schemas.EventKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code report.html}: one self-contained file, readable behind a firewall. Styles and the small table-sorting
 * script are inline; the charts are inline SVG drawn here. It refers to nothing outside itself, and every string
 * that comes from a plan or a run (endpoint, plan, host names) is escaped.
 */
public final class HtmlReport {

    /** The file name in the output folder. */
    public static final String FILE_NAME = "report.html";

    /** Endpoints with their own small latency chart, unless more failed a threshold. */
    private static final int CHART_ENDPOINTS = 8;

    private static final String STYLE = """
            body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2330;\
            background:#f4f6f9}
            header{background:#1d2330;color:#fff;padding:18px 32px}
            header h1{margin:0;font-size:22px}
            header .meta{color:#c5cbd6;margin-top:4px}
            main{padding:16px 32px 48px;max-width:1340px}
            h2{font-size:17px;margin:28px 0 10px}
            .badge{display:inline-block;padding:2px 10px;border-radius:10px;font-weight:600;margin-left:10px;\
            font-size:13px;vertical-align:middle}
            .pass{background:#d9f2e1;color:#11602c}.fail{background:#fbdada;color:#8c1515}\
            .warn{background:#fff1cc;color:#7a5300}
            .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px}
            .card{background:#fff;border-radius:8px;padding:10px 14px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
            .card .v{font-size:20px;font-weight:600}.card .k{color:#5b6475;font-size:12px}
            table{border-collapse:collapse;background:#fff;width:100%;box-shadow:0 1px 2px rgba(0,0,0,.08)}
            th,td{padding:6px 8px;border-bottom:1px solid #e6e9ef;text-align:right;white-space:nowrap}
            th:first-child,td:first-child{text-align:left;white-space:normal;overflow-wrap:anywhere;min-width:200px}
            .scroll{overflow-x:auto}
            td.text,th.text{text-align:left;white-space:normal}
            table.left th,table.left td{text-align:left;white-space:normal}
            th{background:#eef1f6;font-weight:600}
            table.sortable th{cursor:pointer;user-select:none}
            table.sortable th[data-dir=asc]::after{content:" \\25B2"}
            table.sortable th[data-dir=desc]::after{content:" \\25BC"}
            .ok{color:#11602c;font-weight:600}.bad{color:#b01c1c;font-weight:600}
            .charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:14px}
            figure.chart{background:#fff;margin:0;padding:10px 12px;border-radius:8px;\
            box-shadow:0 1px 2px rgba(0,0,0,.08)}
            figure.chart figcaption{font-weight:600;margin-bottom:4px}
            figure.chart svg{width:100%;height:auto}
            .grid{stroke:#e6e9ef}.frame{stroke:#8a93a3}.axis{font-size:11px;fill:#5b6475}
            .multiples{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:10px}
            figure.small figcaption{font-size:12px;overflow-wrap:anywhere}
            h3{font-size:14px;margin:16px 0 8px}
            .legend{font-size:12px;color:#3b4252}.legend span{margin-right:14px;display:inline-block}
            .legend i{display:inline-block;width:12px;height:3px;margin-right:5px;vertical-align:middle}
            ul.findings li{margin-bottom:6px}
            .empty{color:#5b6475}
            .warnings{background:#fff1cc;border-radius:8px;padding:8px 14px}
            """;

    private static final String SCRIPT = """
            document.querySelectorAll("table.sortable").forEach(function (table) {
              table.querySelectorAll("th").forEach(function (th, column) {
                th.addEventListener("click", function () {
                  var body = table.tBodies[0];
                  var rows = Array.prototype.slice.call(body.rows);
                  var ascending = th.getAttribute("data-dir") !== "asc";
                  table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("data-dir"); });
                  th.setAttribute("data-dir", ascending ? "asc" : "desc");
                  rows.sort(function (a, b) {
                    var x = a.cells[column].getAttribute("data-v"), y = b.cells[column].getAttribute("data-v");
                    var nx = parseFloat(x), ny = parseFloat(y);
                    var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
                    return ascending ? c : -c;
                  });
                  rows.forEach(function (r) { body.appendChild(r); });
                });
              });
            });
            """;

    private HtmlReport() {
    }

    /**
     * Writes the report.
     *
     * @param report the report
     * @param path   the file
     * @throws IOException when it cannot be written
     */
    public static void write(RunReport report, Path path) throws IOException {
        Files.writeString(path, render(report));
    }

    /**
     * Renders the report.
     *
     * @param report the report
     * @return a complete HTML document
     */
    public static String render(RunReport report) {
        RunReport.RunInfo run = report.run();
        RunReport.Summary s = report.summary();
        StringBuilder html = new StringBuilder(64 * 1024);
        String title = (run.plan().isEmpty() ? "Run" : run.plan()) + " \u2014 " + run.id();
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(Html.escape("loadstream: " + title)).append("</title><style>")
                .append(STYLE).append("</style></head><body>\n");
        boolean passed = report.thresholdsPassed();
        html.append("<header><h1>").append(Html.escape(title));
        if (run.abortReason() != null) {
            html.append("<span class=\"badge fail\">ABORTED</span>");
        }
        html.append(passed ? "<span class=\"badge pass\">THRESHOLDS PASSED</span>"
                : "<span class=\"badge fail\">THRESHOLDS FAILED</span>");
        if (!run.complete()) {
            html.append("<span class=\"badge warn\">INCOMPLETE DATA</span>");
        }
        html.append("</h1><div class=\"meta\">").append(Html.escape(time(run.startedAtMs()))).append(" \u2192 ")
                .append(Html.escape(time(run.endedAtMs()))).append(" \u00b7 ")
                .append(String.format(Locale.ROOT, "%.1f s", run.durationS())).append(" \u00b7 ")
                .append(run.generators()).append(run.generators() == 1 ? " generator" : " generators");
        if (run.abortReason() != null) {
            html.append(" \u00b7 aborted: ").append(Html.escape(run.abortReason()));
        }
        if (!report.scenarios().load().isEmpty()) {
            html.append("<br>load: ").append(Html.escape(report.scenarios().load()));
        }
        if (report.scenarios().iterations() >= 0) {
            html.append(" \u00b7 ").append(String.format(Locale.ROOT, "%,d", report.scenarios().iterations()))
                    .append(report.scenarios().iterations() == 1 ? " iteration" : " iterations");
        }
        html.append("</div></header><main>\n");

        if (!run.warnings().isEmpty()) {
            html.append("<div class=\"warnings\"><ul>");
            run.warnings().forEach(w -> html.append("<li>").append(Html.escape(w)).append("</li>"));
            html.append("</ul></div>");
        }

        html.append("<h2>Summary</h2><div class=\"cards\">");
        card(html, "requests", String.format(Locale.ROOT, "%,d", s.totalRequests()));
        card(html, "errors", String.format(Locale.ROOT, "%,d (%.2f%%)", s.totalErrors(), s.errorRate() * 100));
        card(html, "throughput", String.format(Locale.ROOT, "%.1f req/s", s.throughputRps()));
        card(html, "avg", ms(s.avgMs()));
        card(html, "p50", ms(s.p50Ms()));
        card(html, "p95", ms(s.p95Ms()));
        card(html, "p99", ms(s.p99Ms()));
        card(html, "max", ms(s.maxMs()));
        if (!Double.isNaN(s.peakCpuPercent())) {
            card(html, s.cpuSource() + " CPU avg / peak", String.format(Locale.ROOT, "%.0f%% / %.0f%%",
                    s.avgCpuPercent(), s.peakCpuPercent()));
        }
        if (!Double.isNaN(s.peakMemoryMb())) {
            card(html, s.cpuSource() + " peak memory", String.format(Locale.ROOT, "%,.0f MiB", s.peakMemoryMb()));
        }
        card(html, "slow endpoints", Integer.toString(s.slowEndpointCount()));
        html.append("</div>\n");

        thresholds(html, report.thresholds());
        scenarios(html, report.scenarios());
        checks(html, report.checks());
        charts(html, report);
        SoakSections.append(html, report);
        endpoints(html, report);
        SystemSection.table(html, report);
        generatorCpu(html, report);
        findings(html, report);
        alerts(html, report.alerts());
        deliveryFailures(html, report);

        html.append("</main><script>").append(SCRIPT).append("</script></body></html>\n");
        return html.toString();
    }

    private static void thresholds(StringBuilder html, List<ThresholdOutcome> thresholds) {
        html.append("<h2>Thresholds</h2>");
        if (thresholds.isEmpty()) {
            html.append("<p class=\"empty\">The plan has no thresholds.</p>");
            return;
        }
        html.append("<table class=\"left\"><thead><tr><th>metric</th><th>expression</th><th>scope</th>")
                .append("<th>window / for</th><th>observed</th><th>result</th></tr></thead><tbody>");
        for (ThresholdOutcome t : thresholds) {
            String windowFor = t.rule().windowed() ? Alerts.number(t.rule().window().toMillis() / 1000.0) + " s / "
                    + Alerts.number(t.rule().forDuration().toMillis() / 1000.0) + " s" : "whole run";
            html.append("<tr><td>").append(Html.escape(t.rule().metricKey())).append("</td><td>")
                    .append(Html.escape(t.rule().expression())).append("</td><td>")
                    .append(Html.escape(t.rule().scope().text())).append("</td><td>").append(windowFor)
                    .append(t.rule().abortOnFail() ? ", aborts" : "").append("</td><td>")
                    .append(Html.escape(observed(t))).append("</td><td class=\"")
                    .append(t.passed() ? "ok\">\u2713 passed" : "bad\">\u2717 failed").append("</td></tr>");
        }
        html.append("</tbody></table>\n");
    }

    private static void scenarios(StringBuilder html, io.loadstream.reporter.report.Scenarios scenarios) {
        if (scenarios.rows().isEmpty()) {
            return;
        }
        html.append("<h2>Scenarios</h2><div class=\"scroll\"><table><thead><tr><th>scenario</th><th>weight</th>")
                .append("<th>iterations</th><th>share (planned)</th><th>completed</th><th>iteration avg</th>")
                .append("<th>iteration max</th><th>requests*</th><th>errors*</th></tr></thead><tbody>");
        for (io.loadstream.reporter.report.Scenarios.Row row : scenarios.rows()) {
            html.append("<tr><td>").append(Html.escape(row.name())).append("</td><td>").append(row.weight())
                    .append("</td><td>").append(row.iterations() < 0 ? "\u2014" : String.format(Locale.ROOT, "%,d",
                            row.iterations())).append("</td><td>").append(share(row.iterationShare())).append(" (")
                    .append(share(row.weightShare())).append(")</td><td>").append(row.completed() < 0 ? "\u2014"
                            : String.format(Locale.ROOT, "%,d", row.completed())).append("</td><td>")
                    .append(Double.isNaN(row.iterationMeanMs()) ? "\u2014" : ms(row.iterationMeanMs()))
                    .append("</td><td>")
                    .append(Double.isNaN(row.iterationMaxMs()) ? "\u2014" : ms(row.iterationMaxMs()))
                    .append("</td><td>").append(String.format(Locale.ROOT, "%,d", row.requests())).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%,d", row.errors())).append("</td></tr>");
        }
        html.append("</tbody></table></div><p class=\"empty\">* requests and errors of the endpoints the scenario's ")
                .append("steps name; another scenario's requests to the same endpoint count too.</p>\n");
    }

    private static String share(double fraction) {
        return Double.isNaN(fraction) ? "\u2014" : String.format(Locale.ROOT, "%.1f%%", fraction * 100);
    }

    /** The observed value in the metric's unit: ms for durations, percent for rates, per second for http_reqs. */
    private static String observed(ThresholdOutcome t) {
        double value = t.observed();
        if (Double.isNaN(value)) {
            return "no data";
        }
        return switch (t.rule().metric()) {
            case HTTP_REQ_DURATION -> ms(value);
            case HTTP_REQ_FAILED, CHECKS -> String.format(Locale.ROOT, "%.2f%%", value * 100);
            case HTTP_REQS -> t.rule().aggregation().kind()
                    == io.loadstream.reporter.threshold.Aggregation.Kind.COUNT
                    ? String.format(Locale.ROOT, "%,.0f", value) : String.format(Locale.ROOT, "%.2f/s", value);
        };
    }

    private static void charts(StringBuilder html, RunReport report) {
        long start = report.run().startedAtMs() > 0 ? report.run().startedAtMs()
                : report.timeline().stream().mapToLong(TimelinePoint::windowStartMs).min().orElse(0);
        List<TimelinePoint> all = report.timeline().stream().filter(p -> p.endpoint().equals(EventKeys.ALL_ENDPOINTS))
                .collect(Collectors.toList());
        html.append("<h2>Over time</h2>");
        // Broker outages the generators rode out, so that a gap or a burst in the charts has its cause beside it.
        for (RunReport.KafkaOutage outage : report.run().kafkaOutages()) {
            html.append("<p class=\"note\">").append(Html.escape(
                    io.loadstream.reporter.report.findings.KafkaOutages.sentence(outage))).append("</p>");
        }
        html.append("<div class=\"charts\">");

        List<SvgChart.Series> load = new ArrayList<>();
        load.add(series("throughput (req/s)", 0, all, start, TimelinePoint::rps, false, false));
        // Per second when the heartbeats are in, so that a ramp shows even in a run of a few windows.
        List<RunReport.VuPoint> vus = (report.vusPerSecond().isEmpty() ? report.vus() : report.vusPerSecond())
                .stream().filter(v -> v.vus() >= 0).collect(Collectors.toList());
        double[] vx = new double[vus.size()];
        double[] vy = new double[vus.size()];
        for (int i = 0; i < vus.size(); i++) {
            vx[i] = (vus.get(i).windowStartMs() - start) / 1000.0;
            vy[i] = vus.get(i).vus();
        }
        load.add(new SvgChart.Series("active VUs", SvgChart.PALETTE[1], vx, vy, true, true));
        html.append(SvgChart.render("Throughput and active VUs", "req/s", "VUs", load));

        List<SvgChart.Series> latency = new ArrayList<>();
        latency.add(series("all p50", 0, all, start, TimelinePoint::p50Ms, false, true));
        latency.add(series("all p95", 3, all, start, TimelinePoint::p95Ms, false, false));
        latency.add(series("all p99", 4, all, start, TimelinePoint::p99Ms, false, true));
        html.append(SvgChart.render("Latency percentiles, all endpoints", "ms", "", latency));

        html.append("</div>\n");
        latencyPerEndpoint(html, report, start);
        html.append("<div class=\"charts\">");

        List<SvgChart.Series> errors = new ArrayList<>();
        errors.add(series("error rate (%)", 3, all, start, p -> p.errorRate() * 100, false, false));
        html.append(SvgChart.render("Error rate", "%", "", errors));

        SystemSection.charts(html, report, start);
        html.append("</div>\n");
    }

    /**
     * p95 and p50 over time of the endpoints a reader looks at, as small multiples (one small chart each, its own
     * scale): every endpoint that failed a threshold of its own, then the slowest by p95, {@value #CHART_ENDPOINTS}
     * in all unless more failed.
     */
    private static void latencyPerEndpoint(StringBuilder html, RunReport report, long start) {
        java.util.Set<String> failed = new java.util.LinkedHashSet<>();
        for (ThresholdOutcome t : report.thresholds()) {
            if (!t.passed() && t.rule().scope().kind() == io.loadstream.reporter.threshold.Scope.Kind.ENDPOINT) {
                failed.add(t.rule().scope().value());
            }
        }
        List<RunReport.EndpointRow> chosen = new ArrayList<>();
        report.endpoints().stream().filter(r -> failed.contains(r.endpoint()))
                .sorted(Comparator.comparingDouble(RunReport.EndpointRow::p95Ms).reversed()).forEach(chosen::add);
        report.endpoints().stream().filter(r -> !failed.contains(r.endpoint()))
                .sorted(Comparator.comparingDouble(RunReport.EndpointRow::p95Ms).reversed())
                .limit(Math.max(0, CHART_ENDPOINTS - chosen.size())).forEach(chosen::add);
        html.append("<h3>p95 per endpoint: ").append(failed.isEmpty() ? "" : "those that failed a threshold, then ")
                .append("the slowest (").append(chosen.size()).append(" of ").append(report.endpoints().size())
                .append("); p50 dashed</h3><div class=\"multiples\">");
        for (RunReport.EndpointRow row : chosen) {
            List<TimelinePoint> points = report.timeline().stream().filter(p -> p.endpoint().equals(row.endpoint()))
                    .collect(Collectors.toList());
            List<SvgChart.Series> lines = List.of(
                    series("p95", 3, points, start, TimelinePoint::p95Ms, false, false),
                    series("p50", 0, points, start, TimelinePoint::p50Ms, false, true));
            String caption = row.endpoint() + " \u2014 p95 " + ms(row.p95Ms())
                    + (failed.contains(row.endpoint()) ? " \u2717 threshold failed" : "");
            html.append(SvgChart.render(caption, "ms", "", lines, SvgChart.Layout.SMALL, false));
        }
        html.append("</div>\n");
    }

    private static SvgChart.Series series(String name, int color, List<TimelinePoint> points, long start,
                                          java.util.function.ToDoubleFunction<TimelinePoint> value, boolean right,
                                          boolean dashed) {
        double[] xs = new double[points.size()];
        double[] ys = new double[points.size()];
        for (int i = 0; i < points.size(); i++) {
            xs[i] = Math.max(0, (points.get(i).windowStartMs() - start) / 1000.0);
            ys[i] = value.applyAsDouble(points.get(i));
        }
        return new SvgChart.Series(name, SvgChart.PALETTE[color % SvgChart.PALETTE.length], xs, ys, right, dashed);
    }

    private static void endpoints(StringBuilder html, RunReport report) {
        html.append("<h2>Endpoints</h2>");
        if (report.endpoints().isEmpty()) {
            html.append("<p class=\"empty\">No endpoint totals arrived.</p>");
            return;
        }
        html.append("<p class=\"empty\">Click a column to sort.</p><div class=\"scroll\">")
                .append("<table class=\"sortable\" id=\"endpoints\">")
                .append("<thead><tr><th>endpoint</th><th>requests</th><th>errors</th><th>error %</th><th>req/s</th>")
                .append("<th>avg</th><th>min</th><th>p50</th><th>p90</th><th>p95</th><th>p99</th><th>p99.9</th>")
                .append("<th>max</th><th>over ").append(report.summary().slowRequestMs())
                .append(" ms</th><th>sent</th><th>received</th></tr></thead><tbody>");
        long slowBound = report.summary().slowEndpointP95Ms();
        for (RunReport.EndpointRow row : report.endpoints()) {
            html.append("<tr>");
            html.append("<td data-v=\"").append(Html.escape(row.endpoint())).append("\">")
                    .append(Html.escape(row.endpoint())).append("</td>");
            cell(html, row.requests(), String.format(Locale.ROOT, "%,d", row.requests()), false);
            cell(html, row.errors(), String.format(Locale.ROOT, "%,d", row.errors()), row.errors() > 0);
            cell(html, row.errorRate(), String.format(Locale.ROOT, "%.2f%%", row.errorRate() * 100),
                    row.errorRate() >= 0.01);
            cell(html, row.rps(), String.format(Locale.ROOT, "%.2f", row.rps()), false);
            cell(html, row.avgMs(), ms(row.avgMs()), false);
            cell(html, row.minMs(), ms(row.minMs()), false);
            cell(html, row.p50Ms(), ms(row.p50Ms()), false);
            cell(html, row.p90Ms(), ms(row.p90Ms()), false);
            cell(html, row.p95Ms(), ms(row.p95Ms()), row.p95Ms() > slowBound);
            cell(html, row.p99Ms(), ms(row.p99Ms()), false);
            cell(html, row.p999Ms(), ms(row.p999Ms()), false);
            cell(html, row.maxMs(), ms(row.maxMs()), false);
            cell(html, row.slowRequests(), String.format(Locale.ROOT, "%,d", row.slowRequests()), false);
            cell(html, row.bytesSent(), bytes(row.bytesSent()), false);
            cell(html, row.bytesReceived(), bytes(row.bytesReceived()), false);
            html.append("</tr>");
        }
        html.append("</tbody></table></div>\n");
        phases(html, report);
        distribution(html, report);
    }

    /** Each generator's own threads' CPU, apart from the rest of its process (in run: aggregator, reporter). */
    private static void generatorCpu(StringBuilder html, RunReport report) {
        if (report.generatorCpu().rows().isEmpty()) {
            return;
        }
        html.append("<h3>Generator CPU (its own threads)</h3><ul>");
        for (io.loadstream.reporter.report.GeneratorCpu.Row row : report.generatorCpu().rows()) {
            html.append("<li>").append(Html.escape(row.generator())).append(": ")
                    .append(Html.escape(io.loadstream.reporter.report.ConsoleSummary.generatorCpuWords(row)))
                    .append("</li>");
        }
        html.append("</ul>\n");
    }

    /** The plan's checks: per endpoint, what it checks and the responses that passed and failed it. */
    private static void checks(StringBuilder html, io.loadstream.reporter.report.Checks checks) {
        if (checks.rows().isEmpty()) {
            return;
        }
        html.append("<h2>Checks</h2><p class=\"empty\">Responses only: a request without a response is an error ")
                .append("of its own class, neither passed nor failed.</p><div class=\"scroll\">")
                .append("<table class=\"sortable\" id=\"checks\"><thead><tr><th>endpoint</th>")
                .append("<th class=\"text\">check</th><th>passed</th><th>failed</th><th>passed %</th>")
                .append("</tr></thead><tbody>");
        for (io.loadstream.reporter.report.Checks.Row row : checks.rows()) {
            String words = String.join("; ", row.checks());
            html.append("<tr><td data-v=\"").append(Html.escape(row.endpoint())).append("\">")
                    .append(Html.escape(row.endpoint())).append("</td><td class=\"text\" data-v=\"")
                    .append(Html.escape(words)).append("\">").append(Html.escape(words)).append("</td>");
            cell(html, row.passed(), String.format(Locale.ROOT, "%,d", row.passed()), false);
            cell(html, row.failed(), String.format(Locale.ROOT, "%,d", row.failed()), row.failed() > 0);
            double rate = row.passRate();
            cell(html, Double.isNaN(rate) ? -1 : rate, Double.isNaN(rate) ? "n/a"
                    : String.format(Locale.ROOT, "%.2f%%", rate * 100), rate < 1);
            html.append("</tr>");
        }
        html.append("</tbody></table></div>\n");
    }

    /** Time to first byte and service time per endpoint, beside the latency they are part of. */
    private static void phases(StringBuilder html, RunReport report) {
        if (report.endpoints().stream().allMatch(row -> row.phases().serviceTimeRequests() < 0)) {
            html.append("<p class=\"empty\">Time to first byte and service time: not kept by this aggregator.</p>");
            return;
        }
        html.append("<h3>Time to first byte and service time</h3><p class=\"empty\">TTFB: from sending to the ")
                .append("response's headers, over the requests that got a response. Service time: from sending to ")
                .append("the end of the response. Latency adds the wait between the intended and the actual start.")
                .append("</p><div class=\"scroll\"><table class=\"sortable\" id=\"phases\"><thead><tr>")
                .append("<th>endpoint</th><th>with response</th><th>TTFB p50</th><th>TTFB p95</th><th>TTFB p99</th>")
                .append("<th>service p50</th><th>service p95</th><th>service p99</th><th>latency p95</th>")
                .append("</tr></thead><tbody>");
        for (RunReport.EndpointRow row : report.endpoints()) {
            RunReport.Phases p = row.phases();
            html.append("<tr><td data-v=\"").append(Html.escape(row.endpoint())).append("\">")
                    .append(Html.escape(row.endpoint())).append("</td>");
            cell(html, p.ttfbRequests(), p.ttfbRequests() < 0 ? "n/a"
                    : String.format(Locale.ROOT, "%,d", p.ttfbRequests()), false);
            for (double value : new double[] {p.ttfbP50Ms(), p.ttfbP95Ms(), p.ttfbP99Ms(), p.serviceTimeP50Ms(),
                    p.serviceTimeP95Ms(), p.serviceTimeP99Ms(), row.p95Ms()}) {
                cell(html, Double.isNaN(value) ? -1 : value, Double.isNaN(value) ? "n/a" : ms(value), false);
            }
            html.append("</tr>");
        }
        html.append("</tbody></table></div>\n");
    }

    /** Gatling's "response time distribution": the share of each endpoint's requests per latency bucket. */
    private static void distribution(StringBuilder html, RunReport report) {
        List<Double> bounds = RunReport.EndpointRow.DISTRIBUTION_BOUNDS_MS;
        html.append("<h3>Latency distribution (share of each endpoint's requests)</h3><div class=\"scroll\">")
                .append("<table class=\"dist\"><thead><tr><th>endpoint</th>");
        for (int i = 0; i <= bounds.size(); i++) {
            html.append("<th>").append(i < bounds.size() ? "\u2264 " + bucketLabel(bounds.get(i))
                    : "> " + bucketLabel(bounds.get(bounds.size() - 1))).append("</th>");
        }
        html.append("</tr></thead><tbody>");
        for (RunReport.EndpointRow row : report.endpoints()) {
            long total = row.distribution().stream().mapToLong(Long::longValue).sum();
            html.append("<tr><td>").append(Html.escape(row.endpoint())).append("</td>");
            for (long count : row.distribution()) {
                double share = total == 0 ? 0 : (double) count / total;
                // Darker for more: a heat strip that shows the modes at a glance.
                html.append(String.format(Locale.ROOT, "<td style=\"background:rgba(31,119,180,%.2f)\" title=\"%,d\">"
                        + "%s</td>", Math.min(0.85, share), count, count == 0 ? "" : String.format(Locale.ROOT,
                        "%.1f%%", share * 100)));
            }
            html.append("</tr>");
        }
        html.append("</tbody></table></div>\n");
    }

    private static String bucketLabel(double ms) {
        return ms >= 1000 ? String.format(Locale.ROOT, "%.0f s", ms / 1000) : String.format(Locale.ROOT, "%.0f ms", ms);
    }

    private static String bytes(long value) {
        if (value >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", value / (double) (1L << 30));
        }
        if (value >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", value / (double) (1L << 20));
        }
        return value >= 1024 ? String.format(Locale.ROOT, "%.1f KiB", value / 1024.0)
                : String.format(Locale.ROOT, "%d B", value);
    }

    private static void cell(StringBuilder html, double sortValue, String text, boolean bad) {
        html.append("<td data-v=\"").append(String.format(Locale.ROOT, "%.6f", sortValue)).append('"')
                .append(bad ? " class=\"bad\"" : "").append('>').append(Html.escape(text)).append("</td>");
    }

    private static void findings(StringBuilder html, RunReport report) {
        html.append("<h2>Findings and recommendations</h2><ul class=\"findings\">");
        for (String recommendation : report.summary().recommendations()) {
            html.append("<li>").append(Html.escape(recommendation)).append("</li>");
        }
        html.append("</ul>");
        if (!report.errorEndpoints().isEmpty()) {
            html.append("<h2>Endpoints with errors</h2><table class=\"sortable\"><thead><tr><th>endpoint</th>")
                    .append("<th>errors</th><th>error %</th><th class=\"text\">by class</th>")
                    .append("<th class=\"text\">status codes</th></tr></thead>")
                    .append("<tbody>");
            for (RunReport.ErrorEndpoint e : report.errorEndpoints()) {
                html.append("<tr><td data-v=\"").append(Html.escape(e.endpoint())).append("\">")
                        .append(Html.escape(e.endpoint())).append("</td>");
                cell(html, e.errors(), String.format(Locale.ROOT, "%,d", e.errors()), false);
                cell(html, e.errorRate(), String.format(Locale.ROOT, "%.2f%%", e.errorRate() * 100), false);
                html.append("<td class=\"text\" data-v=\"\">").append(Html.escape(counts(e.errorsByClass())))
                        .append("</td><td class=\"text\" data-v=\"\">").append(Html.escape(counts(e.statusCounts())))
                        .append("</td></tr>");
            }
            html.append("</tbody></table>\n");
        }
    }

    private static void alerts(StringBuilder html, List<Alert> alerts) {
        html.append("<h2>Alerts</h2>");
        if (alerts.isEmpty()) {
            html.append("<p class=\"empty\">No alert fired.</p>");
            return;
        }
        html.append("<table class=\"left\"><thead><tr><th>rule</th><th>status</th><th>since</th><th>until</th>")
                .append("<th>observed</th><th>summary</th></tr></thead><tbody>");
        for (Alert alert : alerts) {
            boolean firing = alert.getStatus().name().equals("FIRING");
            html.append("<tr><td>").append(Html.escape(alert.getRule())).append("</td><td class=\"")
                    .append(firing ? "bad\">firing" : "ok\">resolved").append("</td><td>")
                    .append(Html.escape(time(alert.getStartsAtMs()))).append("</td><td>")
                    .append(Html.escape(alert.getEndsAtMs() == 0 ? "" : time(alert.getEndsAtMs())))
                    .append("</td><td>")
                    .append(Html.escape(Alerts.number(alert.getObserved()))).append("</td><td class=\"text\">")
                    .append(Html.escape(alert.getSummary())).append("</td></tr>");
        }
        html.append("</tbody></table>\n");
    }

    /** The alert notifications subscribers did not get; nothing when every one was delivered. */
    private static void deliveryFailures(StringBuilder html, RunReport report) {
        if (report.deliveryFailures().isEmpty()) {
            return;
        }
        html.append("<p class=\"bad\">").append(report.deliveryFailureCount())
                .append(" alert notification(s) were not delivered:</p><table class=\"left\"><thead><tr>")
                .append("<th>subscriber</th><th>notifications</th><th>at</th><th>why</th></tr></thead><tbody>");
        for (io.loadstream.reporter.alert.DeliveryFailure f : report.deliveryFailures()) {
            html.append("<tr><td>").append(Html.escape(f.subscriber())).append("</td><td>")
                    .append(f.notifications()).append("</td><td>").append(Html.escape(time(f.atMs())))
                    .append("</td><td class=\"text\">").append(Html.escape(f.message())).append("</td></tr>");
        }
        html.append("</tbody></table>\n");
    }

    private static void card(StringBuilder html, String key, String value) {
        html.append("<div class=\"card\"><div class=\"v\">").append(Html.escape(value))
                .append("</div><div class=\"k\">").append(Html.escape(key)).append("</div></div>");
    }

    private static String counts(Map<String, Long> counts) {
        return counts.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
                .collect(Collectors.joining(", "));
    }

    private static String ms(double value) {
        if (value >= 1000) {
            return String.format(Locale.ROOT, "%.2f s", value / 1000);
        }
        return String.format(Locale.ROOT, "%.1f ms", value);
    }

    private static String time(long epochMs) {
        return epochMs <= 0 ? "?" : Instant.ofEpochMilli(epochMs).toString().replace('T', ' ').replace("Z", " UTC");
    }
}
