package io.loadstream.reporter.timeline;

/**
 * Shortens a series to at most a given number of points by averaging consecutive groups of equal size. For
 * quantities whose mean is meaningful (memory, CPU), never for percentiles (those are merged from histograms).
 * Stateless.
 */
public final class Downsample {

    private Downsample() {
    }

    /**
     * A series of points.
     *
     * @param xs positions
     * @param ys values
     */
    public record Series(double[] xs, double[] ys) {
    }

    /**
     * Averages consecutive groups of ⌈n / maxPoints⌉ points.
     *
     * @param xs        positions, in order
     * @param ys        values, as many as {@code xs}
     * @param maxPoints the most points returned, at least 1
     * @return the series itself when it is short enough, else the group means of x and of y
     * @throws IllegalArgumentException when the arrays differ in length or {@code maxPoints} is below 1
     */
    public static Series means(double[] xs, double[] ys, int maxPoints) {
        if (xs.length != ys.length || maxPoints < 1) {
            throw new IllegalArgumentException("Need arrays of equal length and maxPoints >= 1, not " + xs.length
                    + "/" + ys.length + " and " + maxPoints);
        }
        int n = xs.length;
        if (n <= maxPoints) {
            return new Series(xs.clone(), ys.clone());
        }
        int group = (n + maxPoints - 1) / maxPoints;
        int count = (n + group - 1) / group;
        double[] gx = new double[count];
        double[] gy = new double[count];
        for (int g = 0; g < count; g++) {
            int from = g * group;
            int to = Math.min(n, from + group);
            double sx = 0;
            double sy = 0;
            for (int i = from; i < to; i++) {
                sx += xs[i];
                sy += ys[i];
            }
            gx[g] = sx / (to - from);
            gy[g] = sy / (to - from);
        }
        return new Series(gx, gy);
    }
}
