package io.loadstream.aggregator.topology;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When any task of this aggregator instance last read a request or control record of each run, on the wall clock:
 * shared by the instance's tasks, so that a run still alive at one task is not closed as idle at another. Seen in a
 * 30-minute soak on a machine at a load average of 40: the task with the busy endpoint kept reading the run's
 * requests while five tasks read nothing of it for 60 s, closed it as idle, and then ignored 1.56 million of its
 * requests. Not stored: after a restart a run counts as seen from the first tick. Thread-safe.
 *
 * <p>Also when the instance last read anything at all, so that a broker outage is not taken for idle runs: while the
 * instance reads nothing, of any run, the generators are holding their records for the broker (their outbox), and
 * closing the runs then would ignore everything they deliver when it is back (seen with {@code bench/faults.sh
 * broker-crash}: a 100 s outage closed the run, and its last 7,864 requests were ignored). See {@link #quiet}.
 */
final class RunActivity {

    /** A gap in everything the instance reads of at least this long is a silence (a broker outage, say). */
    static final long SILENCE_MS = 10_000;
    /** The longest silence that holds the idle timeouts back: past it, runs close as idle as before. */
    static final long MAX_SILENCE_MS = 10 * 60_000;
    /** Reads closer than this to the last noted one are not noted again: one comparison per record. */
    private static final long READ_RESOLUTION_MS = 1_000;

    private final Map<String, Long> lastSeenWallMs = new ConcurrentHashMap<>();
    private volatile long lastReadWallMs = Long.MIN_VALUE;
    private volatile long resumedWallMs = Long.MIN_VALUE;

    /**
     * Notes that a task read a record (of any topic and run, readable or not) at {@code nowWallMs}; the first read
     * after a silence marks when reading resumed.
     */
    void read(long nowWallMs) {
        long last = lastReadWallMs;
        if (last != Long.MIN_VALUE && nowWallMs - last < READ_RESOLUTION_MS) {
            return;
        }
        if (last != Long.MIN_VALUE && nowWallMs - last >= SILENCE_MS) {
            resumedWallMs = nowWallMs;
        }
        lastReadWallMs = nowWallMs;
    }

    /**
     * Whether the idle timeouts are held back at {@code nowWallMs}: the instance has read nothing for
     * {@link #SILENCE_MS} (but not yet for {@code idleTimeoutMs + MAX_SILENCE_MS}: then every generator may be
     * gone), or it resumed reading after a silence less than {@code idleTimeoutMs} ago, which gives each run one
     * idle period for its held records to arrive. A run whose generator died during an outage thus closes at most
     * that much later; one that dies otherwise closes as before.
     *
     * @param nowWallMs     wall-clock time, epoch ms
     * @param idleTimeoutMs the idle timeout, in milliseconds
     * @return whether no run may close as idle now
     */
    boolean quiet(long nowWallMs, long idleTimeoutMs) {
        long last = lastReadWallMs;
        if (last == Long.MIN_VALUE) {
            return false;
        }
        long silentMs = nowWallMs - last;
        if (silentMs >= SILENCE_MS) {
            return silentMs < idleTimeoutMs + MAX_SILENCE_MS;
        }
        long resumed = resumedWallMs;
        return resumed != Long.MIN_VALUE && nowWallMs - resumed < idleTimeoutMs;
    }

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
