package io.loadstream.reporter.trend;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.stat.StatUtils;
import org.apache.commons.math3.stat.inference.TTest;

/**
 * Change points in a series of runs, as Apache Otava (formerly hunter) finds them: E-divisive means (Matteson and
 * James, 2014, with exponent 1) proposes the split of a segment that most separates the distributions of its two
 * sides, and a two-sample Welch t-test (Commons Math) between the two sides accepts it when its p-value is below
 * {@link #DEFAULT_P_VALUE} (Otava's default) and the change of the mean is at least the tolerance; each accepted
 * split is searched again on both sides (binary segmentation). E-divisive makes no assumption on the shape of the
 * distribution, and it is the method the performance teams that Otava serves already trust; the t-test and the
 * magnitude keep it from splitting noise.
 *
 * <p>The values are on the log scale of {@link TrendMetric}, one per run. Each side of a split has at least
 * {@value #MIN_SEGMENT} runs, so a single outlying run is never a change point. Cost: {@code O(n^2)} per accepted
 * split for {@code n} runs.
 */
public final class ChangePoints {

    /** The t-test's p-value below which a split is accepted (Otava's default). */
    public static final double DEFAULT_P_VALUE = 0.001;
    /** Fewest runs on each side of a change point. */
    public static final int MIN_SEGMENT = 2;

    /**
     * A change point.
     *
     * @param index     index of the first run after the change
     * @param logChange mean of the segment after minus the segment before, on the log scale
     * @param pValue    the t-test's two-sided p-value
     */
    public record Change(int index, double logChange, double pValue) {
    }

    private final double pValueThreshold;
    private final double minLogChange;

    /**
     * Configures the detector.
     *
     * @param pValueThreshold a split is accepted when the t-test's p-value is below this, in (0, 1)
     * @param minRelativeChange smallest relative change of the mean accepted, as a fraction (0.1 for 10 %), at
     *                          least 0
     * @throws IllegalArgumentException when a value is out of range
     */
    public ChangePoints(double pValueThreshold, double minRelativeChange) {
        if (!(pValueThreshold > 0 && pValueThreshold < 1) || !(minRelativeChange >= 0)) {
            throw new IllegalArgumentException("Invalid change point settings: p < " + pValueThreshold
                    + ", change ≥ " + minRelativeChange);
        }
        this.pValueThreshold = pValueThreshold;
        this.minLogChange = Math.log1p(minRelativeChange);
    }

    /**
     * Finds the change points of a series.
     *
     * @param series one value per run, in run order, on the log scale
     * @return the change points, by index
     */
    public List<Change> detect(double[] series) {
        List<Change> found = new ArrayList<>();
        split(series, 0, series.length, found);
        found.sort((a, b) -> Integer.compare(a.index(), b.index()));
        return found;
    }

    private void split(double[] x, int from, int to, List<Change> found) {
        int best = bestSplit(x, from, to);
        if (best < 0) {
            return;
        }
        double[] left = Arrays.copyOfRange(x, from, best);
        double[] right = Arrays.copyOfRange(x, best, to);
        double change = StatUtils.mean(right) - StatUtils.mean(left);
        double p = pValue(left, right);
        if (p < pValueThreshold && Math.abs(change) >= minLogChange) {
            found.add(new Change(best, change, p));
            split(x, from, best, found);
            split(x, best, to, found);
        }
    }

    private static double pValue(double[] left, double[] right) {
        double varLeft = StatUtils.variance(left);
        double varRight = StatUtils.variance(right);
        if (varLeft == 0 && varRight == 0) {
            return StatUtils.mean(left) == StatUtils.mean(right) ? 1.0 : 0.0;
        }
        return new TTest().tTest(left, right);
    }

    /**
     * The split of {@code [from, to)} with the largest E-divisive statistic
     * {@code Q = mn/(m+n) * (2/(mn) B - W_left/C(m,2) - W_right/C(n,2))}, where {@code B} sums the distances
     * between the sides and {@code W} those within a side.
     *
     * @return the index of the first value of the right side, or -1 when the segment is too short
     */
    static int bestSplit(double[] x, int from, int to) {
        int length = to - from;
        if (length < 2 * MIN_SEGMENT) {
            return -1;
        }
        // within[t]: sum of |x_i - x_k| over from <= i < k < t; from the right likewise.
        double[] withinLeft = new double[length + 1];
        for (int t = 1; t <= length; t++) {
            double add = 0;
            for (int i = 0; i < t - 1; i++) {
                add += Math.abs(x[from + i] - x[from + t - 1]);
            }
            withinLeft[t] = withinLeft[t - 1] + add;
        }
        double[] withinRight = new double[length + 1];
        for (int t = length - 1; t >= 0; t--) {
            double add = 0;
            for (int k = t + 1; k < length; k++) {
                add += Math.abs(x[from + t] - x[from + k]);
            }
            withinRight[t] = withinRight[t + 1] + add;
        }
        double total = withinLeft[length];
        int best = -1;
        double bestQ = Double.NEGATIVE_INFINITY;
        for (int t = MIN_SEGMENT; t <= length - MIN_SEGMENT; t++) {
            double m = t;
            double n = length - t;
            double between = total - withinLeft[t] - withinRight[t];
            double e = 2 * between / (m * n) - withinLeft[t] / (m * (m - 1) / 2) - withinRight[t] / (n * (n - 1) / 2);
            double q = m * n / (m + n) * e;
            if (q > bestQ) {
                bestQ = q;
                best = from + t;
            }
        }
        return best;
    }
}
