package io.loadstream.reporter.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.loadstream.events.LatencyStats;
import io.loadstream.schemas.LatencyHistograms;
import io.loadstream.schemas.fixtures.EventFixtures;
import java.util.Arrays;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.junit.jupiter.api.Test;

class PhaseStatsTest {

    private static double exactMs(long[] valuesUs, double percentile) {
        double[] values = Arrays.stream(valuesUs).asDoubleStream().toArray();
        return new Percentile().withEstimationType(Percentile.EstimationType.R_1).evaluate(values, percentile) / 1000;
    }

    private static LatencyStats withPhases(long[] latencyUs, long[] serviceUs, long[] ttfbUs) {
        LatencyStats stats = EventFixtures.stats(latencyUs, 0);
        stats.setServiceTimeHistogram(LatencyHistograms.encode(histogram(serviceUs)));
        stats.setTtfbHistogram(LatencyHistograms.encode(histogram(ttfbUs)));
        return stats;
    }

    private static Histogram histogram(long[] valuesUs) {
        Histogram histogram = LatencyHistograms.newHistogram();
        for (long us : valuesUs) {
            histogram.recordValue(us);
        }
        return histogram;
    }

    @Test
    void percentilesOfBothPhasesAreTheExactOnesToOnePartInAThousand() {
        // given: an open model whose requests waited up to 80 ms for their start; 5% got no response
        Random random = new Random(42);
        int n = 5_000;
        long[] latency = new long[n];
        long[] service = new long[n];
        long[] ttfb = new long[n - n / 20];
        for (int i = 0; i < n; i++) {
            service[i] = 1_000 + (long) (Math.exp(random.nextGaussian()) * 30_000);
            latency[i] = service[i] + random.nextInt(80_000);
            if (i < ttfb.length) {
                ttfb[i] = service[i] / 3;
            }
        }
        LatencyStats stats = withPhases(latency, service, ttfb);

        // when
        PhaseStats phases = PhaseStats.of(stats, Stats.of(stats));

        // then
        assertThat(phases.serviceTimeCount()).isEqualTo(n);
        assertThat(phases.timeToFirstByteCount()).isEqualTo(ttfb.length);
        for (double p : new double[] {50, 95, 99}) {
            double exactService = exactMs(service, p);
            double exactTtfb = exactMs(ttfb, p);
            assertThat(phases.serviceTimePercentileMs(p)).as("service p" + p)
                    .isCloseTo(exactService, within(exactService / 1000 + 0.001));
            assertThat(phases.timeToFirstBytePercentileMs(p)).as("ttfb p" + p)
                    .isCloseTo(exactTtfb, within(exactTtfb / 1000 + 0.001));
        }
    }

    @Test
    void inAClosedModelServiceTimeNeverReadsAboveTheLatencyItEquals() {
        // given: service time equal to the latency (no wait for the start), values that fall inside wide buckets
        long[] latency = EventFixtures.spread(997, 462_013, 2_962_013);
        LatencyStats stats = withPhases(latency, latency, latency);
        Stats latencyStats = Stats.of(stats);

        // when
        PhaseStats phases = PhaseStats.of(stats, latencyStats);

        // then: the bucket's rounding up does not put the service time or the TTFB above the latency
        for (double p : new double[] {50, 95, 99, 100}) {
            assertThat(phases.serviceTimePercentileMs(p)).as("p" + p).isLessThanOrEqualTo(latencyStats.percentileMs(p))
                    .isCloseTo(latencyStats.percentileMs(p), within(latencyStats.percentileMs(p) / 1000));
            assertThat(phases.timeToFirstBytePercentileMs(p)).isLessThanOrEqualTo(latencyStats.maxMs());
        }
    }

    @Test
    void statisticsOfAnOlderAggregatorHaveNoPhaseFigures() {
        LatencyStats stats = EventFixtures.stats(EventFixtures.spread(10, 1_000, 2_000), 0);

        PhaseStats phases = PhaseStats.of(stats, Stats.of(stats));

        assertThat(phases.serviceTimeCount()).isEqualTo(-1);
        assertThat(phases.timeToFirstByteCount()).isEqualTo(-1);
        assertThat(phases.serviceTimePercentileMs(95)).isNaN();
        assertThat(phases.timeToFirstBytePercentileMs(95)).isNaN();
    }
}
