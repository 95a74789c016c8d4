package io.loadstream.reporter.trend;

import org.apache.commons.math3.analysis.solvers.BrentSolver;
import org.apache.commons.math3.special.Gamma;

/**
 * Empirical Bayes moderation of many small-sample variances (Smyth, 2004, "Linear models and empirical Bayes
 * methods for assessing differential expression in microarray experiments", the method of limma's
 * {@code squeezeVar}).
 *
 * <p>Why: the run-to-run spread of one figure of one endpoint is measured from at most five baseline runs, four
 * degrees of freedom, so it is often far too large or too small by chance. The same figure of the other endpoints
 * of the plan gives dozens more such spreads. Their distribution is fitted by a scaled inverse chi-square prior
 * ({@code d0} degrees of freedom around {@code s0^2}), by the method of moments on the log variances (digamma and
 * trigamma from Commons Math); each spread is then replaced by the weighted mean
 * {@code (d0 s0^2 + d s^2) / (d0 + d)}, which is as if it had {@code d0 + d} degrees of freedom. When the endpoints'
 * spreads differ more than chance explains, {@code d0} is small and each keeps mostly its own spread; when they
 * agree, {@code d0} is large and each borrows the common one. A t-test with the moderated spread has
 * {@code d0 + d} degrees of freedom and keeps its size under the prior's assumption.
 *
 * @param priorDf       {@code d0}, the prior's degrees of freedom: 0 for no moderation (too few variances to fit);
 *                      at most the sum of the fitted variances' degrees of freedom (reached when they differ by no
 *                      more than chance explains)
 * @param priorVariance {@code s0^2}, the prior's variance (0 when {@code priorDf} is 0)
 */
record ModeratedVariance(double priorDf, double priorVariance) {

    /** Fewest variances a prior is fitted from: with two, their spread says next to nothing. */
    static final int MIN_VARIANCES = 3;

    /** No moderation: each variance stays its own. */
    static final ModeratedVariance NONE = new ModeratedVariance(0, 0);

    private static final double SOLVER_ACCURACY = 1e-10;
    private static final int SOLVER_EVALUATIONS = 500;

    /**
     * Fits the prior to sample variances.
     *
     * @param variances sample variances; those that are not positive and finite, or whose degrees of freedom are not
     *                  positive, are left out of the fit
     * @param dfs       each variance's degrees of freedom
     * @return the prior, {@link #NONE} when fewer than {@link #MIN_VARIANCES} variances are usable
     * @throws IllegalArgumentException when the arrays differ in length
     */
    static ModeratedVariance fit(double[] variances, double[] dfs) {
        if (variances.length != dfs.length) {
            throw new IllegalArgumentException(variances.length + " variances but " + dfs.length + " dfs");
        }
        int n = 0;
        double[] e = new double[variances.length];
        double meanTrigamma = 0;
        double dataDf = 0;
        for (int i = 0; i < variances.length; i++) {
            if (variances[i] > 0 && Double.isFinite(variances[i]) && dfs[i] > 0) {
                // log s^2 of a scaled chi-square has the mean log(sigma^2) + digamma(d/2) - log(d/2)
                e[n++] = Math.log(variances[i]) - Gamma.digamma(dfs[i] / 2) + Math.log(dfs[i] / 2);
                meanTrigamma += Gamma.trigamma(dfs[i] / 2);
                dataDf += dfs[i];
            }
        }
        if (n < MIN_VARIANCES) {
            return NONE;
        }
        meanTrigamma /= n;
        double mean = 0;
        for (int i = 0; i < n; i++) {
            mean += e[i];
        }
        mean /= n;
        double sumSquares = 0;
        for (int i = 0; i < n; i++) {
            sumSquares += (e[i] - mean) * (e[i] - mean);
        }
        // The spread of the log variances beyond what their own sampling explains is the prior's: trigamma(d0/2).
        // The prior never counts for more degrees of freedom than the variances it was fitted from: with a few
        // endpoints, limma's infinite d0 (all alike) would treat a common value measured from a handful of runs as
        // exact.
        double excess = sumSquares / (n - 1) - meanTrigamma;
        if (excess <= 1e-12) {
            return new ModeratedVariance(dataDf, Math.exp(mean));
        }
        double half = inverseTrigamma(excess);
        return new ModeratedVariance(Math.min(2 * half, dataDf),
                Math.exp(mean + Gamma.digamma(half) - Math.log(half)));
    }

    // trigamma decreases from +infinity to 0 over (0, infinity), so the root is unique; trigamma(y) ~ 1/y for large y.
    private static double inverseTrigamma(double value) {
        double high = 2 / value + 10;
        return new BrentSolver(SOLVER_ACCURACY).solve(SOLVER_EVALUATIONS, y -> Gamma.trigamma(y) - value, 1e-8,
                high);
    }

    /**
     * The moderated variance.
     *
     * @param variance the sample variance
     * @param df       its degrees of freedom, at least 0 (0: the prior alone)
     * @return {@code (d0 s0^2 + d s^2) / (d0 + d)}; the sample variance when there is no prior
     */
    double moderate(double variance, double df) {
        if (priorDf + df <= 0) {
            return variance;
        }
        return (priorDf * priorVariance + df * variance) / (priorDf + df);
    }

    /**
     * The degrees of freedom of a moderated variance.
     *
     * @param df the sample variance's own degrees of freedom
     * @return {@code d0 + d}
     */
    double moderatedDf(double df) {
        return priorDf + df;
    }
}
