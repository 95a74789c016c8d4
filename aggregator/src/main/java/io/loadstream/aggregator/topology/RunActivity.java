package io.loadstream.aggregator.topology;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When any task of this aggregator instance last read a request or control record of each run, on the wall clock:
 * shared by the instance's tasks, so that a run still alive at one task is not closed as idle at another. Seen in a
 * 30-minute soak on a machine at a load average of 40: the task with the busy endpoint kept reading the run's
 * requests while five tasks read nothing of it for 60 s, closed it as idle, and then ignored 1.56 million of its
 * requests. Not stored: after a restart a run counts as seen from the first tick. Thread-safe.
 */
final class RunActivity {

    private final Map<String, Long> lastSeenWallMs = new ConcurrentHashMap<>();

    /** Notes that a task read a record of {@code runId} at {@code nowWallMs}. */
    void seen(String runId, long nowWallMs) {
        lastSeenWallMs.merge(runId, nowWallMs, Math::max);
    }

    /** Whether some task read a record of {@code runId} within {@code periodMs} before {@code nowWallMs}. */
    boolean seenWithin(String runId, long nowWallMs, long periodMs) {
        Long seen = lastSeenWallMs.get(runId);
        return seen != null && nowWallMs - seen < periodMs;
    }

    /** Forgets runs not seen for {@code periodMs}, so that the map holds only recent runs. */
    void forgetOlderThan(long nowWallMs, long periodMs) {
        lastSeenWallMs.values().removeIf(seen -> nowWallMs - seen >= periodMs);
    }
}
