package io.loadstream.demo;

import java.util.random.RandomGenerator;

/**
 * The service time of one endpoint, in milliseconds: a lognormal body with the given median and 95th percentile,
 * plus rare slow outliers drawn uniformly between the 95th percentile and the maximum, all clamped to
 * [{@code minMs}, {@code maxMs}]. Queueing in the worker pool comes on top of it.
 *
 * @param minMs       the shortest service time, ms, at least 0
 * @param medianMs    the median of the lognormal body, ms, within [minMs, maxMs]
 * @param p95Ms       the 95th percentile of the lognormal body, ms, within [medianMs, maxMs]
 * @param maxMs       the longest service time, ms
 * @param outlierRate the probability, 0 to 1, that a request is a slow outlier instead of a draw from the body
 */
public record LatencyProfile(double minMs, double medianMs, double p95Ms, double maxMs, double outlierRate) {

    /** The standard normal's 95th percentile. */
    private static final double Z95 = 1.6448536269514722;

    /** Checks that the values are ordered and finite. */
    public LatencyProfile {
        if (!(minMs >= 0 && minMs <= medianMs && medianMs <= p95Ms && p95Ms <= maxMs && Double.isFinite(maxMs))) {
            throw new IllegalArgumentException("A latency profile needs 0 <= min <= median <= p95 <= max, not "
                    + minMs + ", " + medianMs + ", " + p95Ms + ", " + maxMs + ".");
        }
        if (!(outlierRate >= 0 && outlierRate <= 1)) {
            throw new IllegalArgumentException("The outlier rate must be between 0 and 1, not " + outlierRate + ".");
        }
    }

    /** A profile whose every service time is exactly {@code ms} milliseconds. */
    public static LatencyProfile fixed(double ms) {
        return new LatencyProfile(ms, ms, ms, ms, 0);
    }

    /** Whether every service time is the same. */
    public boolean isFixed() {
        return minMs == maxMs;
    }

    /** The lognormal body's sigma (of the logarithm), from its median and 95th percentile. */
    public double sigma() {
        return medianMs == 0 ? 0 : Math.log(p95Ms / medianMs) / Z95;
    }

    /**
     * Draws one service time.
     *
     * @param random the source of randomness (not shared between threads without a lock)
     * @return the service time, ms, within [minMs, maxMs]
     */
    public double sampleMs(RandomGenerator random) {
        if (isFixed()) {
            return minMs;
        }
        double ms;
        if (outlierRate > 0 && random.nextDouble() < outlierRate) {
            ms = p95Ms + random.nextDouble() * (maxMs - p95Ms);
        } else {
            ms = medianMs * Math.exp(sigma() * random.nextGaussian());
        }
        return Math.max(minMs, Math.min(maxMs, ms));
    }
}
