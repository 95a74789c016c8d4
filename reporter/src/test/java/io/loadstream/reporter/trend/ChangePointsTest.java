package io.loadstream.reporter.trend;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

class ChangePointsTest {

    private final ChangePoints detector = new ChangePoints(ChangePoints.DEFAULT_P_VALUE, 0.10);
    private final Well19937c random = new Well19937c(42);

    private double[] noise(int n, double sd) {
        return IntStream.range(0, n).mapToDouble(i -> sd * random.nextGaussian()).toArray();
    }

    @Test
    void aStepOfTwentyPercentIsFoundAtTheFirstRunAfterIt() {
        double[] series = noise(30, 0.03);
        for (int i = 18; i < series.length; i++) {
            series[i] += Math.log(1.2);
        }

        assertThat(detector.detect(series)).singleElement().satisfies(change -> {
            assertThat(change.index()).isEqualTo(18);
            assertThat(Math.expm1(change.logChange())).isBetween(0.15, 0.25);
            assertThat(change.pValue()).isLessThan(ChangePoints.DEFAULT_P_VALUE);
        });
    }

    @Test
    void pureNoiseHasNoChangePoint() {
        for (int trial = 0; trial < 20; trial++) {
            assertThat(detector.detect(noise(40, 0.05))).as("trial " + trial).isEmpty();
        }
    }

    @Test
    void aSingleOutlyingRunIsNoChangePoint() {
        double[] series = noise(30, 0.03);
        series[15] += Math.log(2);

        assertThat(detector.detect(series)).isEmpty();
    }

    @Test
    void aStepBelowTheToleranceIsIgnored() {
        double[] series = new double[20];
        for (int i = 10; i < 20; i++) {
            series[i] = Math.log(1.05);
        }

        assertThat(detector.detect(series)).isEmpty();
        assertThat(new ChangePoints(ChangePoints.DEFAULT_P_VALUE, 0.01).detect(series))
                .extracting(ChangePoints.Change::index).containsExactly(10);
    }
}
