package io.loadstream.reporter.trend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

class ModeratedVarianceTest {

    private static final int COUNT = 4_000;
    private static final double DF = 4;

    // Sample variances with DF degrees of freedom around true variances drawn from a scaled inverse chi-square prior
    // (priorDf, priorVariance), or all equal to priorVariance when priorDf is infinite.
    private static double[] sampleVariances(double priorDf, double priorVariance, long seed) {
        Well19937c random = new Well19937c(seed);
        ChiSquaredDistribution sampling = new ChiSquaredDistribution(random, DF);
        ChiSquaredDistribution prior = Double.isInfinite(priorDf) ? null : new ChiSquaredDistribution(random, priorDf);
        double[] variances = new double[COUNT];
        for (int i = 0; i < COUNT; i++) {
            double truth = prior == null ? priorVariance : priorDf * priorVariance / prior.sample();
            variances[i] = truth * sampling.sample() / DF;
        }
        return variances;
    }

    private static double[] dfs(int count) {
        double[] dfs = new double[count];
        Arrays.fill(dfs, DF);
        return dfs;
    }

    @Test
    void recoversTheKnownPriorOfManySampleVariances() {
        double[] variances = sampleVariances(10, 4e-4, 1);

        ModeratedVariance fitted = ModeratedVariance.fit(variances, dfs(COUNT));

        assertThat(fitted.priorDf()).isBetween(7.0, 14.0);
        assertThat(fitted.priorVariance()).isCloseTo(4e-4, within(0.4e-4));
        // the moderated variance lies between the sample variance and the prior's, weighted by their dfs
        assertThat(fitted.moderate(1e-3, DF)).isCloseTo(
                (fitted.priorDf() * fitted.priorVariance() + DF * 1e-3) / (fitted.priorDf() + DF), within(1e-12))
                .isBetween(fitted.priorVariance(), 1e-3);
        assertThat(fitted.moderatedDf(DF)).isEqualTo(fitted.priorDf() + DF);
    }

    @Test
    void variancesThatDifferOnlyByChanceShareTheCommonValue() {
        double[] variances = sampleVariances(Double.POSITIVE_INFINITY, 9e-4, 2);

        ModeratedVariance fitted = ModeratedVariance.fit(variances, dfs(COUNT));

        // a chi-square spread alone: the prior is (nearly) exact, every variance becomes the common one
        assertThat(fitted.priorDf()).isGreaterThan(100).isLessThanOrEqualTo(COUNT * DF);
        assertThat(fitted.priorVariance()).isCloseTo(9e-4, within(0.5e-4));
        assertThat(fitted.moderate(1e-2, DF)).isCloseTo(9e-4, within(2e-4));
    }

    @Test
    void variancesThatTrulyDifferKeepMostlyTheirOwn() {
        double[] variances = sampleVariances(1.5, 4e-4, 3);

        ModeratedVariance fitted = ModeratedVariance.fit(variances, dfs(COUNT));

        assertThat(fitted.priorDf()).isBetween(0.8, 2.5);
        assertThat(fitted.moderate(1e-2, DF)).isGreaterThan(0.5e-2);
    }

    @Test
    void aPriorFittedFromFewVariancesCountsForNoMoreThanTheirDegreesOfFreedom() {
        ModeratedVariance fitted = ModeratedVariance.fit(new double[] {1e-4, 1.1e-4, 0.9e-4}, new double[] {1, 1, 1});

        assertThat(fitted.priorDf()).isEqualTo(3);
        assertThat(fitted.moderatedDf(1)).isEqualTo(4);
    }

    @Test
    void tooFewVariancesAreNotModerated() {
        ModeratedVariance none = ModeratedVariance.fit(new double[] {1e-4, 2e-4, 0}, new double[] {4, 4, 4});

        assertThat(none).isEqualTo(ModeratedVariance.NONE);
        assertThat(none.moderate(3e-4, 4)).isEqualTo(3e-4);
        assertThat(none.moderatedDf(4)).isEqualTo(4);
    }
}
