package io.loadstream.reporter.timeline;

import io.loadstream.events.LatencyStats;
import io.loadstream.reporter.run.TimelinePoint;
import io.loadstream.reporter.stats.Stats;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The run's timeline at two resolutions, bounded however long the run lasts:
 * <ul>
 *   <li><b>whole run</b>: at most {@code maxSteps} steps per endpoint. A step starts as one window; when an endpoint
 *       would need more steps, the step doubles and each pair of neighbouring steps is merged exactly (histograms
 *       are added, counts summed; percentiles are read from the merged histogram, never averaged). A 72 h run of
 *       10 s windows ends with 640 s steps (405 of them);</li>
 *   <li><b>recent</b>: each endpoint's latest {@code recentWindows} windows as they closed.</li>
 * </ul>
 * Each step keeps its statistics in the compressed wire form, so memory is about {@code endpoints × maxSteps ×}
 * (a compressed histogram, typically under 2 KB) plus the recent summaries. Not thread-safe.
 */
public final class BoundedTimeline {

    /** Steps per endpoint over the whole run, at most. */
    public static final int DEFAULT_MAX_STEPS = 500;
    /** How many of each endpoint's latest windows are kept as they closed: 30 minutes of 10 s windows. */
    public static final int DEFAULT_RECENT_WINDOWS = 180;

    private static final Comparator<TimelinePoint> ORDER = Comparator.comparingLong(TimelinePoint::windowStartMs)
            .thenComparing(TimelinePoint::endpoint);

    private final int maxSteps;
    private final int recentWindows;
    private final Map<String, NavigableMap<Long, Step>> whole = new HashMap<>();
    private final Map<String, NavigableMap<Long, TimelinePoint>> recent = new HashMap<>();
    private boolean started;
    private long originMs;
    private long windowMs;
    private long stepMs;

    /**
     * Creates an empty timeline.
     *
     * @param maxSteps steps per endpoint over the whole run, at least 2
     * @param recentWindows how many of each endpoint's latest windows are kept as they closed, at least 0
     * @throws IllegalArgumentException when a bound is out of range
     */
    public BoundedTimeline(int maxSteps, int recentWindows) {
        if (maxSteps < 2 || recentWindows < 0) {
            throw new IllegalArgumentException("Need maxSteps >= 2 and recentWindows >= 0, not " + maxSteps
                    + " and " + recentWindows);
        }
        this.maxSteps = maxSteps;
        this.recentWindows = recentWindows;
    }

    /**
     * One step of the whole-run timeline: one window or several merged.
     *
     * @param startMs   earliest start of its windows, epoch ms
     * @param endMs     latest end of its windows, epoch ms
     * @param coveredMs summed length of its windows, milliseconds (the divisor of its request rate)
     * @param stats     the merged statistics, histogram compressed
     * @param point     its summary
     */
    public record Step(long startMs, long endMs, long coveredMs, LatencyStats stats, TimelinePoint point) {
    }

    /**
     * Adds a closed window; the caller drops repeats.
     *
     * @param endpoint endpoint name, or {@code *}
     * @param startMs  window start, epoch ms
     * @param endMs    window end, exclusive, epoch ms
     * @param raw      the window's statistics as published
     * @param stats    the same, decoded
     */
    public void add(String endpoint, long startMs, long endMs, LatencyStats raw, Stats stats) {
        if (!started) {
            started = true;
            originMs = startMs;
            windowMs = Math.max(1, endMs - startMs);
            stepMs = windowMs;
        }
        long lengthMs = Math.max(1, endMs - startMs);
        NavigableMap<Long, Step> steps = whole.computeIfAbsent(endpoint, e -> new TreeMap<>());
        long key = keyOf(startMs);
        Step mine = new Step(startMs, endMs, lengthMs, raw, point(endpoint, startMs, endMs, lengthMs, stats));
        steps.merge(key, mine, (a, b) -> merge(endpoint, a, b));
        if (steps.size() > maxSteps) {
            coarsen();
        }
        NavigableMap<Long, TimelinePoint> latest = recent.computeIfAbsent(endpoint, e -> new TreeMap<>());
        latest.put(startMs, mine.point());
        while (latest.size() > recentWindows) {
            latest.pollFirstEntry();
        }
    }

    private long keyOf(long startMs) {
        return originMs + Math.floorDiv(startMs - originMs, stepMs) * stepMs;
    }

    /** Doubles the step until every endpoint fits, merging neighbours exactly. */
    private void coarsen() {
        while (whole.values().stream().anyMatch(s -> s.size() > maxSteps)) {
            stepMs *= 2;
            for (Map.Entry<String, NavigableMap<Long, Step>> entry : whole.entrySet()) {
                NavigableMap<Long, Step> merged = new TreeMap<>();
                for (Step step : entry.getValue().values()) {
                    merged.merge(keyOf(step.startMs()), step, (a, b) -> merge(entry.getKey(), a, b));
                }
                entry.setValue(merged);
            }
        }
    }

    private static Step merge(String endpoint, Step a, Step b) {
        Stats stats = Stats.merge(List.of(a.stats(), b.stats()));
        long start = Math.min(a.startMs(), b.startMs());
        long end = Math.max(a.endMs(), b.endMs());
        long covered = a.coveredMs() + b.coveredMs();
        return new Step(start, end, covered, stats.toLatencyStats(), point(endpoint, start, end, covered, stats));
    }

    private static TimelinePoint point(String endpoint, long startMs, long endMs, long coveredMs, Stats stats) {
        return new TimelinePoint(startMs, endMs, endpoint, stats.count(), stats.errorCount(), stats.percentileMs(50),
                stats.percentileMs(95), stats.percentileMs(99), stats.maxMs(), coveredMs / 1000.0);
    }

    /** The whole run, one point per step and endpoint, by start then endpoint. */
    public List<TimelinePoint> whole() {
        List<TimelinePoint> points = new ArrayList<>();
        for (NavigableMap<Long, Step> steps : whole.values()) {
            for (Step step : steps.values()) {
                points.add(step.point());
            }
        }
        points.sort(ORDER);
        return points;
    }

    /** Each endpoint's latest windows as they closed, by start then endpoint. */
    public List<TimelinePoint> recent() {
        List<TimelinePoint> points = new ArrayList<>();
        recent.values().forEach(w -> points.addAll(w.values()));
        points.sort(ORDER);
        return points;
    }

    /**
     * The whole-run steps of one endpoint.
     *
     * @param endpoint endpoint name, or {@code *}
     * @return its steps by start; empty when it had no window
     */
    public List<Step> steps(String endpoint) {
        NavigableMap<Long, Step> steps = whole.get(endpoint);
        return steps == null ? List.of() : List.copyOf(steps.values());
    }

    /** The length of a whole-run step now, milliseconds: the window length times a power of two; 0 before any. */
    public long stepMs() {
        return stepMs;
    }

    /** The window length of the run (of its first window), milliseconds; 0 before any. */
    public long windowMs() {
        return windowMs;
    }

    /** How many of each endpoint's latest windows are kept as they closed. */
    public int recentWindows() {
        return recentWindows;
    }
}
