package io.loadstream.reporter.trend;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.reporter.archive.ArchivedWindow;
import io.loadstream.schemas.LatencyHistograms;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

class WindowBootstrapTest {

    private final List<ArchivedWindow> windows = new SyntheticRuns(7, 12, 150, 0.02, 0.05, 50)
            .windows(40, 0, 0, 0.02, 1_000_000);

    @Test
    void aResampleReadsTheSamePercentilesAsTheMergedHdrHistogram() {
        int[][] selections = {{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, {3, 3, 4, 4, 11}, {7}, {0, 11, 0, 11, 5}};
        WindowBootstrap bootstrap = new WindowBootstrap(windows);
        for (int[] selection : selections) {
            Histogram merged = LatencyHistograms.newHistogram();
            long min = Long.MAX_VALUE;
            long max = 0;
            long count = 0;
            long errors = 0;
            long coveredMs = 0;
            for (int w : selection) {
                merged.add(windows.get(w).decodeHistogram());
                min = Math.min(min, windows.get(w).minUs());
                max = Math.max(max, windows.get(w).maxUs());
                count += windows.get(w).count();
                errors += windows.get(w).errors();
                coveredMs += windows.get(w).coveredMs();
            }

            Map<TrendMetric, Double> figures = bootstrap.figures(selection);

            for (TrendMetric metric : List.of(TrendMetric.P50_MS, TrendMetric.P90_MS, TrendMetric.P95_MS,
                    TrendMetric.P99_MS)) {
                assertThat(figures.get(metric)).as(metric.name())
                        .isEqualTo(LatencyHistograms.percentileUs(merged, metric.percentile(), min, max) / 1000.0);
            }
            assertThat(figures.get(TrendMetric.ERROR_RATE)).isEqualTo((double) errors / count);
            assertThat(figures.get(TrendMetric.RPS)).isEqualTo(count * 1000.0 / coveredMs);
        }
    }

    @Test
    void theStandardErrorGrowsWithTheSpreadBetweenWindows() {
        List<ArchivedWindow> calm = new SyntheticRuns(3, 30, 200, 0, 0.0, 50).windows(40, 0, 0, 0, 0);
        List<ArchivedWindow> wavy = new SyntheticRuns(3, 30, 200, 0, 0.15, 50).windows(40, 0, 0, 0, 0);

        double calmSe = new WindowBootstrap(calm).estimate(new EnumMap<>(TrendMetric.class), 200,
                new Well19937c(1)).get(TrendMetric.P50_MS).logSe();
        double wavySe = new WindowBootstrap(wavy).estimate(new EnumMap<>(TrendMetric.class), 200,
                new Well19937c(1)).get(TrendMetric.P50_MS).logSe();

        assertThat(calmSe).isPositive();
        assertThat(wavySe).isGreaterThan(2 * calmSe);
    }

    @Test
    void oneWindowGivesNoWithinRunSpreadAndThePointFigureIsKept() {
        Map<TrendMetric, Double> points = new EnumMap<>(TrendMetric.class);
        points.put(TrendMetric.P99_MS, 123.0);

        Map<TrendMetric, Estimate> estimates = new WindowBootstrap(windows.subList(0, 1)).estimate(points, 10,
                new Well19937c(1));

        assertThat(estimates.get(TrendMetric.P99_MS)).isEqualTo(new Estimate(123.0, 0, 123.0, 123.0));
        assertThat(estimates.get(TrendMetric.P50_MS).logSe()).isZero();
    }

    @Test
    void blocksGrowAsTheCubeRootOfTheWindowCount() {
        assertThat(WindowBootstrap.blockLength(1)).isEqualTo(1);
        assertThat(WindowBootstrap.blockLength(8)).isEqualTo(2);
        assertThat(WindowBootstrap.blockLength(30)).isEqualTo(4);
        assertThat(WindowBootstrap.blockLength(360)).isEqualTo(8);
    }
}
