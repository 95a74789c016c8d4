package io.loadstream.reporter.drift;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * The Theil–Sen slope with Sen's rank-based confidence interval (Sen 1968; Hollander and Wolfe, "Nonparametric
 * Statistical Methods", §9.4). The slope is the median of the slopes of every pair of points, so one outlying point
 * moves it by at most one rank: a single spike window does not make a trend. The interval is read off the sorted pair
 * slopes at the ranks given by the normal approximation of Kendall's S, with its correction for tied values (window
 * percentiles are quantized to 3 significant digits, so ties happen).
 *
 * <p>It assumes the residuals are independent; consecutive windows of a load test are mildly autocorrelated, which
 * makes the interval somewhat too narrow. Cost: O(n² log n) time and O(n²) memory, so callers keep n to a few
 * hundred points (the reporter's bounded timeline holds at most {@code 500} steps). Stateless.
 */
public final class TheilSen {

    /** Fewest points for an estimate: with fewer, the 95% interval spans every pair slope. */
    public static final int MIN_POINTS = 6;

    private static final NormalDistribution NORMAL = new NormalDistribution();

    private TheilSen() {
    }

    /**
     * A slope with its confidence interval, in y units per x unit.
     *
     * @param slope  the median pair slope
     * @param low    lower end of the interval
     * @param high   upper end of the interval
     * @param points how many points it was estimated from
     */
    public record Slope(double slope, double low, double high, int points) {

        /** Whether the interval excludes zero: the series rises or falls at the interval's confidence. */
        public boolean significant() {
            return low > 0 || high < 0;
        }
    }

    /**
     * Estimates the slope of {@code ys} against {@code xs}.
     *
     * @param xs         positions, e.g. hours since the start; pairs with equal x are skipped
     * @param ys         values, as many as {@code xs}
     * @param confidence confidence of the interval, between 0 and 1 exclusive, e.g. 0.95
     * @return the slope, or empty when there are fewer than {@link #MIN_POINTS} points or no two distinct x
     * @throws IllegalArgumentException when the arrays differ in length or the confidence is outside (0, 1)
     */
    public static Optional<Slope> fit(double[] xs, double[] ys, double confidence) {
        if (xs.length != ys.length) {
            throw new IllegalArgumentException("xs has " + xs.length + " values and ys " + ys.length);
        }
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("The confidence is between 0 and 1, not " + confidence);
        }
        int n = xs.length;
        if (n < MIN_POINTS) {
            return Optional.empty();
        }
        double[] slopes = new double[n * (n - 1) / 2];
        int pairs = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double dx = xs[j] - xs[i];
                if (dx != 0) {
                    slopes[pairs++] = (ys[j] - ys[i]) / dx;
                }
            }
        }
        if (pairs == 0) {
            return Optional.empty();
        }
        double[] sorted = Arrays.copyOf(slopes, pairs);
        Arrays.sort(sorted);
        double median = pairs % 2 == 1 ? sorted[pairs / 2] : (sorted[pairs / 2 - 1] + sorted[pairs / 2]) / 2;
        double z = NORMAL.inverseCumulativeProbability(0.5 + confidence / 2);
        double c = z * Math.sqrt(kendallVariance(ys));
        // Ranks of the interval's ends among the sorted pair slopes, 1-based (Hollander and Wolfe, eq. 9.29).
        int lowRank = (int) Math.round((pairs - c) / 2);
        int highRank = (int) Math.round((pairs + c) / 2) + 1;
        double low = sorted[Math.max(0, Math.min(pairs - 1, lowRank - 1))];
        double high = sorted[Math.max(0, Math.min(pairs - 1, highRank - 1))];
        return Optional.of(new Slope(median, Math.min(low, median), Math.max(high, median), n));
    }

    /** Variance of Kendall's S under no trend, corrected for groups of tied values. */
    private static double kendallVariance(double[] ys) {
        int n = ys.length;
        double variance = n * (n - 1.0) * (2.0 * n + 5);
        Map<Double, Integer> ties = new HashMap<>();
        for (double y : ys) {
            ties.merge(y, 1, Integer::sum);
        }
        for (int t : ties.values()) {
            if (t > 1) {
                variance -= t * (t - 1.0) * (2.0 * t + 5);
            }
        }
        return variance / 18;
    }
}
