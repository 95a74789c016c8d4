package io.loadstream.reporter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that tests move: it stands still until {@link #add(Duration)}, or moves by a fixed step each time it is
 * read ({@link #stepping(long, Duration)}), so that waits of minutes pass in a few reads, with no sleep. UTC;
 * thread-safe.
 */
public final class TestClock extends Clock {

    private final AtomicLong millis;
    private final long stepMs;

    private TestClock(long startMs, long stepMs) {
        this.millis = new AtomicLong(startMs);
        this.stepMs = stepMs;
    }

    /**
     * A clock that stands still.
     *
     * @param startMs its time, epoch milliseconds
     * @return the clock
     */
    public static TestClock at(long startMs) {
        return new TestClock(startMs, 0);
    }

    /**
     * A clock that moves by {@code step} each time it is read.
     *
     * @param startMs its time before the first read, epoch milliseconds
     * @param step    how far each read moves it
     * @return the clock
     */
    public static TestClock stepping(long startMs, Duration step) {
        return new TestClock(startMs, step.toMillis());
    }

    /**
     * Moves the clock forward.
     *
     * @param duration how far
     */
    public void add(Duration duration) {
        millis.addAndGet(duration.toMillis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public long millis() {
        return millis.addAndGet(stepMs);
    }
}
