package io.loadstream.reporter.html;

import io.loadstream.events.SystemSecond;
import io.loadstream.events.SystemWindow;
import io.loadstream.reporter.report.RunReport;
import io.loadstream.reporter.report.SystemReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * The system part of the HTML report: per-second charts of CPU (each host's, and each sampling or watched process's
 * own), memory, load and disk, and a table per series of what it adds up to. Every line is named for what it
 * measures ("host", "loadstream process", "watched process").
 */
final class SystemSection {

    private static final double MIB = 1024.0 * 1024.0;
    private static final double CPU_BOUND = 90;

    private SystemSection() {
    }

    /**
     * Appends the system charts (inside the report's chart grid).
     *
     * @param html    the page
     * @param report  the report
     * @param startMs the run's start, epoch ms: x = 0
     */
    static void charts(StringBuilder html, RunReport report, long startMs) {
        List<SystemReport.Series> all = series(report);
        List<SvgChart.Series> cpu = new ArrayList<>();
        List<SvgChart.Series> memory = new ArrayList<>();
        List<SvgChart.Series> load = new ArrayList<>();
        int color = 0;
        int step = 1;
        for (SystemReport.Series s : all) {
            List<SystemReport.Point> points = SystemReport.points(s, SystemReport.MAX_POINTS);
            step = Math.max(step, SystemReport.secondsPerPoint(s.seconds().size(), SystemReport.MAX_POINTS));
            String own = s.isGenerator() ? "loadstream process" : "agent process";
            cpu.add(line(s.label() + " host", color, points, startMs, SystemReport.Point::cpuPercent, false));
            if (s.isGenerator()) {
                cpu.add(line(s.label() + " " + own, color, points, startMs,
                        SystemReport.Point::processCpuPercent, true));
            }
            memory.add(line(s.label() + " host in use", color, points, startMs,
                    p -> p.memoryUsedBytes() < 0 ? -1 : p.memoryUsedBytes() / MIB, false));
            if (s.isGenerator()) {
                memory.add(line(s.label() + " " + own + " RSS", color, points, startMs,
                        p -> p.processRssBytes() < 0 ? -1 : p.processRssBytes() / MIB, true));
            }
            if (s.watchedProcess() != null) {
                color++;
                cpu.add(line(s.watchedProcess() + " on " + s.host(), color, points, startMs,
                        SystemReport.Point::watchedProcessCpuPercent, true));
                memory.add(line(s.watchedProcess() + " on " + s.host() + " RSS", color, points, startMs,
                        p -> p.watchedProcessRssBytes() < 0 ? -1 : p.watchedProcessRssBytes() / MIB, true));
            }
            load.add(line(s.label() + " load average", color, points, startMs, SystemReport.Point::loadAverage1m,
                    false));
            color++;
        }
        String per = step == 1 ? "per second" : "mean of every " + step + " s";
        html.append(SvgChart.render("CPU, percent of all processors (" + per + ")", "%", "", cpu));
        html.append(SvgChart.render("Memory (" + per + ")", "MiB", "", memory));
        html.append(SvgChart.render("Load average, 1 min (" + per + ")", "", "", load));
    }

