package io.loadstream.reporter.drift;

import io.loadstream.events.SystemWindow;
import io.loadstream.reporter.run.RunData;
import io.loadstream.reporter.run.TimelinePoint;
import io.loadstream.reporter.timeline.Downsample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.commons.math3.stat.descriptive.rank.Median;

/**
 * Estimates drift: for each endpoint the slope of its windows' p95 and p99 against time, for each host the slope of
 * its memory in use and of its CPU, all per hour with 95% confidence intervals, over the windows after the warm-up.
 *
 * <p>Method: {@link TheilSen} (median of pair slopes, Sen's rank interval). Why not least squares with a bootstrap:
 * a load test's window percentiles have heavy-tailed outliers (one GC pause, one slow dependency call), which pull
 * a least-squares line by their square; the median of pair slopes ignores up to 29% of wild points and its interval
 * needs no resampling, so the result is the same every time the report is written.
 *
 * <p>Warm-up: {@link #warmupMs} of the run, 10% of its length but at least 60 s (a quarter of a run shorter than
 * 4 minutes) and at most 30 min, is left out;
 * caches fill and JIT compiles there, and a slope across them would blame the run's start on the whole run. A
 * window's percentiles count only when it holds at least {@value #MIN_REQUESTS} requests. Stateless.
 */
public final class DriftAnalysis {

    /** Fewest requests in a window for its p95 and p99 to enter the slope. */
    public static final long MIN_REQUESTS = 20;
    /** Shortest warm-up, milliseconds. */
    public static final long MIN_WARMUP_MS = 60_000;
    /** Longest warm-up, milliseconds. */
    public static final long MAX_WARMUP_MS = 30 * 60_000;
    /** The most points a host's series keeps (group means beyond that, so that Theil–Sen stays quick). */
    public static final int MAX_HOST_POINTS = 500;
    /** A significant latency slope becomes a finding when it adds up to this fraction of the median p95. */
    public static final double ENDPOINT_FINDING_GROWTH = 0.10;
    /** A significant memory slope becomes a finding when it adds up to this fraction of the median memory. */
    public static final double MEMORY_FINDING_GROWTH = 0.01;

    private static final double CONFIDENCE = 0.95;
    private static final double MS_PER_HOUR = 3_600_000.0;
    private static final double MIB = 1024.0 * 1024.0;

    /**
     * One host in one system window.
     *
     * @param host       host name
     * @param role       GENERATOR, TARGET, ...
     * @param atMs       window start, epoch milliseconds
     * @param memoryMb   mean memory in use, MiB; negative when unknown
     * @param cpuPercent mean CPU, percent; negative when unknown
     */
    public record HostSample(String host, String role, long atMs, double memoryMb, double cpuPercent) {
    }

    private DriftAnalysis() {
    }

    /**
     * The drift of a run, from its timeline and system windows.
     *
     * @param data what the reporter read
     * @return the drift; {@link DriftReport#NONE}'s shape with empty maps when no window is past the warm-up
     */
    public static DriftReport of(RunData data) {
        List<HostSample> samples = new ArrayList<>();
        for (SystemWindow w : data.systemWindows()) {
            samples.add(new HostSample(w.getHost(), w.getRole().name(), w.getWindowStartMs(),
                    w.getMemoryUsedMeanBytes() < 0 ? -1 : w.getMemoryUsedMeanBytes() / MIB, w.getCpuMean()));
        }
        return analyse(data.timeline(), samples, data.startMs(), data.endMs());
    }

    /**
     * The warm-up left out of the drift: 10% of the run, at least {@value #MIN_WARMUP_MS} ms (a quarter of a run
     * shorter than 4 minutes) and at most {@value #MAX_WARMUP_MS} ms.
     *
     * @param durationMs the run's length, milliseconds
     * @return milliseconds from the start
     */
    public static long warmupMs(long durationMs) {
        // A run shorter than 4 minutes keeps three quarters of itself: 60 s would leave nothing of a 1-minute run.
        long floor = Math.min(MIN_WARMUP_MS, durationMs / 4);
        return Math.max(floor, Math.min(MAX_WARMUP_MS, durationMs / 10));
    }

