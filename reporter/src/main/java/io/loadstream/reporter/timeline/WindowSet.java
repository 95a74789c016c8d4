package io.loadstream.reporter.timeline;

import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;

/**
 * The window starts of one endpoint already read, to drop repeats, in about one bit per window: a 72 h run of 10 s
 * windows takes 3 KB instead of a set of 25,920 boxed longs. Starts aligned on the first window's length, from the
 * first start on, go into a bit set; any other start (a replay of an older run layout, a clock step) into a plain
 * set. Not thread-safe.
 */
public final class WindowSet {

    private final BitSet aligned = new BitSet();
    private final Set<Long> others = new HashSet<>();
    private boolean started;
    private long baseMs;
    private long lengthMs;

    /** Creates an empty set. */
    public WindowSet() {
    }

    /**
     * Adds a window.
     *
     * @param startMs window start, epoch ms
     * @param endMs   window end, epoch ms
     * @return true when it was not in the set
     */
    public boolean add(long startMs, long endMs) {
        if (!started) {
            started = true;
            baseMs = startMs;
            lengthMs = Math.max(1, endMs - startMs);
        }
        long offset = startMs - baseMs;
        if (offset >= 0 && offset % lengthMs == 0 && offset / lengthMs < Integer.MAX_VALUE) {
            int index = (int) (offset / lengthMs);
            if (aligned.get(index)) {
                return false;
            }
            aligned.set(index);
            return true;
        }
        return others.add(startMs);
    }
}
