package io.loadstream.generator.progress;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.events.ErrorClass;
import io.loadstream.events.RequestTiming;
import io.loadstream.generator.executor.RequestSink;
import io.loadstream.generator.plan.Redactor;
import io.loadstream.schemas.LatencyHistograms;
import io.loadstream.schemas.fixtures.EventFixtures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.junit.jupiter.api.Test;

/** The run's counters and their progress line, against the raw latencies recorded. */
class RunStatsTest {

    private static final long SLOW_MS = 1_000;

    @Test
    void intervalHistogramHasTheWireLayoutAndCountsEveryRequestOnce() {
        // given: 1,000 latencies from 1 ms to 2 s, one error in ten, one beyond the tracked hour, through the
        // publisher's two steps: the request loop's counting sink, then the publisher thread's recording
        List<RequestTiming> sent = new ArrayList<>();
        RunStats stats = new RunStats(SLOW_MS, Redactor.NONE);
        RequestSink sink = stats.countingInto(sent::add);
        long[] latenciesUs = EventFixtures.spread(1_000, 1_000, 2_000_000);
        long nowMs = EventFixtures.nowMs();
        for (int i = 0; i < latenciesUs.length; i++) {
            sink.requestCompleted(EventFixtures.request("r", "GET /a", nowMs, latenciesUs[i], 200,
                    i % 10 == 0 ? ErrorClass.STATUS : ErrorClass.NONE));
        }
        sink.requestCompleted(EventFixtures.ok("r", "GET /a", nowMs, 2 * LatencyHistograms.HIGHEST_TRACKABLE_US));
        sent.forEach(stats::timingTaken);

        // when
        Histogram interval = stats.takeInterval();

        // then: the layout is the wire's; requests, errors and slow ones are counted; every timing went on
        assertThat(LatencyHistograms.hasLayout(interval)).isTrue();
        assertThat(interval.getTotalCount()).isEqualTo(1_001);
        assertThat(interval.getMaxValue()).isEqualTo(interval.highestEquivalentValue(
                LatencyHistograms.HIGHEST_TRACKABLE_US));
        assertThat(stats.requests()).isEqualTo(1_001);
        assertThat(stats.errors()).isEqualTo(100);
        assertThat(stats.slowRequests()).isEqualTo(Arrays.stream(latenciesUs).filter(us -> us > SLOW_MS * 1000)
                .count() + 1);
        assertThat(sent).hasSize(1_001);
        // and: the next interval starts empty
        assertThat(stats.takeInterval().getTotalCount()).isZero();
    }

    @Test
    void progressLineShowsTheIntervalsP95WithinThePrecisionOfTheLayout() {
        // given: 500 latencies from 1 ms to 500 ms in one interval
        RunStats stats = new RunStats(SLOW_MS, Redactor.NONE);
        RequestSink sink = stats.countingInto(stats::timingTaken);
        long[] latenciesUs = EventFixtures.spread(500, 1_000, 500_000);
        for (long latencyUs : latenciesUs) {
            sink.requestCompleted(EventFixtures.ok("r", "GET /a", EventFixtures.nowMs(), latencyUs));
        }
        List<String> lines = new ArrayList<>();
        ProgressReporter progress = new ProgressReporter(stats, () -> 3, () -> 500, () -> 0, Duration.ofSeconds(10),
                lines::add, 0);

        // when
        progress.report(2_000_000_000L, 0);

        // then: the p95 shown is the exact nearest-rank p95 to one part in 1,000 (3 significant digits)
        double exactMs = new Percentile().withEstimationType(Percentile.EstimationType.R_1)
                .evaluate(Arrays.stream(latenciesUs).asDoubleStream().toArray(), 95) / 1000.0;
        Matcher p95 = Pattern.compile("p95 (\\d+\\.\\d) ms").matcher(lines.get(0));
        assertThat(p95.find()).as(lines.get(0)).isTrue();
        assertThat(Double.parseDouble(p95.group(1))).isCloseTo(exactMs, org.assertj.core.data.Offset.offset(
                exactMs / 1000 + 0.05));
        assertThat(lines.get(0)).contains("vus 3").contains("250 req/s").contains("events published 500 dropped 0");
    }

    @Test
    void progressLineGivesTheAgeOfALongRunInHoursMinutesAndSeconds() {
        assertThat(ProgressReporter.age(12, 60)).isEqualTo("  12s/60s");
        assertThat(ProgressReporter.age(3_723, 14_400)).isEqualTo("1:02:03/4:00:00");
        assertThat(ProgressReporter.age(59, 259_200)).isEqualTo("0:00:59/72:00:00");
    }
}
