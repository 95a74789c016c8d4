package io.loadstream.reporter.timeline;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A series of whole-number samples (a generator's active VUs, one a second) that answers "the most in a period"
 * with bounded memory: samples are kept per time slot, starting at 1 ms; when more than {@code maxSlots} are held,
 * the slot doubles and each slot keeps its largest sample. Exact while the run has fewer samples than
 * {@code maxSlots}; after that a period's answer may include samples up to one slot outside it. Not thread-safe.
 */
public final class PeakSeries {

    /** Slots kept at most: 4,096 one-second heartbeats are 68 minutes at full resolution. */
    public static final int DEFAULT_MAX_SLOTS = 4096;

    private final int maxSlots;
    private NavigableMap<Long, Integer> slots = new TreeMap<>();
    private long slotMs = 1;

    /**
     * Creates an empty series.
     *
     * @param maxSlots slots kept at most, at least 2
     * @throws IllegalArgumentException when {@code maxSlots} is below 2
     */
    public PeakSeries(int maxSlots) {
        if (maxSlots < 2) {
            throw new IllegalArgumentException("Need maxSlots >= 2, not " + maxSlots);
        }
        this.maxSlots = maxSlots;
    }

    /**
     * Adds a sample.
     *
     * @param atMs  when, epoch ms
     * @param value the sample
     */
    public void put(long atMs, int value) {
        slots.merge(Math.floorDiv(atMs, slotMs) * slotMs, value, Math::max);
        while (slots.size() > maxSlots) {
            slotMs *= 2;
            NavigableMap<Long, Integer> coarser = new TreeMap<>();
            for (Map.Entry<Long, Integer> e : slots.entrySet()) {
                coarser.merge(Math.floorDiv(e.getKey(), slotMs) * slotMs, e.getValue(), Math::max);
            }
            slots = coarser;
        }
    }

    /**
     * The largest sample in a period.
     *
     * @param fromMs start, inclusive, epoch ms
     * @param toMs   end, exclusive, epoch ms
     * @return the largest sample of the slots that start in the period, or -1 when none does
     */
    public int maxBetween(long fromMs, long toMs) {
        int most = -1;
        for (int value : slots.subMap(Math.floorDiv(fromMs, slotMs) * slotMs, true, toMs, false).values()) {
            most = Math.max(most, value);
        }
        return most;
    }

    /**
     * The latest sample at or before a moment (the largest of its slot once slots are coarser than a sample).
     *
     * @param atMs the moment, epoch ms
     * @return the sample, or -1 when there is none that early
     */
    public int latestAtOrBefore(long atMs) {
        Map.Entry<Long, Integer> latest = slots.floorEntry(atMs);
        return latest == null ? -1 : latest.getValue();
    }
}
