package io.loadstream.aggregator;

import static io.loadstream.schemas.fixtures.EventFixtures.control;
import static io.loadstream.schemas.fixtures.EventFixtures.ok;
import static io.loadstream.schemas.fixtures.EventFixtures.request;
import static io.loadstream.schemas.fixtures.EventFixtures.started;
import static io.loadstream.schemas.fixtures.EventFixtures.system;
import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.events.ControlType;
import io.loadstream.events.EndpointTotals;
import io.loadstream.events.EndpointWindow;
import io.loadstream.events.ErrorClass;
import io.loadstream.events.RunControl;
import io.loadstream.events.SystemWindow;
import io.loadstream.schemas.DeadLetters;
import io.loadstream.schemas.LatencyHistograms;
import io.loadstream.schemas.fixtures.EventFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The production topology in TopologyTestDriver, with explicit event times. */
class AggregatorTopologyTest {

    private static final String RUN = "run-1";
    private static final String OTHER_RUN = "run-2";
    private static final String A = "GET /a";
    private static final String B = "POST /b";
    /** A window boundary (a whole minute), and now: test records carry current times. */
    private static final long T0 = EventFixtures.nowMs();

    @TempDir
    Path stateDir;

    private TopologyHarness harness;

    @BeforeEach
    void start() {
        harness = new TopologyHarness(stateDir, Instant.ofEpochMilli(T0));
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void emitsEachWindowOnceWhenTheRunClockPassesItsEndPlusGrace() {
        // given: a run with 10 s windows and 2 s grace, and requests in its first window
        harness.send(started(RUN, T0, 10_000, 2_000), T0);
        harness.send(ok(RUN, A, T0 + 100, 1_000));
        harness.send(ok(RUN, A, T0 + 200, 3_000));
        harness.send(request(RUN, A, T0 + 300, 50_000, 503, ErrorClass.STATUS));
        harness.send(request(RUN, A, T0 + 400, 10_000_000, 0, ErrorClass.TIMEOUT));
        harness.send(ok(RUN, B, T0 + 9_999, 7_000));
        harness.send(ok(RUN, B, T0 + 10_000, 9_000));

        // when: the clock reaches end + grace - 1 ms, nothing closes
        harness.send(control(RUN, ControlType.HEARTBEAT, T0 + 11_999, 0, 1), T0 + 11_999);
        assertThat(harness.windows.isEmpty()).isTrue();

        // then: at end + grace, the first window of each endpoint closes, with exact contents
        harness.send(control(RUN, ControlType.HEARTBEAT, T0 + 12_000, 0, 1), T0 + 12_000);
        Map<String, EndpointWindow> closed = byKey(TopologyHarness.drain(harness.windows));
        assertThat(closed).containsOnlyKeys(RUN + "|" + A + "|" + T0, RUN + "|" + B + "|" + T0, RUN + "|*|" + T0);
        EndpointWindow a = closed.get(RUN + "|" + A + "|" + T0);
        assertThat(a.getWindowEndMs()).isEqualTo(T0 + 10_000);
        assertThat(a.getStats().getCount()).isEqualTo(4);
        assertThat(a.getStats().getErrorCount()).isEqualTo(2);
        assertThat(a.getStats().getErrorsByClass()).containsExactlyInAnyOrderEntriesOf(
                Map.of("STATUS", 1L, "TIMEOUT", 1L));
        assertThat(a.getStats().getStatusCounts()).containsExactlyInAnyOrderEntriesOf(
                Map.of("200", 2L, "503", 1L, "0", 1L));
        assertThat(a.getStats().getMinUs()).isEqualTo(1_000);
        assertThat(a.getStats().getMaxUs()).isEqualTo(10_000_000);
        assertThat(a.getStats().getMeanUs()).isEqualTo((1_000 + 3_000 + 50_000 + 10_000_000) / 4.0);
        assertThat(a.getStats().getBytesSent()).isEqualTo(400);
        assertThat(a.getThroughputRps()).isEqualTo(0.4);
        Histogram histogram = LatencyHistograms.decode(a.getStats().getHistogram());
        assertThat(histogram.getTotalCount()).isEqualTo(4);
        assertThat(histogram.getMaxValue()).isEqualTo(histogram.highestEquivalentValue(10_000_000));
        assertThat(closed.get(RUN + "|" + B + "|" + T0).getStats().getCount()).isEqualTo(1);
        EndpointWindow all = closed.get(RUN + "|*|" + T0);
        assertThat(all.getEndpoint()).isEqualTo("*");
        assertThat(all.getStats().getCount()).isEqualTo(5);
        assertThat(all.getStats().getMinUs()).isEqualTo(1_000);
        assertThat(LatencyHistograms.decode(all.getStats().getHistogram()).getTotalCount()).isEqualTo(5);

        // and: more heartbeats do not emit the window again
        harness.send(control(RUN, ControlType.HEARTBEAT, T0 + 13_000, 0, 1), T0 + 13_000);
        assertThat(harness.windows.isEmpty()).isTrue();
    }

    @Test
    void finishedFromEverySegmentClosesAllWindowsAndEmitsCompleteTotalsOnce() {
        // given: a run of two segments, requests in two windows of two endpoints
        harness.send(control(RUN, ControlType.STARTED, T0, 0, 2), T0);
        harness.send(control(RUN, ControlType.STARTED, T0, 1, 2), T0);
        for (int i = 0; i < 30; i++) {
            harness.send(ok(RUN, i % 3 == 0 ? B : A, T0 + i * 500L, 1_000 + i));
        }

        // when: only one segment has finished, nothing is complete even after a wall-clock tick
        harness.send(control(RUN, ControlType.FINISHED, T0 + 15_000, 0, 2), T0 + 15_000);
        harness.advanceWallClock(Duration.ofSeconds(4));
        assertThat(completeTotals()).isEmpty();
        // the first window closed by the clock (15 s >= 10 s + 2 s)
        assertThat(windowCounts(TopologyHarness.drain(harness.windows)))
                .containsExactlyInAnyOrderEntriesOf(Map.of(A + "@0", 13L, B + "@0", 7L, "*@0", 20L));

        // then: the second FINISHED closes the rest at the next tick, and the totals are complete and add up
        harness.send(control(RUN, ControlType.FINISHED, T0 + 15_001, 1, 2), T0 + 15_001);
        harness.advanceWallClock(Duration.ofSeconds(4));
        assertThat(windowCounts(TopologyHarness.drain(harness.windows)))
                .containsExactlyInAnyOrderEntriesOf(Map.of(A + "@10000", 7L, B + "@10000", 3L, "*@10000", 10L));
        Map<String, EndpointTotals> complete = completeTotals();
        assertThat(complete).containsOnlyKeys(RUN + "|" + A, RUN + "|" + B, RUN + "|*");
        assertThat(complete.get(RUN + "|" + A).getStats().getCount()).isEqualTo(20);
        assertThat(complete.get(RUN + "|" + B).getStats().getCount()).isEqualTo(10);
        assertThat(complete.get(RUN + "|*").getStats().getCount()).isEqualTo(30);
        assertThat(complete.get(RUN + "|*").getFirstEventMs()).isEqualTo(T0);
        assertThat(complete.get(RUN + "|*").getLastEventMs()).isEqualTo(T0 + 29 * 500L);

        // and: the run's state is gone; later records for it are ignored, not a new run
        harness.send(ok(RUN, A, T0 + 16_000, 1_000));
        harness.advanceWallClock(Duration.ofMinutes(2));
        assertThat(harness.totals.isEmpty()).isTrue();
        assertThat(harness.windows.isEmpty()).isTrue();
    }

    @Test
    void eventsForAClosedWindowAreCountedAsLateInTheTotals() {
        harness.send(started(RUN, T0, 10_000, 2_000), T0);
        harness.send(ok(RUN, A, T0 + 1_000, 1_000));
        harness.send(control(RUN, ControlType.HEARTBEAT, T0 + 12_500, 0, 1), T0 + 12_500);
        assertThat(TopologyHarness.drain(harness.windows)).hasSize(2);

        // when: an event of the closed window arrives
        harness.send(ok(RUN, A, T0 + 2_000, 5_000));
        harness.send(ok(RUN, A, T0 + 12_600, 2_000));
        harness.send(control(RUN, ControlType.FINISHED, T0 + 13_000, 0, 1), T0 + 13_000);
        harness.advanceWallClock(Duration.ofSeconds(4));

        // then: it is in the totals, counted late, and in no window
        List<KeyValue<String, EndpointWindow>> windows = TopologyHarness.drain(harness.windows);
        assertThat(windowCounts(windows)).containsExactlyInAnyOrderEntriesOf(Map.of(A + "@10000", 1L, "*@10000", 1L));
        Map<String, EndpointTotals> complete = completeTotals();
        assertThat(complete.get(RUN + "|" + A).getStats().getCount()).isEqualTo(3);
        assertThat(complete.get(RUN + "|" + A).getLateEvents()).isEqualTo(1);
        assertThat(complete.get(RUN + "|" + A).getStats().getMaxUs()).isEqualTo(5_000);
        assertThat(complete.get(RUN + "|*").getStats().getCount()).isEqualTo(3);
        assertThat(complete.get(RUN + "|*").getLateEvents()).isEqualTo(1);
    }

    @Test
    void aRecordThatDoesNotDecodeGoesToTheDeadLetterTopicAndProcessingContinues() {
        harness.send(started(RUN, T0, 10_000, 2_000), T0);
        harness.rawRequests.pipeInput("bad-key".getBytes(StandardCharsets.UTF_8),
                "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8), T0 + 1);
        harness.send(ok(RUN, A, T0 + 2, 1_000));
        harness.send(control(RUN, ControlType.FINISHED, T0 + 3, 0, 1), T0 + 3);
        harness.advanceWallClock(Duration.ofSeconds(4));

        List<TestRecord<byte[], byte[]>> dead = harness.dlq.readRecordsToList();
        assertThat(dead).hasSize(1);
        assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("{\"not\":\"avro\"}");
        assertThat(new String(dead.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("bad-key");
        assertThat(DeadLetters.read(dead.get(0).headers(), DeadLetters.REASON)).isEqualTo("BAD_HEADER");
        assertThat(DeadLetters.read(dead.get(0).headers(), DeadLetters.SOURCE))
                .isEqualTo(TopologyHarness.TOPICS.requests() + "/0@0");
        assertThat(DeadLetters.read(dead.get(0).headers(), DeadLetters.CONSUMER)).isEqualTo("aggregator");
        assertThat(DeadLetters.read(dead.get(0).headers(), DeadLetters.MESSAGE)).isNotBlank();
        assertThat(completeTotals().get(RUN + "|*").getStats().getCount()).isEqualTo(1);
        assertThat(harness.driver.metrics().entrySet().stream()
                .filter(m -> m.getKey().name().equals("dead-letter-total"))
                .mapToDouble(m -> ((Number) m.getValue().metricValue()).doubleValue()).sum()).isEqualTo(1.0);
    }

    @Test
    void finishedWithPerPartitionCountsClosesTheRunOnceThatManyRequestsAreReadNotBefore() {
        // given: a generator that says it had 5 requests acknowledged on this (the only) partition
        harness.send(started(RUN, T0, 10_000, 2_000), T0);
        for (int i = 0; i < 3; i++) {
            harness.send(ok(RUN, A, T0 + i * 100L, 1_000));
        }
        harness.send(finished(5), T0 + 1_000);

        // when: two of them are read after FINISHED, much later in wall-clock time
        harness.advanceWallClock(Duration.ofSeconds(30));
        assertThat(completeTotals()).as("3 of 5 read: still waiting").isEmpty();
        harness.send(ok(RUN, A, T0 + 300, 1_000));
        assertThat(completeTotals()).as("4 of 5 read").isEmpty();
        harness.send(ok(RUN, B, T0 + 400, 1_000));

        // then: the fifth closes the run at once, without a wall-clock tick, and every request counts
        Map<String, EndpointTotals> complete = completeTotals();
        assertThat(complete.get(RUN + "|*").getStats().getCount()).isEqualTo(5);
        assertThat(complete.get(RUN + "|*").getLateEvents()).isZero();
        assertThat(windowCounts(TopologyHarness.drain(harness.windows)))
                .containsExactlyInAnyOrderEntriesOf(Map.of(A + "@0", 4L, B + "@0", 1L, "*@0", 5L));
    }

    @Test
    void finishedWithCountsThatNeverArriveClosesAfterTheIdleTimeout() {
        harness.send(started(RUN, T0, 10_000, 2_000), T0);
        harness.send(ok(RUN, A, T0 + 100, 1_000));
        harness.send(finished(2), T0 + 1_000);
        harness.advanceWallClock(Duration.ofSeconds(59));
        assertThat(completeTotals()).isEmpty();

        harness.advanceWallClock(Duration.ofSeconds(2));

        assertThat(completeTotals().get(RUN + "|*").getStats().getCount()).isEqualTo(1);
    }

    @Test
    void finishedWithoutPerPartitionCountsClosesAfterAQuietPeriod() {
        // given: an older generator's FINISHED: requests sent, but no counts per partition
        harness.send(started(RUN, T0, 10_000, 2_000), T0);
        harness.send(ok(RUN, A, T0 + 100, 1_000));
        RunControl finished = control(RUN, ControlType.FINISHED, T0 + 1_000, 0, 1);
        finished.setRequestsSent(2);
        harness.send(finished, T0 + 1_000);
        harness.advanceWallClock(Duration.ofSeconds(2));
        harness.send(ok(RUN, A, T0 + 200, 1_000));
        harness.advanceWallClock(Duration.ofSeconds(2));
        assertThat(completeTotals()).as("a request 2 s ago: not quiet yet").isEmpty();

        harness.advanceWallClock(Duration.ofSeconds(2));

        assertThat(completeTotals().get(RUN + "|*").getStats().getCount()).isEqualTo(2);
    }

    /** FINISHED of the only segment from the requests' generator, with {@code count} requests on partition 0. */
    private static RunControl finished(long count) {
        RunControl finished = control(RUN, ControlType.FINISHED, T0 + 1_000, 0, 1);
        finished.setSource("gen-1");
        finished.setRequestsSent(count);
        finished.setRequestsPerPartition(List.of(count));
        return finished;
    }

    @Test
    void storedStateDoesNotGrowWithTheLengthOfARunAndIsDroppedAtItsEnd() {
        // given: a 10-minute run of 1 s windows over two endpoints, with heartbeats
        harness.send(started(RUN, T0, 1_000, 200), T0);
        List<Long> live = new java.util.ArrayList<>();
        List<Long> star = new java.util.ArrayList<>();
        int sent = 0;
        for (int w = 0; w < 600; w++) {
            for (int i = 0; i < 5; i++) {
                harness.send(ok(RUN, i % 2 == 0 ? A : B, T0 + w * 1_000L + i * 200, 1_000 + i));
                sent++;
            }
            harness.send(control(RUN, ControlType.HEARTBEAT, T0 + w * 1_000L + 999, 0, 1), T0 + w * 1_000L + 999);
            if (w % 60 == 59) {
                live.add(harness.storedLiveStateEntries());
                star.add(harness.storedStarEntries());
                TopologyHarness.drain(harness.windows);
            }
        }

        // then: the same few entries after 1 minute as after 10: the run, two endpoints' totals, their open windows
        assertThat(live).allMatch(n -> n <= 1 + 2 + 2 * 2);
        assertThat(live).allMatch(n -> n.equals(live.get(0)));
        assertThat(star).allMatch(n -> n <= 1);

        // and: at its end, only a small marker of the finished run is left
        harness.send(finished(sent), T0 + 600_000);
        assertThat(completeTotals().get(RUN + "|*").getStats().getCount()).isEqualTo(sent);
        assertThat(harness.storedLiveStateEntries()).isEqualTo(1);
        assertThat(harness.storedStarEntries()).isZero();
    }

    @Test
    void aRunWhoseGeneratorsFallSilentIsClosedAfterTheIdleTimeout() {
        // given: a run with one request, and another run whose heartbeats keep coming every 5 s (the broker answers,
        // so the first run's silence is its own)
        harness.send(started(RUN, T0, 10_000, 2_000), T0);
        harness.send(ok(RUN, A, T0 + 1_000, 1_000));
        harness.send(started(OTHER_RUN, T0, 10_000, 2_000), T0);
        for (int second = 5; second < 60; second += 5) {
            harness.advanceWallClock(Duration.ofSeconds(5));
            harness.send(control(OTHER_RUN, ControlType.HEARTBEAT, T0 + second * 1_000L, 0, 1), T0 + second * 1_000L);
        }
        harness.advanceWallClock(Duration.ofSeconds(4));
        assertThat(completeTotals()).isEmpty();

        harness.advanceWallClock(Duration.ofSeconds(2));

        assertThat(windowCounts(runOnly(TopologyHarness.drain(harness.windows))))
                .containsExactlyInAnyOrderEntriesOf(Map.of(A + "@0", 1L, "*@0", 1L));
        assertThat(completeTotals().get(RUN + "|*").getStats().getCount()).isEqualTo(1);
    }

    @Test
    void aRunIsNotClosedAsIdleWhileTheAggregatorReadsNothingAtAllButIsOnceTheSilenceOutlastsAnyOutage() {
        // given: a run with one request, then nothing read at all (a broker outage, or every generator gone)
        harness.send(started(RUN, T0, 10_000, 2_000), T0);
        harness.send(ok(RUN, A, T0 + 1_000, 1_000));

        // when: the idle timeout passes, and five minutes more, the run stays open for its held records
        harness.advanceWallClock(Duration.ofSeconds(61));
        harness.advanceWallClock(Duration.ofMinutes(5));
        assertThat(completeTotals()).isEmpty();

        // then: past the idle timeout plus the longest outage waited out (10 minutes), it closes as idle
        harness.advanceWallClock(Duration.ofMinutes(5));
        assertThat(completeTotals().get(RUN + "|*").getStats().getCount()).isEqualTo(1);
    }

    @Test
    void startedRecordSetsTheRunsWindowSize() {
        harness.send(started(RUN, T0, 5_000, 0), T0);
        harness.send(ok(RUN, A, T0 + 1_000, 1_000));
        harness.send(ok(RUN, A, T0 + 6_000, 1_000));
        harness.send(control(RUN, ControlType.HEARTBEAT, T0 + 10_000, 0, 1), T0 + 10_000);

        List<KeyValue<String, EndpointWindow>> windows = TopologyHarness.drain(harness.windows);
        assertThat(windowCounts(windows)).containsExactlyInAnyOrderEntriesOf(
                Map.of(A + "@0", 1L, A + "@5000", 1L, "*@0", 1L, "*@5000", 1L));
        assertThat(windows.get(0).value.getWindowEndMs() - windows.get(0).value.getWindowStartMs()).isEqualTo(5_000);
    }

    @Test
    void requestsReadBeforeStartedWithTheSameTimestampMoveIntoTheStartedWindowSize() {
        // given: Streams read a request stamped like the STARTED record before it (a tie between partitions)
        harness.send(ok(RUN, A, T0 + 100, 1_000));
        harness.send(started(RUN, T0 + 100, 1_000, 0), T0 + 100);
        harness.send(ok(RUN, A, T0 + 1_500, 2_000));

        // when: the clock passes both 1 s windows
        harness.send(control(RUN, ControlType.HEARTBEAT, T0 + 2_000, 0, 1), T0 + 2_000);

        // then: both are 1 s windows, with one request each
        List<KeyValue<String, EndpointWindow>> windows = TopologyHarness.drain(harness.windows);
        assertThat(windowCounts(windows)).containsExactlyInAnyOrderEntriesOf(
                Map.of(A + "@0", 1L, A + "@1000", 1L, "*@0", 1L, "*@1000", 1L));
        assertThat(windows).allMatch(kv -> kv.value.getWindowEndMs() - kv.value.getWindowStartMs() == 1_000);
    }

    @Test
    void systemSamplesMakeWindowsPerHostWithMeanAndMax() {
        harness.send(started(RUN, T0, 10_000, 2_000), T0);
        harness.send(system(RUN, "gen-host", T0 + 1_000, 10.0, 100));
        harness.send(system(RUN, "gen-host", T0 + 2_000, 30.0, 300));
        harness.send(system(RUN, "gen-host", T0 + 11_000, 50.0, 500));
        harness.send(control(RUN, ControlType.HEARTBEAT, T0 + 12_000, 0, 1), T0 + 12_000);

        List<KeyValue<String, SystemWindow>> first = TopologyHarness.drain(harness.systemWindows);
        assertThat(first).hasSize(1);
        assertThat(first.get(0).key).isEqualTo(RUN + "|gen-host|GENERATOR|" + T0);
        SystemWindow window = first.get(0).value;
        assertThat(window.getSamples()).isEqualTo(2);
        assertThat(window.getCpuMean()).isEqualTo(20.0);
        assertThat(window.getCpuMax()).isEqualTo(30.0);
        assertThat(window.getProcessCpuMax()).isEqualTo(15.0);
        assertThat(window.getHeapUsedMeanBytes()).isEqualTo(200);
        assertThat(window.getHeapUsedMaxBytes()).isEqualTo(300);
        assertThat(window.getMemoryUsedMaxBytes()).isEqualTo(1_000_000);

        harness.send(control(RUN, ControlType.FINISHED, T0 + 13_000, 0, 1), T0 + 13_000);
        harness.advanceWallClock(Duration.ofSeconds(4));
        List<KeyValue<String, SystemWindow>> rest = TopologyHarness.drain(harness.systemWindows);
        assertThat(rest).hasSize(1);
        assertThat(rest.get(0).value.getCpuMean()).isEqualTo(50.0);
    }

    @Test
    void runsHaveTheirOwnClocks() {
        harness.send(started(RUN, T0, 10_000, 2_000), T0);
        harness.send(started("run-2", T0, 10_000, 2_000), T0);
        harness.send(ok(RUN, A, T0 + 1_000, 1_000));
        // run-2's heartbeats run far ahead; run-1's window stays open
        harness.send(control("run-2", ControlType.HEARTBEAT, T0 + 60_000, 0, 1), T0 + 60_000);
        assertThat(harness.windows.isEmpty()).isTrue();
        harness.send(ok(RUN, A, T0 + 2_000, 1_000));
        harness.send(control(RUN, ControlType.HEARTBEAT, T0 + 12_000, 0, 1), T0 + 12_000);
        assertThat(windowCounts(TopologyHarness.drain(harness.windows)))
                .containsExactlyInAnyOrderEntriesOf(Map.of(A + "@0", 2L, "*@0", 2L));
    }

    private Map<String, EndpointTotals> completeTotals() {
        return TopologyHarness.drain(harness.totals).stream()
                .filter(kv -> kv.value.getComplete())
                .collect(Collectors.toMap(kv -> kv.key, kv -> kv.value));
    }

    private static Map<String, EndpointWindow> byKey(List<KeyValue<String, EndpointWindow>> records) {
        return records.stream().collect(Collectors.toMap(kv -> kv.key, kv -> kv.value));
    }

    /** Window counts by "endpoint@start-offset"; fails on a window emitted twice. */
    private static List<KeyValue<String, EndpointWindow>> runOnly(List<KeyValue<String, EndpointWindow>> records) {
        return records.stream().filter(kv -> kv.value.getRunId().equals(RUN)).toList();
    }

    private static Map<String, Long> windowCounts(List<KeyValue<String, EndpointWindow>> records) {
        return records.stream().collect(Collectors.toMap(
                kv -> kv.value.getEndpoint() + "@" + (kv.value.getWindowStartMs() - T0),
                kv -> kv.value.getStats().getCount()));
    }
}