    /**
     * The drift of a run.
     *
     * @param timeline window summaries per endpoint, any order
     * @param hosts    system windows, any order
     * @param startMs  when the run started, epoch ms; 0 when unknown (the first window's start is used)
     * @param endMs    when it ended, epoch ms; 0 when unknown (the last window's end is used)
     * @return the drift
     */
    public static DriftReport analyse(List<TimelinePoint> timeline, List<HostSample> hosts, long startMs,
                                      long endMs) {
        long first = startMs > 0 ? startMs : timeline.stream().mapToLong(TimelinePoint::windowStartMs).min()
                .orElse(hosts.stream().mapToLong(HostSample::atMs).min().orElse(0));
        long last = endMs > first ? endMs : Math.max(
                timeline.stream().mapToLong(TimelinePoint::windowEndMs).max().orElse(first),
                hosts.stream().mapToLong(HostSample::atMs).max().orElse(first));
        long warmup = warmupMs(last - first);
        long from = first + warmup;

        Map<String, List<TimelinePoint>> byEndpoint = new TreeMap<>();
        for (TimelinePoint p : timeline) {
            if (p.windowStartMs() >= from && p.requests() >= MIN_REQUESTS) {
                byEndpoint.computeIfAbsent(p.endpoint(), e -> new ArrayList<>()).add(p);
            }
        }
        List<DriftReport.DriftFinding> findings = new ArrayList<>();
        Map<String, DriftReport.EndpointDrift> endpoints = new TreeMap<>();
        byEndpoint.forEach((endpoint, points) -> {
            points.sort(Comparator.comparingLong(TimelinePoint::windowStartMs));
            double[] xs = new double[points.size()];
            double[] p95 = new double[points.size()];
            double[] p99 = new double[points.size()];
            for (int i = 0; i < xs.length; i++) {
                TimelinePoint p = points.get(i);
                xs[i] = (p.windowStartMs() - first) / MS_PER_HOUR;
                p95[i] = p.p95Ms();
                p99[i] = p.p99Ms();
            }
            DriftReport.EndpointDrift drift = new DriftReport.EndpointDrift(
                    TheilSen.fit(xs, p95, CONFIDENCE).orElse(null), TheilSen.fit(xs, p99, CONFIDENCE).orElse(null),
                    xs.length);
            endpoints.put(endpoint, drift);
            endpointFinding(endpoint, drift, xs, p95, warmup).ifPresent(findings::add);
        });

        // One series per host and role: a generator and an agent on one host sample different things (a process,
        // the host), and one slope over both mixed jumped by the difference between them at every pair of samples.
        Map<String, java.util.Set<String>> roles = new TreeMap<>();
        hosts.forEach(s -> roles.computeIfAbsent(s.host(), h -> new java.util.TreeSet<>()).add(s.role()));
        Map<String, List<HostSample>> byHost = new TreeMap<>();
        for (HostSample s : hosts) {
            if (s.atMs() >= from) {
                String series = roles.get(s.host()).size() == 1 ? s.host()
                        : s.host() + " (" + s.role().toLowerCase(Locale.ROOT) + ")";
                byHost.computeIfAbsent(series, h -> new ArrayList<>()).add(s);
            }
        }
        Map<String, DriftReport.HostDrift> hostDrifts = new TreeMap<>();
        byHost.forEach((host, samples) -> {
            samples.sort(Comparator.comparingLong(HostSample::atMs));
            Downsample.Series memory = series(samples, first, true);
            Downsample.Series cpu = series(samples, first, false);
            DriftReport.HostDrift drift = new DriftReport.HostDrift(samples.get(0).role(),
                    TheilSen.fit(memory.xs(), memory.ys(), CONFIDENCE).orElse(null),
                    TheilSen.fit(cpu.xs(), cpu.ys(), CONFIDENCE).orElse(null), samples.size());
            hostDrifts.put(host, drift);
            memoryFinding(host, drift, memory, warmup).ifPresent(findings::add);
        });
        findings.sort(Comparator.comparingDouble((DriftReport.DriftFinding f) -> -Math.abs(f.slope())));
        return new DriftReport(warmup, endpoints, hostDrifts, findings);
    }