    /**
     * Appends the "System" section: one row per series.
     *
     * @param html   the page
     * @param report the report
     */
    static void table(StringBuilder html, RunReport report) {
        List<SystemReport.Series> all = series(report);
        html.append("<h2>System</h2>");
        if (all.isEmpty()) {
            html.append("<p class=\"empty\">No system samples arrived (run <code>loadstream agent</code> on the "
                    + "target to see its CPU and memory).</p>");
            return;
        }
        long maxSeconds = (long) Math.ceil(Math.max(0, report.run().durationS()));
        html.append("<div class=\"scroll\"><table class=\"left\"><thead><tr><th>host (role)</th><th>samples</th>")
                .append("<th>host CPU mean / peak</th><th>host CPU &gt; 90%</th><th>process</th>")
                .append("<th>process CPU mean / peak</th><th>process CPU &gt; 90%</th><th>process RSS peak</th>")
                .append("<th>heap peak / max</th><th>GC</th><th>load peak</th><th>host memory peak</th>")
                .append("<th>disk read / written</th><th>disk busy peak</th></tr></thead><tbody>");
        for (SystemReport.Series s : all) {
            boolean watched = s.watchedProcess() != null;
            ToDoubleFunction<SystemWindow> cpuMean = watched ? SystemWindow::getWatchedProcessCpuMean
                    : SystemWindow::getProcessCpuMean;
            ToDoubleFunction<SystemWindow> cpuMax = watched ? SystemWindow::getWatchedProcessCpuMax
                    : SystemWindow::getProcessCpuMax;
            ToDoubleFunction<SystemSecond> cpuSecond = watched ? SystemSecond::getWatchedProcessCpuPercent
                    : SystemSecond::getProcessCpuPercent;
            html.append("<tr><td>").append(Html.escape(s.label())).append("</td><td>").append(s.samples())
                    .append("</td><td>").append(pair(s.mean(SystemWindow::getCpuMean), s.max(SystemWindow::getCpuMax),
                            "%")).append("</td><td>")
                    .append(s.secondsAbove(SystemSecond::getCpuPercent, SystemWindow::getCpuMean, CPU_BOUND,
                            maxSeconds)).append(" s</td><td>")
                    .append(Html.escape(watched ? s.watchedProcess() + " (watched)"
                            : s.isGenerator() ? "loadstream" : "agent")).append("</td><td>")
                    .append(pair(s.mean(cpuMean), s.max(cpuMax), "%")).append("</td><td>")
                    .append(s.secondsAbove(cpuSecond, cpuMean, CPU_BOUND, maxSeconds)).append(" s</td><td>")
                    .append(mib(s.max(w -> (double) (watched ? w.getWatchedProcessRssMaxBytes()
                            : w.getProcessRssMaxBytes())))).append("</td><td>")
                    .append(watched ? "" : mib(s.max(w -> (double) w.getHeapUsedMaxBytes())) + " / "
                            + mib(s.max(w -> (double) w.getHeapMaxBytes()))).append("</td><td>")
                    .append(watched ? "" : gc(s)).append("</td><td>")
                    .append(number(s.max(SystemWindow::getLoadAverage1mMax), "")).append("</td><td>")
                    .append(mib(s.max(w -> (double) w.getMemoryUsedMaxBytes()))).append(" of ")
                    .append(mib(s.max(w -> (double) w.getMemoryTotalBytes()))).append("</td><td>")
                    .append(mib(s.sum(w -> (double) w.getDiskReadBytes()))).append(" / ")
                    .append(mib(s.sum(w -> (double) w.getDiskWrittenBytes()))).append("</td><td>")
                    .append(number(s.max(SystemWindow::getDiskBusyMaxPercent), "%")).append("</td></tr>");
        }
        html.append("</tbody></table></div>");
    }

    private static List<SystemReport.Series> series(RunReport report) {
        return SystemReport.series(report.system().stream().map(RunReport.SystemPoint::window)
                .filter(Objects::nonNull).toList());
    }

    private static SvgChart.Series line(String name, int color, List<SystemReport.Point> points, long startMs,
                                        ToDoubleFunction<SystemReport.Point> value, boolean dashed) {
        List<double[]> known = new ArrayList<>();
        for (SystemReport.Point p : points) {
            double y = value.applyAsDouble(p);
            if (y >= 0) {
                known.add(new double[] {Math.max(0, (p.timestampMs() - startMs) / 1000.0), y});
            }
        }
        double[] xs = new double[known.size()];
        double[] ys = new double[known.size()];
        for (int i = 0; i < known.size(); i++) {
            xs[i] = known.get(i)[0];
            ys[i] = known.get(i)[1];
        }
        return new SvgChart.Series(name, SvgChart.PALETTE[color % SvgChart.PALETTE.length], xs, ys, false, dashed);
    }

    private static String gc(SystemReport.Series s) {
        double ms = s.sum(w -> (double) w.getGcTimeMs());
        double count = s.sum(w -> (double) w.getGcCount());
        return Double.isNaN(ms) ? "\u2013" : String.format(Locale.ROOT, "%,.0f ms in %,.0f", ms, count);
    }

    private static String pair(double mean, double peak, String unit) {
        return number(mean, unit) + " / " + number(peak, unit);
    }

    private static String number(double value, String unit) {
        return Double.isNaN(value) ? "\u2013" : String.format(Locale.ROOT, "%.1f%s", value, unit);
    }

    private static String mib(double bytes) {
        return Double.isNaN(bytes) ? "\u2013" : String.format(Locale.ROOT, "%,.0f MiB", bytes / MIB);
    }
}
