package io.loadstream.reporter.report.findings;

import io.loadstream.reporter.run.RunData;
import io.loadstream.reporter.run.TimelinePoint;
import io.loadstream.reporter.stats.Stats;
import io.loadstream.schemas.EventKeys;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the detectors read: each endpoint's windows with their load, and each endpoint's whole-run statistics.
 *
 * @param series            per endpoint ({@code *} included), its windows in time order
 * @param totals            per endpoint ({@code *} included), the whole run's statistics
 * @param slowEndpointP95Ms the plan's {@code slow_endpoint_p95_ms}
 * @param slowRequestMs     the plan's {@code slow_request_ms}
 * @param openModel         whether an arrival-rate executor drove the run: its active VUs follow the latency
 *                          (Little's law) instead of setting the load, so they say nothing about queueing
 */
public record FindingInput(Map<String, List<LoadPoint>> series, Map<String, Stats> totals, long slowEndpointP95Ms,
                           long slowRequestMs, boolean openModel) {

    /**
     * Copies the maps.
     */
    public FindingInput {
        series = Collections.unmodifiableMap(new TreeMap<>(series));
        totals = Collections.unmodifiableMap(new TreeMap<>(totals));
    }

    /**
     * Reads a run.
     *
     * @param data              what the reporter read
     * @param timeline          the windows, rates over covered time
     * @param slowEndpointP95Ms the plan's {@code slow_endpoint_p95_ms}
     * @param slowRequestMs     the plan's {@code slow_request_ms}
     * @return the input
     */
    public static FindingInput of(RunData data, List<TimelinePoint> timeline, long slowEndpointP95Ms,
                                  long slowRequestMs) {
        Map<String, List<LoadPoint>> series = new TreeMap<>();
        for (TimelinePoint point : timeline) {
            series.computeIfAbsent(point.endpoint(), e -> new ArrayList<>())
                    .add(new LoadPoint(point, data.activeVusBetween(point.windowStartMs(), point.windowEndMs())));
        }
        series.values().forEach(points -> points.sort(Comparator.comparingLong(p -> p.window().windowStartMs())));
        Map<String, Stats> totals = new TreeMap<>();
        for (String endpoint : data.totals().keySet()) {
            totals.put(endpoint, data.totalsStats(endpoint));
        }
        boolean openModel = data.firstStarted().map(r -> r.getAttributes()
                .getOrDefault(io.loadstream.schemas.ControlAttributes.LOAD, "")).orElse("").contains("arrival-rate");
        return new FindingInput(series, totals, slowEndpointP95Ms, slowRequestMs, openModel);
    }

    /** The endpoints, without {@code *}. */
    public List<String> endpoints() {
        return series.keySet().stream().filter(e -> !e.equals(EventKeys.ALL_ENDPOINTS)).toList();
    }

    /** The windows of an endpoint; empty when it has none. */
    public List<LoadPoint> windows(String endpoint) {
        return series.getOrDefault(endpoint, List.of());
    }

    /** The whole-run statistics of an endpoint; {@link Stats#EMPTY} when none arrived. */
    public Stats total(String endpoint) {
        return totals.getOrDefault(endpoint, Stats.EMPTY);
    }
}
