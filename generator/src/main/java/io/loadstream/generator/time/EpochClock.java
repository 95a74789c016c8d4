package io.loadstream.generator.time;

/**
 * Converts readings of a {@link TimeSource}'s nanosecond counter into epoch microseconds, anchored once, so that
 * every timestamp of a run comes from the same monotonic counter and never jumps with the wall clock.
 * Immutable and thread-safe.
 */
public final class EpochClock {

    private final TimeSource source;
    private final long anchorNanos;
    private final long anchorEpochMicros;

    /**
     * Anchors the conversion at the current reading of {@code source}.
     *
     * @param source the time source
     */
    public EpochClock(TimeSource source) {
        this.source = source;
        this.anchorNanos = source.nanoTime();
        this.anchorEpochMicros = source.epochMillis() * 1000;
    }

    /** The time source read by this clock. */
    public TimeSource source() {
        return source;
    }

    /** The nanosecond reading at the anchor. */
    public long anchorNanos() {
        return anchorNanos;
    }

    /**
     * Converts a nanosecond reading of the source into epoch microseconds.
     *
     * @param nanoTime a reading of {@link TimeSource#nanoTime()}
     * @return epoch microseconds
     */
    public long epochMicros(long nanoTime) {
        return anchorEpochMicros + (nanoTime - anchorNanos) / 1000;
    }

    /** The current time, in epoch microseconds. */
    public long nowEpochMicros() {
        return epochMicros(source.nanoTime());
    }
}
