package io.loadstream.generator.time;

/**
 * Where the generator reads time: a monotonic nanosecond counter for pacing and latency, and the wall clock for
 * the epoch timestamps written into events. Tests supply a {@link ManualTimeSource} and move it explicitly.
 */
public interface TimeSource {

    /** The system's clocks: {@link System#nanoTime()} and {@link System#currentTimeMillis()}. */
    TimeSource SYSTEM = new TimeSource() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public long epochMillis() {
            return System.currentTimeMillis();
        }
    };

    /**
     * A monotonic time in nanoseconds, meaningful only as a difference to another reading of the same source.
     *
     * @return the current reading, in nanoseconds
     */
    long nanoTime();

    /**
     * The wall-clock time.
     *
     * @return milliseconds since the epoch
     */
    long epochMillis();
}