    private static Downsample.Series series(List<HostSample> samples, long first, boolean memory) {
        List<double[]> known = new ArrayList<>();
        for (HostSample s : samples) {
            double value = memory ? s.memoryMb() : s.cpuPercent();
            if (value >= 0) {
                known.add(new double[] {(s.atMs() - first) / MS_PER_HOUR, value});
            }
        }
        double[] xs = new double[known.size()];
        double[] ys = new double[known.size()];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = known.get(i)[0];
            ys[i] = known.get(i)[1];
        }
        return Downsample.means(xs, ys, MAX_HOST_POINTS);
    }

    private static Optional<DriftReport.DriftFinding> endpointFinding(String endpoint,
            DriftReport.EndpointDrift drift, double[] xs, double[] p95, long warmupMs) {
        TheilSen.Slope slope = drift.p95();
        if (slope == null || !slope.significant() || slope.slope() <= 0) {
            return Optional.empty();
        }
        double spanH = xs[xs.length - 1] - xs[0];
        double median = new Median().evaluate(p95);
        if (slope.slope() * spanH < ENDPOINT_FINDING_GROWTH * median) {
            return Optional.empty();
        }
        String evidence = String.format(Locale.ROOT, "%s p95 grows %s ms/h (95%% CI %s–%s) over %s after a %s "
                        + "warm-up, from a median of %s ms: a growing queue, cache or data set.", endpoint,
                number(slope.slope()), number(slope.low()), number(slope.high()), hours(spanH),
                seconds(warmupMs), number(median));
        return Optional.of(new DriftReport.DriftFinding("drift", endpoint, "", "p95_ms", slope.slope(),
                slope.low(), slope.high(), evidence));
    }

    private static Optional<DriftReport.DriftFinding> memoryFinding(String host,
            DriftReport.HostDrift drift, Downsample.Series memory, long warmupMs) {
        TheilSen.Slope slope = drift.memory();
        if (slope == null || !slope.significant() || slope.slope() <= 0) {
            return Optional.empty();
        }
        double spanH = memory.xs()[memory.xs().length - 1] - memory.xs()[0];
        double median = new Median().evaluate(memory.ys());
        if (slope.slope() * spanH < MEMORY_FINDING_GROWTH * median) {
            return Optional.empty();
        }
        String who = drift.role().equals("TARGET") ? "target" : drift.role().toLowerCase(Locale.ROOT);
        String advice = drift.role().equals("TARGET") ? "possible leak"
                : "the load generator's own memory grows; check its heap before trusting a longer run";
        String evidence = String.format(Locale.ROOT, "%s memory grows %s MB/h (95%% CI %s–%s): %s (host %s, over "
                        + "%s after a %s warm-up, from a median of %s MB).", who, number(slope.slope()),
                number(slope.low()), number(slope.high()), advice, host, hours(spanH), seconds(warmupMs),
                number(median));
        return Optional.of(new DriftReport.DriftFinding("drift", "", host, "memory_mb", slope.slope(),
                slope.low(), slope.high(), evidence));
    }

    /** Two significant digits at least, no more than one decimal above 10. */
    static String number(double value) {
        double abs = Math.abs(value);
        if (abs >= 10) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        if (abs >= 1) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.2g", value);
    }

    private static String hours(double hours) {
        return hours >= 1 ? String.format(Locale.ROOT, "%.1f h", hours)
                : String.format(Locale.ROOT, "%.0f min", hours * 60);
    }

    private static String seconds(long ms) {
        return ms % 60_000 == 0 ? ms / 60_000 + " min" : String.format(Locale.ROOT, "%.0f s", ms / 1000.0);
    }
}
