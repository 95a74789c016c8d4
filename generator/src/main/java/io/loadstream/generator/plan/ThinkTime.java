package io.loadstream.generator.plan;

import java.time.Duration;

/**
 * A pause between steps: fixed when {@code min == max}, else drawn uniformly from {@code [min, max]}.
 *
 * @param min shortest pause, not negative
 * @param max longest pause, at least {@code min}
 */
public record ThinkTime(Duration min, Duration max) {

    /** No pause. */
    public static final ThinkTime NONE = new ThinkTime(Duration.ZERO, Duration.ZERO);

    /**
     * Checks the range.
     *
     * @throws IllegalArgumentException when min is negative or max is below min
     */
    public ThinkTime {
        if (min.isNegative() || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("A think time needs 0 <= min <= max, not " + min + ".." + max);
        }
    }

    /** A fixed pause. */
    public static ThinkTime fixed(Duration pause) {
        return new ThinkTime(pause, pause);
    }

    /** Whether there is no pause at all. */
    public boolean isNone() {
        return max.isZero();
    }
}
