package io.loadstream.reporter.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.loadstream.events.LatencyStats;
import io.loadstream.reporter.run.TimelinePoint;
import io.loadstream.reporter.stats.Stats;
import io.loadstream.schemas.fixtures.EventFixtures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.junit.jupiter.api.Test;

/** The bounded timeline: merged steps are exact (against the raw values), bounded, and the recent windows kept. */
class BoundedTimelineTest {

    private static final long WINDOW_MS = 1_000;

    private static double nearestRankMs(List<long[]> parts, double p) {
        double[] values = parts.stream().flatMapToLong(Arrays::stream).asDoubleStream().toArray();
        return new Percentile().withEstimationType(Percentile.EstimationType.R_1).evaluate(values, p) / 1000.0;
    }

    @Test
    void mergesWindowsExactlyIntoCoarserStepsAsTheRunGrows() {
        BoundedTimeline timeline = new BoundedTimeline(8, 5);
        long start = EventFixtures.nowMs();
        Random random = new Random(3);
        List<long[]> raw = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            // Each window its own level, so that averaging percentiles would differ from merging histograms.
            long[] latencies = random.longs(50 + random.nextInt(200), 1_000, 5_000 + 20_000L * (i % 7)).toArray();
            raw.add(latencies);
            LatencyStats stats = EventFixtures.stats(latencies, 0);
            timeline.add("GET /x", start + i * WINDOW_MS, start + (i + 1) * WINDOW_MS, stats, Stats.of(stats));
        }

        List<TimelinePoint> whole = timeline.whole();
        // 100 windows in at most 8 steps: the step doubled to 16 windows.
        assertThat(timeline.stepMs()).isEqualTo(16 * WINDOW_MS);
        assertThat(whole).hasSize(7);
        assertThat(whole.stream().mapToLong(TimelinePoint::requests).sum())
                .isEqualTo(raw.stream().mapToLong(r -> r.length).sum());
        for (TimelinePoint point : whole) {
            int from = (int) ((point.windowStartMs() - start) / WINDOW_MS);
            int to = (int) ((point.windowEndMs() - start) / WINDOW_MS);
            List<long[]> parts = raw.subList(from, to);
            for (double p : new double[] {50, 95, 99}) {
                double expected = nearestRankMs(parts, p);
                double actual = p == 50 ? point.p50Ms() : p == 95 ? point.p95Ms() : point.p99Ms();
                // HdrHistogram keeps 3 significant digits.
                assertThat(actual).as("p%s of windows %s..%s", p, from, to).isCloseTo(expected,
                        within(expected * 0.001 + 0.001));
            }
            long count = parts.stream().mapToLong(r -> r.length).sum();
            assertThat(point.rps()).isCloseTo(count / ((to - from) * WINDOW_MS / 1000.0), within(1e-9));
        }
        assertThat(timeline.recent()).hasSize(5).extracting(TimelinePoint::windowStartMs)
                .containsExactly(start + 95_000, start + 96_000, start + 97_000, start + 98_000, start + 99_000);
    }

    @Test
    void everyEndpointSharesTheStepSoThatTheChartsAlign() {
        BoundedTimeline timeline = new BoundedTimeline(4, 2);
        long start = EventFixtures.nowMs();
        LatencyStats stats = EventFixtures.stats(EventFixtures.spread(10, 1_000, 2_000), 0);
        for (int i = 0; i < 20; i++) {
            timeline.add("busy", start + i * WINDOW_MS, start + (i + 1) * WINDOW_MS, stats, Stats.of(stats));
            if (i % 5 == 0) {
                timeline.add("quiet", start + i * WINDOW_MS, start + (i + 1) * WINDOW_MS, stats, Stats.of(stats));
            }
        }

        assertThat(timeline.steps("busy")).hasSizeLessThanOrEqualTo(4);
        // A quiet endpoint's step holds windows of one aligned step only, the same as the busy one's.
        assertThat(timeline.steps("quiet")).allSatisfy(step ->
                assertThat((step.endMs() - 1 - start) / timeline.stepMs())
                        .isEqualTo((step.startMs() - start) / timeline.stepMs()));
        assertThat(timeline.steps("quiet").stream().mapToLong(s -> s.stats().getCount()).sum()).isEqualTo(40);
    }

    @Test
    void seesEachWindowOnce() {
        WindowSet seen = new WindowSet();
        long start = EventFixtures.nowMs();

        assertThat(seen.add(start, start + 10_000)).isTrue();
        assertThat(seen.add(start + 10_000, start + 20_000)).isTrue();
        assertThat(seen.add(start, start + 10_000)).isFalse();
        assertThat(seen.add(start - 10_000, start)).isTrue();
        assertThat(seen.add(start - 10_000, start)).isFalse();
        assertThat(seen.add(start + 5_000, start + 15_000)).isTrue();
    }

    @Test
    void keepsThePeakOfEachPeriodInBoundedSlots() {
        PeakSeries vus = new PeakSeries(16);
        long start = EventFixtures.nowMs() / 1000 * 1000;
        for (int s = 0; s < 100; s++) {
            vus.put(start + s * 1000L, s < 50 ? 10 : 20);
        }

        assertThat(vus.maxBetween(start, start + 40_000)).isEqualTo(10);
        assertThat(vus.maxBetween(start + 60_000, start + 100_000)).isEqualTo(20);
        assertThat(vus.maxBetween(start + 200_000, start + 300_000)).isEqualTo(-1);
    }
}
