package io.loadstream.reporter.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loadstream.events.SystemSecond;
import io.loadstream.events.SystemWindow;
import java.util.List;
import java.util.Objects;

/**
 * The system part of {@code performance_report.json}: {@code system} (one entry per series and window, as before,
 * with every window figure) and {@code system_series} (per series: what it adds up to, and its per-second samples,
 * averaged into wider points past {@value SystemReport#MAX_POINTS} points). Unknown figures are {@code null}.
 */
final class SystemJson {

    private static final double MIB = 1024.0 * 1024.0;

    private SystemJson() {
    }

    /**
     * Writes both keys.
     *
     * @param root   the report's root object
     * @param report the report
     */
    static void write(ObjectNode root, RunReport report) {
        ArrayNode system = root.putArray("system");
        for (RunReport.SystemPoint p : report.system()) {
            ObjectNode n = system.addObject();
            n.put("host", p.host());
            n.put("role", p.role());
            n.put("window_start", JsonReport.iso(p.windowStartMs()));
            known(n, "cpu_mean_percent", p.cpuMean());
            known(n, "cpu_max_percent", p.cpuMax());
            known(n, "memory_used_mb", p.memoryUsedMb());
            SystemWindow w = p.window();
            if (w != null) {
                n.put("samples", w.getSamples());
                known(n, "process_cpu_mean_percent", w.getProcessCpuMean());
                known(n, "process_cpu_max_percent", w.getProcessCpuMax());
                mib(n, "process_rss_max_mb", w.getProcessRssMaxBytes());
                mib(n, "heap_used_max_mb", w.getHeapUsedMaxBytes());
                mib(n, "heap_committed_max_mb", w.getHeapCommittedMaxBytes());
                known(n, "gc_time_ms", w.getGcTimeMs());
                known(n, "gc_count", w.getGcCount());
                known(n, "load_average_1m_max", w.getLoadAverage1mMax());
                mib(n, "disk_read_mb", w.getDiskReadBytes());
                mib(n, "disk_written_mb", w.getDiskWrittenBytes());
                known(n, "disk_busy_max_percent", w.getDiskBusyMaxPercent());
                if (w.getWatchedProcess() != null) {
                    n.put("watched_process", w.getWatchedProcess());
                    known(n, "watched_process_cpu_mean_percent", w.getWatchedProcessCpuMean());
                    known(n, "watched_process_cpu_max_percent", w.getWatchedProcessCpuMax());
                    mib(n, "watched_process_rss_max_mb", w.getWatchedProcessRssMaxBytes());
                }
            }
        }
        List<SystemWindow> windows = report.system().stream().map(RunReport.SystemPoint::window)
                .filter(Objects::nonNull).toList();
        long maxSeconds = (long) Math.ceil(Math.max(0, report.run().durationS()));
        ArrayNode series = root.putArray("system_series");
        for (SystemReport.Series s : SystemReport.series(windows)) {
            series(series.addObject(), s, maxSeconds);
        }
    }

    private static ObjectNode series(ObjectNode n, SystemReport.Series s, long maxSeconds) {
        n.put("host", s.host());
        n.put("role", s.role());
        n.put("watched_process", s.watchedProcess());
        n.put("samples", s.samples());
        nan(n, "cpu_mean_percent", s.mean(SystemWindow::getCpuMean));
        nan(n, "cpu_peak_percent", s.max(SystemWindow::getCpuMax));
        n.put("cpu_seconds_above_90", s.secondsAbove(SystemSecond::getCpuPercent, SystemWindow::getCpuMean,
                SystemFindings.CPU_BOUND, maxSeconds));
        nan(n, "process_cpu_mean_percent", s.mean(SystemWindow::getProcessCpuMean));
        nan(n, "process_cpu_peak_percent", s.max(SystemWindow::getProcessCpuMax));
        n.put("process_cpu_seconds_above_90", s.secondsAbove(SystemSecond::getProcessCpuPercent,
                SystemWindow::getProcessCpuMean, SystemFindings.CPU_BOUND, maxSeconds));
        nan(n, "process_rss_peak_mb", s.max(w -> (double) w.getProcessRssMaxBytes()) / MIB);
        nan(n, "heap_used_peak_mb", s.max(w -> (double) w.getHeapUsedMaxBytes()) / MIB);
        nan(n, "heap_max_mb", s.max(w -> (double) w.getHeapMaxBytes()) / MIB);
        nan(n, "gc_time_ms", s.sum(w -> (double) w.getGcTimeMs()));
        nan(n, "gc_count", s.sum(w -> (double) w.getGcCount()));
        nan(n, "memory_used_peak_mb", s.max(w -> (double) w.getMemoryUsedMaxBytes()) / MIB);
        nan(n, "memory_total_mb", s.max(w -> (double) w.getMemoryTotalBytes()) / MIB);
        nan(n, "load_average_1m_peak", s.max(SystemWindow::getLoadAverage1mMax));
        nan(n, "disk_read_mb", s.sum(w -> (double) w.getDiskReadBytes()) / MIB);
        nan(n, "disk_written_mb", s.sum(w -> (double) w.getDiskWrittenBytes()) / MIB);
        nan(n, "disk_busy_peak_percent", s.max(SystemWindow::getDiskBusyMaxPercent));
        nan(n, "watched_process_cpu_mean_percent", s.mean(SystemWindow::getWatchedProcessCpuMean));
        nan(n, "watched_process_cpu_peak_percent", s.max(SystemWindow::getWatchedProcessCpuMax));
        nan(n, "watched_process_rss_peak_mb", s.max(w -> (double) w.getWatchedProcessRssMaxBytes()) / MIB);
        List<SystemReport.Point> points = SystemReport.points(s, SystemReport.MAX_POINTS);
        n.put("seconds_per_point", SystemReport.secondsPerPoint(s.seconds().size(), SystemReport.MAX_POINTS));
        ArrayNode array = n.putArray("points");
        for (SystemReport.Point p : points) {
            ObjectNode o = array.addObject();
            o.put("time", JsonReport.iso(p.timestampMs()));
            known(o, "cpu_percent", p.cpuPercent());
            known(o, "process_cpu_percent", p.processCpuPercent());
            known(o, "watched_process_cpu_percent", p.watchedProcessCpuPercent());
            mib(o, "memory_used_mb", p.memoryUsedBytes());
            mib(o, "process_rss_mb", p.processRssBytes());
            mib(o, "watched_process_rss_mb", p.watchedProcessRssBytes());
            mib(o, "heap_used_mb", p.heapUsedBytes());
            known(o, "gc_time_ms", p.gcTimeMs());
            known(o, "load_average_1m", p.loadAverage1m());
            known(o, "disk_busy_percent", p.diskBusyPercent());
        }
        return n;
    }

    /** A figure that is negative when unknown. */
    private static void known(ObjectNode node, String key, double value) {
        nan(node, key, value < 0 ? Double.NaN : value);
    }

    /** Bytes (negative when unknown) as MiB. */
    private static void mib(ObjectNode node, String key, double bytes) {
        nan(node, key, bytes < 0 ? Double.NaN : bytes / MIB);
    }

    private static void nan(ObjectNode node, String key, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            node.putNull(key);
        } else {
            node.put(key, JsonReport.round(value));
        }
    }
}
