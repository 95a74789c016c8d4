package io.loadstream.reporter.archive;

import io.loadstream.reporter.trend.Estimate;
import io.loadstream.reporter.trend.TrendMetric;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The metadata and per-endpoint summary of one archived run: what {@code entry.json} holds and what the trend reads
 * (the per-window histograms stay in {@code windows.json} and are read only when asked for). Immutable.
 *
 * @param version           the archive format version, {@link #FORMAT_VERSION} for entries this build writes
 * @param plan              the plan's name
 * @param runId             the run id
 * @param startedAtMs       the run's start (earliest STARTED), epoch milliseconds
 * @param endedAtMs         the run's end (latest FINISHED), epoch milliseconds; 0 when no generator finished
 * @param loadstreamVersion the version of loadstream that ran the load (from STARTED), or "unknown"
 * @param generators        how many generator processes joined
 * @param tags              the {@code --tag key=value} pairs, sorted by key
 * @param complete          whether the run finished and every figure arrived; an incomplete run is never an
 *                          automatic baseline
 * @param reason            why the run is incomplete (interrupted, aborted, data missing); empty when complete
 * @param endpoints         per endpoint (not {@code *}), each figure of {@link TrendMetric} with its bootstrap
 *                          standard error and interval
 */
public record ArchiveEntry(int version, String plan, String runId, long startedAtMs, long endedAtMs,
                           String loadstreamVersion, int generators, Map<String, String> tags, boolean complete,
                           String reason, Map<String, Map<TrendMetric, Estimate>> endpoints) {

    /** The archive format this build writes and reads. An entry of another version is skipped with a sentence. */
    public static final int FORMAT_VERSION = 1;

    /**
     * Checks and copies the values.
     *
     * @throws IllegalArgumentException when the plan or run id is empty or a figure is missing
     */
    public ArchiveEntry {
        if (plan == null || plan.isEmpty() || runId == null || runId.isEmpty()) {
            throw new IllegalArgumentException("An archive entry has a plan name and a run id");
        }
        tags = Collections.unmodifiableMap(new TreeMap<>(tags));
        reason = reason == null ? "" : reason;
        loadstreamVersion = loadstreamVersion == null || loadstreamVersion.isEmpty() ? "unknown" : loadstreamVersion;
        Map<String, Map<TrendMetric, Estimate>> copy = new TreeMap<>();
        endpoints.forEach((endpoint, figures) -> {
            if (figures.size() != TrendMetric.values().length) {
                throw new IllegalArgumentException("Endpoint " + endpoint + " lacks figures: " + figures.keySet());
            }
            copy.put(endpoint, Collections.unmodifiableMap(new EnumMap<>(figures)));
        });
        endpoints = Collections.unmodifiableMap(copy);
    }
}
