package io.loadstream.generator.time;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link TimeSource} that only moves when told to: for tests of schedules and timers. Thread-safe.
 */
public final class ManualTimeSource implements TimeSource {

    private final AtomicLong nanos = new AtomicLong();
    private final long epochMillisAtZero;

    /**
     * Creates a source whose nanosecond reading starts at 0.
     *
     * @param epochMillisAtZero the wall-clock time, in epoch milliseconds, when the nanosecond reading is 0
     */
    public ManualTimeSource(long epochMillisAtZero) {
        this.epochMillisAtZero = epochMillisAtZero;
    }

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    @Override
    public long epochMillis() {
        return epochMillisAtZero + nanos.get() / 1_000_000;
    }

    /**
     * Moves the time forward.
     *
     * @param amount how far; not negative
     * @throws IllegalArgumentException when {@code amount} is negative
     */
    public void add(Duration amount) {
        if (amount.isNegative()) {
            throw new IllegalArgumentException("Time only moves forward, not by " + amount);
        }
        nanos.addAndGet(amount.toNanos());
    }
}
