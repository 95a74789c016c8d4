package io.loadstream.reporter.html;

import io.loadstream.reporter.capacity.CapacityReport;
import io.loadstream.reporter.drift.DriftReport;
import io.loadstream.reporter.drift.TheilSen;
import io.loadstream.reporter.report.RunReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report page's sections for long and stepped runs: the timeline's resolution, the drift table (slopes per hour
 * with their 95% intervals) and the capacity (the plateaus as points and the fitted USL curve, or why there is no
 * estimate). Stateless.
 */
final class SoakSections {

    private static final int WIDTH = 640;
    private static final int HEIGHT = 260;
    private static final int LEFT = 64;
    private static final int RIGHT = 24;
    private static final int TOP = 16;
    private static final int BOTTOM = 36;
    private static final int CURVE_POINTS = 120;

    private SoakSections() {
    }

    /**
     * Appends the sections.
     *
     * @param html   the page so far
     * @param report the report
     */
    static void append(StringBuilder html, RunReport report) {
        drift(html, report.drift(), report.resolution().stepMs(), report.resolution().windowMs());
        capacity(html, report.capacity());
    }

    private static void drift(StringBuilder html, DriftReport drift, long stepMs, long windowMs) {
        html.append("<h2>Drift after the warm-up</h2>");
        html.append("<p class=\"empty\">Theil\u2013Sen slopes per hour with 95% intervals, after a warm-up of ")
                .append(String.format(Locale.ROOT, "%.0f s", drift.warmupMs() / 1000.0));
        if (stepMs > windowMs && windowMs > 0) {
            html.append(String.format(Locale.ROOT, "; the charts and slopes use %.0f s steps (%.0f s windows "
                    + "merged)", stepMs / 1000.0, windowMs / 1000.0));
        }
        html.append(".</p>");
        if (drift.endpoints().isEmpty() && drift.hosts().isEmpty()) {
            html.append("<p class=\"empty\">No window after the warm-up.</p>");
            return;
        }
        html.append("<div class=\"scroll\"><table class=\"sortable\"><thead><tr><th>endpoint or host</th>")
                .append("<th>p95 ms/h</th><th>p99 ms/h</th><th>memory MB/h</th><th>CPU points/h</th>")
                .append("<th>windows</th><th>significant</th></tr></thead><tbody>");
        for (Map.Entry<String, DriftReport.EndpointDrift> e : new java.util.TreeMap<>(drift.endpoints())
                .entrySet()) {
            DriftReport.EndpointDrift d = e.getValue();
            row(html, e.getKey(), d.p95(), d.p99(), null, null, d.windows(), d.significant());
        }
        for (Map.Entry<String, DriftReport.HostDrift> e : new java.util.TreeMap<>(drift.hosts()).entrySet()) {
            DriftReport.HostDrift d = e.getValue();
            row(html, e.getKey() + " (" + d.role().toLowerCase(Locale.ROOT) + ")", null, null, d.memory(), d.cpu(),
                    d.windows(), d.significant());
        }
        html.append("</tbody></table></div>\n");
    }

    private static void row(StringBuilder html, String name, TheilSen.Slope p95, TheilSen.Slope p99,
                            TheilSen.Slope memory, TheilSen.Slope cpu, int windows, boolean significant) {
        html.append("<tr><td data-v=\"").append(Html.escape(name)).append("\">").append(Html.escape(name))
                .append("</td>");
        for (TheilSen.Slope s : new TheilSen.Slope[] {p95, p99, memory, cpu}) {
            if (s == null) {
                html.append("<td data-v=\"\">\u2013</td>");
            } else {
                html.append(String.format(Locale.ROOT, "<td data-v=\"%s\"%s>%.2f [%.2f, %.2f]</td>", s.slope(),
                        s.significant() ? " class=\"bad\"" : "", s.slope(), s.low(), s.high()));
            }
        }
        html.append("<td data-v=\"").append(windows).append("\">").append(windows).append("</td><td data-v=\"")
                .append(significant).append("\">").append(significant ? "yes" : "no").append("</td></tr>");
    }

