package io.loadstream.reporter.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.loadstream.reporter.run.TimelinePoint;
import io.loadstream.schemas.fixtures.EventFixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Drift on synthetic timelines whose slope is known: the slope is recovered, pure noise is flat, one spike does not
 * make a trend, and a growing target memory becomes a finding.
 */
class DriftAnalysisTest {

    private static final long WINDOW_MS = 10_000;
    private static final double HOURS_PER_MS = 1 / 3_600_000.0;

    /** A 2 h run of 10 s windows: p95 = base + slope × hours + noise, p99 = 1.5 × p95. */
    private static List<TimelinePoint> timeline(long startMs, double baseMs, double slopeMsPerHour, double noiseMs,
                                                long seed) {
        Random random = new Random(seed);
        List<TimelinePoint> points = new ArrayList<>();
        for (int i = 0; i < 720; i++) {
            long at = startMs + i * WINDOW_MS;
            double p95 = baseMs + slopeMsPerHour * (at - startMs) * HOURS_PER_MS + noiseMs * random.nextGaussian();
            points.add(new TimelinePoint(at, at + WINDOW_MS, "GET /x", 500, 0, p95 / 2, p95, p95 * 1.5, p95 * 2,
                    50));
        }
        return points;
    }

    @Test
    void recoversKnownLatencySlopesWithinTenPercent() {
        long start = EventFixtures.nowMs();
        for (double slope : new double[] {5, 40, 200}) {
            List<TimelinePoint> points = timeline(start, 100, slope, 8, 7);

            DriftReport drift = DriftAnalysis.analyse(points, List.of(), start, start + 720 * WINDOW_MS);

            DriftReport.EndpointDrift x = drift.endpoints().get("GET /x");
            assertThat(x.p95().slope()).as("p95 slope for %s ms/h", slope).isCloseTo(slope, within(slope * 0.10));
            assertThat(x.p99().slope()).as("p99 slope").isCloseTo(1.5 * slope, within(1.5 * slope * 0.10));
            assertThat(x.p95().low()).isLessThanOrEqualTo(slope);
            assertThat(x.p95().high()).isGreaterThanOrEqualTo(slope);
            assertThat(x.significant()).isTrue();
        }
    }

    @Test
    void leavesTheWarmupOutOfTheSlope() {
        long start = EventFixtures.nowMs();
        List<TimelinePoint> points = new ArrayList<>(timeline(start, 100, 0, 2, 3));
        // The first 10 minutes (the warm-up of a 2 h run is 12 min) are slow: caches still cold.
        points.replaceAll(p -> p.windowStartMs() < start + 600_000
                ? new TimelinePoint(p.windowStartMs(), p.windowEndMs(), p.endpoint(), p.requests(), 0, 200, 400,
                600, 800, 50) : p);

        DriftReport drift = DriftAnalysis.analyse(points, List.of(), start, start + 720 * WINDOW_MS);

        assertThat(drift.warmupMs()).isEqualTo(720_000);
        assertThat(drift.endpoints().get("GET /x").significant()).isFalse();
        assertThat(drift.findings()).isEmpty();
    }

    @Test
    void declaresPureNoiseFlat() {
        long start = EventFixtures.nowMs();
        int significant = 0;
        for (long seed = 1; seed <= 20; seed++) {
            DriftReport drift = DriftAnalysis.analyse(timeline(start, 100, 0, 10, seed), List.of(), start,
                    start + 720 * WINDOW_MS);
            TheilSen.Slope p95 = drift.endpoints().get("GET /x").p95();
            assertThat(Math.abs(p95.slope())).as("seed %s", seed).isLessThan(5);
            if (p95.significant()) {
                significant++;
            }
            assertThat(drift.findings()).as("seed %s", seed).isEmpty();
        }
        // A 95% interval excludes the true slope 0 in about 1 series of 20.
        assertThat(significant).isLessThanOrEqualTo(3);
    }

