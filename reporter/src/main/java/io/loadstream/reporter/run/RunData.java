package io.loadstream.reporter.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loadstream.events.EndpointTotals;
import io.loadstream.events.EndpointWindow;
import io.loadstream.events.LatencyStats;
import io.loadstream.events.RunControl;
import io.loadstream.events.SystemWindow;
import io.loadstream.events.ThresholdSpec;
import io.loadstream.reporter.stats.Stats;
import io.loadstream.reporter.threshold.Scope;
import io.loadstream.reporter.threshold.ScopeData;
import io.loadstream.reporter.timeline.BoundedTimeline;
import io.loadstream.reporter.timeline.PeakSeries;
import io.loadstream.reporter.timeline.SystemSteps;
import io.loadstream.reporter.timeline.WindowSet;
import io.loadstream.schemas.ControlAttributes;
import io.loadstream.schemas.EventKeys;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the reporter has read about one run: control records, closed windows, totals and system windows.
 * Duplicates (control records arrive once per control partition; a replay may repeat windows) are dropped here.
 *
 * <p>Raw window statistics are kept only as long as a windowed threshold may look back ({@code retentionMs});
 * running totals per endpoint are kept for the whole run, and the timeline, the system windows, the active VUs and
 * the windows already seen in bounded form (a 72 h run takes about as much memory as a 2 h one). Not thread-safe.
 */
public final class RunData implements ScopeData {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(RunData.class);

    private final String runId;
    private final Map<String, RunControl> started = new LinkedHashMap<>();
    private final Map<String, RunControl> finished = new LinkedHashMap<>();
    private final List<RunControl> aborts = new ArrayList<>();
    private final Set<String> abortSources = new HashSet<>();
    private final Map<String, RunControl> lastHeartbeat = new HashMap<>();
    private final Map<String, PeakSeries> activeVus = new HashMap<>();
    private final Map<String, NavigableMap<Long, LatencyStats>> recentWindows = new HashMap<>();
    private final Map<String, WindowSet> seenWindows = new HashMap<>();
    private final Map<String, Stats.Accumulator> running = new HashMap<>();
    // Bounded however long the run: merged steps for the whole run, plus the recent windows as they closed.
    private final BoundedTimeline timeline = new BoundedTimeline(BoundedTimeline.DEFAULT_MAX_STEPS,
            BoundedTimeline.DEFAULT_RECENT_WINDOWS);
    private final Map<String, EndpointTotals> totals = new TreeMap<>();
    private final Map<String, Stats> totalsStats = new HashMap<>();
    private final SystemSteps systemWindows = new SystemSteps(BoundedTimeline.DEFAULT_MAX_STEPS);
    private long allWindowRequests;
    private long newestWindowEndMs;
    private long retentionMs;
    private Map<String, Set<String>> scenarios = Map.of();
    private final List<java.util.function.BiConsumer<EndpointWindow, Stats>> windowListeners = new ArrayList<>();

    /**
     * Starts empty.
     *
     * @param runId       the run followed
     * @param retentionMs how far back, in milliseconds, raw window statistics are kept for windowed thresholds
     */
    public RunData(String runId, long retentionMs) {
        this.runId = runId;
        this.retentionMs = retentionMs;
    }

    /** The run id. */
    public String runId() {
        return runId;
    }

    /**
     * Keeps raw windows for at least this long from now on.
     *
     * @param retentionMs milliseconds before the newest window end
     */
    public void retainAtLeast(long retentionMs) {
        this.retentionMs = Math.max(this.retentionMs, retentionMs);
    }

    /**
     * Calls a listener with every new window from now on (a repeat is not passed on), e.g. to keep what the raw
     * window retention drops: the trend archive keeps every window's histogram.
     *
     * @param listener called on the reporter's thread with the window and its decoded statistics
     */
    public void onEachWindow(java.util.function.BiConsumer<EndpointWindow, Stats> listener) {
        windowListeners.add(listener);
    }