    private static void capacity(StringBuilder html, CapacityReport capacity) {
        html.append("<h2>Capacity</h2>");
        if (!capacity.estimated()) {
            html.append("<p class=\"empty\">No estimate: ").append(Html.escape(capacity.reason())).append("</p>\n");
            return;
        }
        html.append("<div class=\"cards\">");
        card(html, "peak throughput (95% CI)", String.format(Locale.ROOT, "%.0f req/s [%.0f, %.0f]",
                capacity.maxRps(), capacity.maxRpsLow(), capacity.maxRpsHigh()));
        card(html, "at concurrency", Double.isFinite(capacity.atConcurrency())
                ? String.format(Locale.ROOT, "%.1f", capacity.atConcurrency()) : "no peak (\u03ba = 0)");
        card(html, "knee concurrency", String.format(Locale.ROOT, "%.1f", capacity.kneeConcurrency()));
        card(html, "latency-SLO capacity", Double.isNaN(capacity.sloCapacityRps()) ? "\u2013"
                : String.format(Locale.ROOT, "%.0f req/s", capacity.sloCapacityRps()));
        card(html, "fit R\u00b2", String.format(Locale.ROOT, "%.3f", capacity.model().r2()));
        html.append("</div>\n<div class=\"charts\">").append(curve(capacity)).append("</div>\n");
    }

    private static void card(StringBuilder html, String key, String value) {
        html.append("<div class=\"card\"><div class=\"v\">").append(Html.escape(value))
                .append("</div><div class=\"k\">").append(Html.escape(key)).append("</div></div>");
    }

    /** The plateaus as dots and the fitted law as a line, throughput against concurrency. */
    private static String curve(CapacityReport capacity) {
        double maxN = 1;
        double maxX = capacity.maxRps();
        for (CapacityReport.Plateau p : capacity.plateaus()) {
            maxN = Math.max(maxN, p.concurrency());
            maxX = Math.max(maxX, p.rps());
        }
        maxN = SvgChart.niceStep(maxN * 1.1);
        maxX = SvgChart.niceStep(maxX * 1.05);
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        StringBuilder svg = new StringBuilder("<figure class=\"chart\"><figcaption>Throughput against concurrency"
                + " (Little's law), with the fitted USL</figcaption>");
        svg.append("<svg viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" role=\"img\" aria-label=\"capacity\">");
        for (int i = 0; i <= 4; i++) {
            double y = TOP + plotH - plotH * i / 4.0;
            svg.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>"
                    + "<text class=\"axis\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.0f req/s</text>", LEFT, y,
                    LEFT + plotW, y, LEFT - 6, y + 4, maxX * i / 4.0));
            double x = LEFT + plotW * i / 4.0;
            svg.append(String.format(Locale.ROOT, "<text class=\"axis\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">"
                    + "%.1f</text>", x, HEIGHT - BOTTOM + 18, maxN * i / 4.0));
        }
        List<String> line = new ArrayList<>();
        for (int i = 0; i <= CURVE_POINTS; i++) {
            double n = maxN * i / CURVE_POINTS;
            double y = TOP + plotH - plotH * capacity.model().rps(n) / maxX;
            line.add(String.format(Locale.ROOT, "%.1f,%.1f", LEFT + plotW * n / maxN, Math.max(TOP, y)));
        }
        svg.append("<polyline fill=\"none\" stroke=\"").append(SvgChart.PALETTE[0])
                .append("\" stroke-width=\"1.8\" points=\"").append(String.join(" ", line))
                .append("\"><title>USL fit</title></polyline>");
        for (CapacityReport.Plateau p : capacity.plateaus()) {
            svg.append(String.format(Locale.ROOT, "<circle r=\"4\" cx=\"%.1f\" cy=\"%.1f\" fill=\"%s\"><title>"
                    + "%.1f in flight, %.1f req/s, p95 %.1f ms</title></circle>", LEFT + plotW * p.concurrency() / maxN,
                    TOP + plotH - plotH * p.rps() / maxX, p.sloHeld() ? SvgChart.PALETTE[1] : SvgChart.PALETTE[3],
                    p.concurrency(), p.rps(), p.p95Ms()));
        }
        svg.append("</svg><div class=\"legend\"><span><i style=\"background:").append(SvgChart.PALETTE[0])
                .append("\"></i>USL fit</span><span><i style=\"background:").append(SvgChart.PALETTE[1])
                .append("\"></i>plateau, SLO held</span><span><i style=\"background:").append(SvgChart.PALETTE[3])
                .append("\"></i>plateau, SLO broken</span></div></figure>");
        return svg.toString();
    }
}