    @Test
    void oneSpikeWindowDoesNotMakeASlope() {
        long start = EventFixtures.nowMs();
        List<TimelinePoint> points = new ArrayList<>(timeline(start, 100, 0, 3, 11));
        // The last window (where a least-squares line is most sensitive) is 50 times slower.
        TimelinePoint last = points.get(points.size() - 1);
        points.set(points.size() - 1, new TimelinePoint(last.windowStartMs(), last.windowEndMs(), last.endpoint(),
                last.requests(), 0, 2_500, 5_000, 7_500, 10_000, 50));

        DriftReport drift = DriftAnalysis.analyse(points, List.of(), start, start + 720 * WINDOW_MS);

        TheilSen.Slope p95 = drift.endpoints().get("GET /x").p95();
        assertThat(Math.abs(p95.slope())).isLessThan(1.5);
        assertThat(drift.findings()).isEmpty();
    }

    @Test
    void growingTargetMemoryIsAFindingWithItsInterval() {
        long start = EventFixtures.nowMs();
        Random random = new Random(5);
        List<DriftAnalysis.HostSample> samples = new ArrayList<>();
        for (int i = 0; i < 720; i++) {
            long at = start + i * WINDOW_MS;
            double hours = i * WINDOW_MS * HOURS_PER_MS;
            samples.add(new DriftAnalysis.HostSample("api-1", "TARGET", at, 2_000 + 38 * hours
                    + 4 * random.nextGaussian(), 40 + random.nextGaussian()));
            samples.add(new DriftAnalysis.HostSample("gen-1", "GENERATOR", at, 1_000 + 4 * random.nextGaussian(),
                    20 + random.nextGaussian()));
        }

        DriftReport drift = DriftAnalysis.analyse(List.of(), samples, start, start + 720 * WINDOW_MS);

        DriftReport.HostDrift target = drift.hosts().get("api-1");
        assertThat(target.memory().slope()).isCloseTo(38, within(3.8));
        assertThat(target.significant()).isTrue();
        assertThat(Math.abs(target.cpu().slope())).isLessThan(1);
        assertThat(drift.hosts().get("gen-1").significant()).isFalse();
        assertThat(drift.findings()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo("drift");
            assertThat(f.host()).isEqualTo("api-1");
            assertThat(f.evidence()).startsWith("target memory grows 3").contains("MB/h (95% CI ")
                    .contains("possible leak");
            assertThat(f.low()).isLessThan(38).isGreaterThan(30);
            assertThat(f.high()).isGreaterThan(38).isLessThan(46);
        });
    }

    @Test
    void aGeneratorAndAnAgentOnOneHostKeepTwoFlatMemorySeries() {
        // given: one host with a generator (its process: ~300 MiB) and an agent (the host: ~6,000 MiB), both flat,
        // sampled in the same seconds
        long start = EventFixtures.nowMs();
        Random random = new Random(6);
        List<DriftAnalysis.HostSample> samples = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            long at = start + i * WINDOW_MS;
            samples.add(new DriftAnalysis.HostSample("vm", "GENERATOR", at, 300 + 4 * random.nextGaussian(), 20));
            samples.add(new DriftAnalysis.HostSample("vm", "TARGET", at + 1, 6_000 + 4 * random.nextGaussian(), 40));
        }

        DriftReport drift = DriftAnalysis.analyse(List.of(), samples, start, start + 120 * WINDOW_MS);

        // then: two series, each flat, and no finding (mixed, the pairs across them made slopes of millions)
        assertThat(drift.hosts()).containsOnlyKeys("vm (generator)", "vm (target)");
        drift.hosts().values().forEach(h -> assertThat(Math.abs(h.memory().slope())).isLessThan(50));
        assertThat(drift.findings()).isEmpty();
    }

    @Test
    void tooFewWindowsAfterTheWarmupGiveNoSlope() {
        long start = EventFixtures.nowMs();
        List<TimelinePoint> points = timeline(start, 100, 50, 1, 1).subList(0, 7);

        DriftReport drift = DriftAnalysis.analyse(points, List.of(), start, start + 70_000);

        // 70 s run: the warm-up of a quarter (17.5 s) leaves 5 windows, one fewer than a slope needs.
        assertThat(drift.warmupMs()).isEqualTo(17_500);
        assertThat(drift.endpoints().get("GET /x").p95()).isNull();
        assertThat(drift.endpoints().get("GET /x").significant()).isFalse();
        assertThat(drift.worstSlope(List.of("GET /x"), false)).isEmpty();
    }
}
