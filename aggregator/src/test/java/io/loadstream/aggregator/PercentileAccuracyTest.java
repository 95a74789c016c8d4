package io.loadstream.aggregator;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.events.ControlType;
import io.loadstream.events.EndpointTotals;
import io.loadstream.events.EndpointWindow;
import io.loadstream.events.LatencyStats;
import io.loadstream.schemas.LatencyHistograms;
import io.loadstream.schemas.fixtures.EventFixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.apache.commons.math3.stat.ranking.NaNStrategy;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Window and whole-run percentiles from the production topology, against the exact nearest-rank percentile of
 * the raw values (nearest rank computed in integers; the median also against Commons Math's R_1).
 */
class PercentileAccuracyTest {

    private static final int VALUES = 120_000;
    /** Percentiles checked, in tenths of a percent (p50 ... p99.9), so that ranks are computed exactly. */
    private static final int[] PERMILLE = {500, 900, 950, 990, 999};
    private static final int WINDOWS = 3;
    /** A window boundary (a whole minute), and now: test records carry current times. */
    private static final long T0 = EventFixtures.nowMs();
    private static final String RUN = "acc";
    private static final String ENDPOINT = "GET /x";

    @TempDir
    Path stateDir;

    static Stream<Arguments> distributions() {
        return Stream.of(
                Arguments.of("uniform 1 ms to 1 s", sampler(new Random(1), r -> 1_000 + r.nextDouble() * 999_000)),
                Arguments.of("lognormal around 50 ms", sampler(new Random(2),
                        r -> Math.exp(Math.log(50_000) + r.nextGaussian()))),
                Arguments.of("bimodal 10 ms and 800 ms", sampler(new Random(3), r -> r.nextDouble() < 0.8
                        ? 10_000 + r.nextGaussian() * 1_000 : 800_000 + r.nextGaussian() * 50_000)),
                Arguments.of("heavy-tailed Pareto from 5 ms", sampler(new Random(4),
                        r -> 5_000 / Math.pow(1 - r.nextDouble(), 1 / 1.2))));
    }

    private static DoubleSupplier sampler(Random random, java.util.function.ToDoubleFunction<Random> draw) {
        return () -> draw.applyAsDouble(random);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("distributions")
    void windowAndRunPercentilesAreWithinOnePercentOfTheExactOnes(String name, DoubleSupplier latency) {
        // given: latencies in microseconds, spread over three 10 s windows
        long[] values = new long[VALUES];
        List<List<Long>> byWindow = new ArrayList<>();
        for (int w = 0; w < WINDOWS; w++) {
            byWindow.add(new ArrayList<>());
        }
        Map<String, EndpointTotals> complete;
        List<KeyValue<String, EndpointWindow>> windows;
        try (TopologyHarness harness = new TopologyHarness(stateDir, Instant.ofEpochMilli(T0))) {
            harness.send(EventFixtures.started(RUN, T0, 10_000, 2_000), T0);
            for (int i = 0; i < VALUES; i++) {
                values[i] = Math.max(1, Math.min(3_600_000_000L, Math.round(latency.getAsDouble())));
                long at = T0 + (long) i * WINDOWS * 10_000 / VALUES;
                byWindow.get((int) ((at - T0) / 10_000)).add(values[i]);
                harness.send(EventFixtures.ok(RUN, ENDPOINT, at, values[i]));
            }
            // when: the run finishes
            harness.send(EventFixtures.control(RUN, ControlType.FINISHED, T0 + 30_000, 0, 1), T0 + 30_000);
            harness.advanceWallClock(Duration.ofSeconds(4));
            windows = TopologyHarness.drain(harness.windows);
            complete = TopologyHarness.drain(harness.totals).stream().filter(kv -> kv.value.getComplete())
                    .collect(Collectors.toMap(kv -> kv.key, kv -> kv.value));
        }

        // then: whole run, for the endpoint and for *
        for (String endpoint : List.of(ENDPOINT, "*")) {
            EndpointTotals totals = complete.get(RUN + "|" + endpoint);
            assertThat(totals.getStats().getCount()).isEqualTo(VALUES);
            assertWithinOnePercent(name + " run " + endpoint, totals.getStats(), values);
        }
        // and: every window
        assertThat(windows).hasSize(2 * WINDOWS);
        for (KeyValue<String, EndpointWindow> kv : windows) {
            int w = (int) ((kv.value.getWindowStartMs() - T0) / 10_000);
            long[] windowValues = byWindow.get(w).stream().mapToLong(Long::longValue).toArray();
            assertThat(kv.value.getStats().getCount()).isEqualTo(windowValues.length);
            assertWithinOnePercent(name + " window " + w + " " + kv.value.getEndpoint(), kv.value.getStats(),
                    windowValues);
        }
    }

    /**
     * Compares the percentiles read as every reader reads them ({@link LatencyHistograms#percentileUs}, clamped to
     * the exact extremes) with the exact nearest-rank percentile of the raw values: the value of rank ceil(p * N) in
     * sorted order, with the rank computed in integers (Commons Math's R_1 estimate is the same definition, but its
     * floating-point rank lands one higher for p99.9 of 40,000 values, which in a sparse tail moves the value by
     * several percent).
     */
    private static void assertWithinOnePercent(String what, LatencyStats stats, long[] values) {
        var histogram = LatencyHistograms.decode(stats.getHistogram());
        long[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        for (int permille : PERMILLE) {
            long rank = (permille * (long) sorted.length + 999) / 1000;
            double oracle = sorted[(int) rank - 1];
            double measured = LatencyHistograms.percentileUs(histogram, permille / 10.0, stats.getMinUs(),
                    stats.getMaxUs());
            assertThat(Math.abs(measured - oracle) / oracle)
                    .as("%s p%s: histogram %s, exact %s", what, permille / 10.0, measured, oracle)
                    .isLessThanOrEqualTo(0.01);
        }
        // and the median agrees with Commons Math's own estimate as well
        double[] data = java.util.Arrays.stream(values).asDoubleStream().toArray();
        double median = new Percentile().withEstimationType(Percentile.EstimationType.R_1)
                .withNaNStrategy(NaNStrategy.FAILED).evaluate(data, 50);
        double measured = LatencyHistograms.percentileUs(histogram, 50, stats.getMinUs(), stats.getMaxUs());
        assertThat(Math.abs(measured - median) / median).isLessThanOrEqualTo(0.01);
    }
}