    /**
     * Takes a control record.
     *
     * @param control the record
     * @return true when it was new (the first of its source and type, or any heartbeat)
     */
    public boolean onControl(RunControl control) {
        String source = control.getSource();
        switch (control.getType()) {
            case STARTED -> {
                if (started.putIfAbsent(source, control) != null) {
                    return false;
                }
                if (scenarios.isEmpty()) {
                    scenarios = parseScenarios(control.getAttributes().get(ControlAttributes.SCENARIOS));
                }
                return true;
            }
            case FINISHED -> {
                return finished.putIfAbsent(source, control) == null;
            }
            case ABORT -> {
                if (!abortSources.add(source + "|" + control.getTimestampMs())) {
                    return false;
                }
                aborts.add(control);
                return true;
            }
            case HEARTBEAT -> {
                RunControl previous = lastHeartbeat.get(source);
                if (previous != null && previous.getTimestampMs() >= control.getTimestampMs()) {
                    return false;
                }
                lastHeartbeat.put(source, control);
                activeVus.computeIfAbsent(source, s -> new PeakSeries(PeakSeries.DEFAULT_MAX_SLOTS))
                        .put(control.getTimestampMs(), control.getActiveVus());
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    /**
     * Takes a closed window, decoding its statistics.
     *
     * @param window the window
     * @return true when it was new; false for a repeat of one already read
     * @throws IllegalArgumentException when its statistics do not decode
     */
    public boolean onWindow(EndpointWindow window) {
        return onWindow(window, Stats.of(window.getStats()));
    }

    /**
     * Takes a closed window whose statistics are already decoded.
     *
     * @param window the window
     * @param stats  its statistics, {@code Stats.of(window.getStats())}
     * @return true when it was new; false for a repeat of one already read
     */
    public boolean onWindow(EndpointWindow window, Stats stats) {
        String endpoint = window.getEndpoint();
        if (!seenWindows.computeIfAbsent(endpoint, e -> new WindowSet()).add(window.getWindowStartMs(),
                window.getWindowEndMs())) {
            return false;
        }
        running.computeIfAbsent(endpoint, e -> new Stats.Accumulator()).add(stats);
        if (endpoint.equals(EventKeys.ALL_ENDPOINTS)) {
            allWindowRequests += stats.count();
        }
        timeline.add(endpoint, window.getWindowStartMs(), window.getWindowEndMs(), window.getStats(), stats);
        recentWindows.computeIfAbsent(endpoint, e -> new TreeMap<>()).put(window.getWindowStartMs(), window.getStats());
        newestWindowEndMs = Math.max(newestWindowEndMs, window.getWindowEndMs());
        prune();
        windowListeners.forEach(listener -> listener.accept(window, stats));
        return true;
    }

    /**
     * Whether every endpoint window of the period that ends at {@code windowEndMs} has been read: their requests add
     * up to the {@code *} window's. The windows of one period travel on different partitions, so the {@code *} window
     * can be read before some of them (always so when a finished run is read from the topics at once).
     *
     * @param windowEndMs end of the period, epoch milliseconds
     * @return true when the endpoint windows of the period hold at least the {@code *} window's requests
     */
    public boolean periodComplete(long windowEndMs) {
        NavigableMap<Long, LatencyStats> star = recentWindows.get(EventKeys.ALL_ENDPOINTS);
        Map.Entry<Long, LatencyStats> period = star == null ? null : star.floorEntry(windowEndMs - 1);
        if (period == null) {
            return false;
        }
        long requests = 0;
        for (Map.Entry<String, NavigableMap<Long, LatencyStats>> endpoint : recentWindows.entrySet()) {
            LatencyStats window = endpoint.getKey().equals(EventKeys.ALL_ENDPOINTS) ? null
                    : endpoint.getValue().get(period.getKey());
            requests += window == null ? 0 : window.getCount();
        }
        return requests >= period.getValue().getCount();
    }

    private void prune() {
        long keepFrom = newestWindowEndMs - retentionMs;
        for (NavigableMap<Long, LatencyStats> windows : recentWindows.values()) {
            windows.headMap(keepFrom, false).clear();
        }
    }

    /**
     * Takes totals, decoding their statistics; see {@link #onTotals(EndpointTotals, Stats)}.
     *
     * @param endpointTotals the totals
     * @throws IllegalArgumentException when their statistics do not decode
     */
    public void onTotals(EndpointTotals endpointTotals) {
        onTotals(endpointTotals, Stats.of(endpointTotals.getStats()));
    }

    /**
     * Takes totals whose statistics are already decoded; later totals of an endpoint replace earlier ones, and
     * complete ones are never replaced by incomplete ones.
     *
     * @param endpointTotals the totals
     * @param stats          their statistics, {@code Stats.of(endpointTotals.getStats())}
     */
    public void onTotals(EndpointTotals endpointTotals, Stats stats) {
        EndpointTotals previous = totals.get(endpointTotals.getEndpoint());
        if (previous != null && previous.getComplete() && !endpointTotals.getComplete()) {
            return;
        }
        totals.put(endpointTotals.getEndpoint(), endpointTotals);
        totalsStats.put(endpointTotals.getEndpoint(), stats);
    }

    /**
     * Takes a system window.
     *
     * @param window the window; a repeat (same host, role and start) replaces the earlier one
     */
    public void onSystemWindow(SystemWindow window) {
        systemWindows.add(window);
    }

    @Override
    public Stats between(Scope scope, long fromMs, long toMs) {
        List<String> endpoints = endpointsOf(scope);
        if (fromMs == Long.MIN_VALUE) {
            List<Stats> parts = new ArrayList<>();
            for (String endpoint : endpoints) {
                Stats.Accumulator acc = running.get(endpoint);
                if (acc != null) {
                    parts.add(acc.build());
                }
            }
            return Stats.mergeStats(parts);
        }
        List<LatencyStats> parts = new ArrayList<>();
        for (String endpoint : endpoints) {
            NavigableMap<Long, LatencyStats> windows = recentWindows.get(endpoint);
            if (windows == null) {
                continue;
            }
            for (LatencyStats stats : windows.subMap(fromMs, true, toMs, false).values()) {
                parts.add(stats);
            }
        }
        return Stats.merge(parts);
    }

    /**
     * The final totals of a scope.
     *
     * @param scope all, an endpoint or a scenario
     * @return merged totals of the scope's endpoints; empty statistics when none arrived
     */
    public Stats totalsOf(Scope scope) {
        List<Stats> parts = new ArrayList<>();
        for (String endpoint : endpointsOf(scope)) {
            Stats t = totalsStats.get(endpoint);
            if (t != null) {
                parts.add(t);
            }
        }
        return Stats.mergeStats(parts);
    }

    /**
     * The decoded statistics of one endpoint's totals.
     *
     * @param endpoint an endpoint name, or {@link EventKeys#ALL_ENDPOINTS}
     * @return the statistics of its latest totals; {@link Stats#EMPTY} when none arrived
     */
    public Stats totalsStats(String endpoint) {
        return totalsStats.getOrDefault(endpoint, Stats.EMPTY);
    }

    private List<String> endpointsOf(Scope scope) {
        return switch (scope.kind()) {
            case ALL -> List.of(EventKeys.ALL_ENDPOINTS);
            case ENDPOINT -> List.of(scope.value());
            case SCENARIO -> List.copyOf(scenarios.getOrDefault(scope.value(), Set.of()));
        };
    }

    /** Whether a STARTED has arrived. */
    public boolean hasStarted() {
        return !started.isEmpty();
    }

    /** The first STARTED read, if any: it carries the plan's settings. */
    public Optional<RunControl> firstStarted() {
        return started.values().stream().findFirst();
    }

    /** The STARTED records, one per source. */
    public Collection<RunControl> started() {
        return started.values();
    }

    /** The FINISHED records, one per source. */
    public Collection<RunControl> finished() {
        return finished.values();
    }

    /** The ABORT records read, in order. */
    public List<RunControl> aborts() {
        return List.copyOf(aborts);
    }

    /** How many segments the run is split into, from STARTED (1 before any STARTED arrives). */
    public int segmentCount() {
        return firstStarted().map(RunControl::getSegmentCount).orElse(1);
    }

    /** Whether every segment has sent FINISHED. */
    public boolean allSegmentsFinished() {
        if (!hasStarted()) {
            return false;
        }
        Set<Integer> done = new TreeSet<>();
        for (RunControl control : finished.values()) {
            done.add(control.getSegmentIndex());
        }
        return done.size() >= segmentCount();
    }

    /** The thresholds of the plan, from STARTED. */
    public List<ThresholdSpec> thresholdSpecs() {
        return firstStarted().map(RunControl::getThresholds).orElse(List.of());
    }

    /** The scenarios of the plan and the endpoints of their steps, from STARTED. */
    public Map<String, Set<String>> scenarios() {
        return scenarios;
    }

    /** When the run started: the earliest STARTED, epoch milliseconds; 0 before any. */
    public long startMs() {
        return started.values().stream().mapToLong(RunControl::getTimestampMs).min().orElse(0);
    }

    /** When the run ended: the latest FINISHED, epoch milliseconds; 0 before any. */
    public long endMs() {
        return finished.values().stream().mapToLong(RunControl::getTimestampMs).max().orElse(0);
    }

    /** The run's totals per endpoint, {@code *} included, sorted by name. */
    public Map<String, EndpointTotals> totals() {
        return java.util.Collections.unmodifiableMap(totals);
    }

    /** Whether the final totals are in: {@code *} complete, and complete endpoint totals that add up to it. */
    public boolean totalsComplete() {
        EndpointTotals all = totals.get(EventKeys.ALL_ENDPOINTS);
        if (all == null || !all.getComplete()) {
            return false;
        }
        long sum = 0;
        for (EndpointTotals t : totals.values()) {
            if (!t.getEndpoint().equals(EventKeys.ALL_ENDPOINTS)) {
                if (!t.getComplete()) {
                    return false;
                }
                sum += t.getStats().getCount();
            }
        }
        return sum == all.getStats().getCount();
    }

    /** Whether every {@code *} window is in: their requests plus the late events equal the final count. */
    public boolean windowsComplete() {
        EndpointTotals all = totals.get(EventKeys.ALL_ENDPOINTS);
        return all != null && all.getComplete()
                && allWindowRequests + all.getLateEvents() >= all.getStats().getCount();
    }

    /**
     * The whole run's timeline, by start then endpoint: one point per window, or per merged step once the run has
     * more than {@link BoundedTimeline#DEFAULT_MAX_STEPS} windows (see {@link BoundedTimeline}); each with the seconds
     * of its window (or step) that the run covered as known now (see {@link #coveredMs}).
     */
    public List<TimelinePoint> timeline() {
        return covered(timeline.whole());
    }

    /** The points with the time the run covered in each, as known now. */
    private List<TimelinePoint> covered(List<TimelinePoint> points) {
        List<TimelinePoint> out = new ArrayList<>(points.size());
        for (TimelinePoint point : points) {
            out.add(point.withCoveredS(coveredMs(point.windowStartMs(), point.windowEndMs()) / 1000.0));
        }
        return out;
    }

    /**
     * How much of a period the run covered: the period cut to the run's load, from the intended start of its first
     * request (the {@code *} totals' {@code first_event_ms}; the earliest STARTED until those arrive) to its end (the
     * latest FINISHED, but no later than the start plus the planned duration, since FINISHED follows the last
     * response and the producer's flush; never before the last request's intended start). Windows are aligned to
     * the clock, not to the run, so the first and last are only partly covered; their rates divide by this.
     *
     * @param fromMs start of the period, inclusive, epoch milliseconds
     * @param toMs   end of the period, exclusive, epoch milliseconds
     * @return milliseconds, between 0 and {@code toMs - fromMs}; the whole period before any STARTED
     */
    @Override
    public long coveredMs(long fromMs, long toMs) {
        long start = loadStartMs();
        long end = loadEndMs();
        return Math.max(0, Math.min(toMs, end) - Math.max(fromMs, start));
    }

    /** Intended start of the run's first request, or the earliest STARTED; {@code Long.MIN_VALUE} when unknown. */
    private long loadStartMs() {
        EndpointTotals all = totals.get(EventKeys.ALL_ENDPOINTS);
        if (all != null && all.getStats().getCount() > 0 && all.getFirstEventMs() > 0) {
            return all.getFirstEventMs();
        }
        return hasStarted() ? startMs() : Long.MIN_VALUE;
    }

    /** See {@link #coveredMs}; {@code Long.MAX_VALUE} while the end is unknown. */
    private long loadEndMs() {
        long planned = firstStarted().map(RunControl::getPlannedDurationMs).orElse(0L);
        long end = Long.MAX_VALUE;
        if (planned > 0 && hasStarted()) {
            end = loadStartMs() + planned;
        }
        if (!finished.isEmpty()) {
            end = Math.min(end, endMs());
        }
        EndpointTotals all = totals.get(EventKeys.ALL_ENDPOINTS);
        if (end != Long.MAX_VALUE && all != null && all.getStats().getCount() > 0) {
            end = Math.max(end, all.getLastEventMs() + 1);
        }
        return end;
    }

    /** The bounded timeline itself: its recent windows, its steps with their merged statistics, its step length. */
    public BoundedTimeline timelineSteps() {
        return timeline;
    }

    /** The system windows, sorted by host, role and start; merged into coarser steps as the timeline is. */
    public Collection<SystemWindow> systemWindows() {
        return systemWindows.all();
    }

    /** The latest heartbeat of each source. */
    public Collection<RunControl> lastHeartbeats() {
        return lastHeartbeat.values();
    }

    /**
     * Active VUs over a period: for each source the most it reported in the period, summed over sources.
     *
     * @param fromMs start, inclusive, epoch milliseconds
     * @param toMs   end, exclusive, epoch milliseconds
     * @return the number of VUs, or -1 when no heartbeat fell in the period
     */
    public int activeVusBetween(long fromMs, long toMs) {
        int sum = 0;
        boolean any = false;
        for (PeakSeries samples : activeVus.values()) {
            int most = samples.maxBetween(fromMs, toMs);
            if (most >= 0) {
                sum += most;
                any = true;
            }
        }
        return any ? sum : -1;
    }

    /**
     * Active VUs second by second from the heartbeats (each generator sends one a second), for a chart that shows a
     * ramp even in a short run; summed over generators, with a generator's latest count carried into a second in
     * which its heartbeat is missing. Long runs are thinned to at most {@code maxPoints} points.
     *
     * @param fromMs    first second, epoch milliseconds
     * @param toMs      end, exclusive, epoch milliseconds
     * @param maxPoints most points returned, at least 1
     * @return pairs of (second start in epoch ms, VUs), in time order; empty when no heartbeat arrived
     */
    public List<long[]> activeVusPerSecond(long fromMs, long toMs, int maxPoints) {
        List<long[]> points = new ArrayList<>();
        if (activeVus.isEmpty() || toMs <= fromMs) {
            return points;
        }
        long seconds = (toMs - fromMs + 999) / 1000;
        long stepMs = 1000 * Math.max(1, (seconds + maxPoints - 1) / Math.max(1, maxPoints));
        for (long at = fromMs; at < toMs; at += stepMs) {
            long sum = 0;
            boolean any = false;
            for (PeakSeries samples : activeVus.values()) {
                int latest = samples.latestAtOrBefore(at + stepMs - 1);
                if (latest >= 0) {
                    sum += latest;
                    any = true;
                }
            }
            if (any) {
                points.add(new long[] {at, sum});
            }
        }
        return points;
    }

    /** The newest window end read, epoch milliseconds. */
    public long newestWindowEndMs() {
        return newestWindowEndMs;
    }

    private static Map<String, Set<String>> parseScenarios(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            Map<String, List<String>> raw = JSON.readValue(json, new TypeReference<Map<String, List<String>>>() { });
            Map<String, Set<String>> result = new LinkedHashMap<>();
            raw.forEach((name, endpoints) -> result.put(name, new java.util.LinkedHashSet<>(endpoints)));
            return result;
        } catch (JsonProcessingException e) {
            LOG.warn("The scenarios attribute of STARTED is not a JSON object of endpoint lists; thresholds with "
                    + "{{scenario:...}} will see no data: {}", e.getOriginalMessage());
            return Map.of();
        }
    }
}
