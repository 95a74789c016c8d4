package io.loadstream.aggregator;

import static io.loadstream.schemas.fixtures.EventFixtures.control;
import static io.loadstream.schemas.fixtures.EventFixtures.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.events.ControlType;
import io.loadstream.events.EndpointTotals;
import io.loadstream.events.EndpointWindow;
import io.loadstream.events.RequestTiming;
import io.loadstream.events.RunControl;
import io.loadstream.schemas.fixtures.EventFixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In a run of several generators, windows close by the slowest live generator's clock: one generator's backlog (its
 * events held during a broker hiccup) still reaches its windows after another generator moved on, and a generator
 * that went silent stops holding the windows after the idle timeout. The production topology in
 * TopologyTestDriver; the oracle is the list of requests sent, counted per window.
 */
class SegmentWatermarkTest {

    private static final String RUN = "seg-run";
    private static final String EP = "GET /a";
    private static final long T0 = EventFixtures.nowMs();
    private static final long WINDOW_MS = 10_000;
    private static final long GRACE_MS = 2_000;

    @TempDir
    Path stateDir;
    private TopologyHarness harness;
    private final List<RequestTiming> sent = new ArrayList<>();

    @BeforeEach
    void start() {
        harness = new TopologyHarness(stateDir, Instant.ofEpochMilli(T0));
        for (int segment = 0; segment < 2; segment++) {
            RunControl started = control(RUN, ControlType.STARTED, T0, segment, 2);
            started.setWindowSizeMs(WINDOW_MS);
            started.setGraceMs(GRACE_MS);
            harness.send(started, T0);
        }
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void aGeneratorsBacklogReachesItsWindowsAfterAnotherGeneratorMovedOn() {
        // given: generator 0 sends 30 s of requests and heartbeats, while generator 1's are held (a broker hiccup)
        for (long at = 0; at < 30_000; at += 100) {
            send(0, at);
            if (at % 1_000 == 0) {
                harness.send(control(RUN, ControlType.HEARTBEAT, T0 + at, 0, 2), T0 + at);
            }
        }
        assertThat(harness.windows.isEmpty()).as("no window closes while generator 1 is behind").isTrue();

        // when: generator 1's backlog arrives, each request before the heartbeat whose watermark passes it
        for (long at = 50; at < 30_000; at += 100) {
            send(1, at);
            if (at % 1_000 == 50) {
                harness.send(control(RUN, ControlType.HEARTBEAT, T0 + at - 50, 1, 2), T0 + at - 50);
            }
        }

        // then: the windows that both clocks passed (0 and 10 s) hold every request sent in them, none is late
        Map<Long, Long> expected = sentPerWindow();
        Map<Long, Long> emitted = emittedWindows();
        assertThat(emitted).containsOnlyKeys(0L, 10_000L);
        assertThat(emitted.get(0L)).isEqualTo(expected.get(0L)).isEqualTo(200L);
        assertThat(emitted.get(10_000L)).isEqualTo(expected.get(10_000L));
        harness.send(control(RUN, ControlType.FINISHED, T0 + 30_000, 0, 2), T0 + 30_000);
        harness.send(control(RUN, ControlType.FINISHED, T0 + 30_000, 1, 2), T0 + 30_000);
        harness.advanceWallClock(Duration.ofSeconds(4));
        assertThat(emittedWindows()).containsEntry(20_000L, expected.get(20_000L));
        EndpointTotals totals = latestTotals();
        assertThat(totals.getStats().getCount()).isEqualTo(sent.size());
        assertThat(totals.getLateEvents()).isZero();
    }

    @Test
    void aGeneratorSilentForTheIdleTimeoutNoLongerHoldsTheWindowsOpen() {
        // given: generator 1 sends nothing after STARTED; generator 0 goes on, one heartbeat every wall-clock 5 s
        // (a gap of 10 s in everything the instance reads would be a broker outage, which holds every idle rule)
        long idleMs = AggregatorConfig.DEFAULT_IDLE_TIMEOUT.toMillis();
        for (long at = 0; at < 30_000; at += 100) {
            send(0, at);
        }
        long elapsedMs = 0;
        for (; elapsedMs + 5_000 < idleMs; elapsedMs += 5_000) {
            harness.send(control(RUN, ControlType.HEARTBEAT, T0 + 30_000, 0, 2), T0 + 30_000);
            harness.advanceWallClock(Duration.ofSeconds(5));
        }
        assertThat(harness.windows.isEmpty()).as("generator 1 holds the windows for the idle timeout").isTrue();

        // when: the idle timeout passes while generator 0 is still alive
        harness.send(control(RUN, ControlType.HEARTBEAT, T0 + 30_000, 0, 2), T0 + 30_000);
        harness.advanceWallClock(Duration.ofMillis(idleMs - elapsedMs + 1_000));

        // then: the windows that generator 0's clock passed close, with its requests
        Map<Long, Long> expected = sentPerWindow();
        Map<Long, Long> emitted = emittedWindows();
        assertThat(emitted).containsOnlyKeys(0L, 10_000L);
        assertThat(emitted.get(0L)).isEqualTo(expected.get(0L));
        assertThat(emitted.get(10_000L)).isEqualTo(expected.get(10_000L));
    }

    private void send(int segment, long atMs) {
        RequestTiming timing = ok(RUN, EP, T0 + atMs, 1_000);
        timing.setGeneratorId("gen-" + segment);
        sent.add(timing);
        harness.send(timing);
    }

    /** Requests sent per window, by window start relative to T0: the oracle. */
    private Map<Long, Long> sentPerWindow() {
        return sent.stream().collect(Collectors.groupingBy(
                t -> (t.getIntendedStartUs() / 1000 - T0) / WINDOW_MS * WINDOW_MS, TreeMap::new,
                Collectors.counting()));
    }

    /** The endpoint's windows emitted so far (read once), by start relative to T0: their counts. */
    private Map<Long, Long> emittedWindows() {
        Map<Long, Long> counts = new TreeMap<>();
        for (KeyValue<String, EndpointWindow> kv : TopologyHarness.drain(harness.windows)) {
            if (kv.value.getEndpoint().equals(EP)) {
                counts.merge(kv.value.getWindowStartMs() - T0, kv.value.getStats().getCount(), Long::sum);
            }
        }
        return counts;
    }

    private EndpointTotals latestTotals() {
        return TopologyHarness.drain(harness.totals).stream().map(kv -> kv.value)
                .filter(t -> t.getEndpoint().equals(EP))
                .collect(Collectors.toMap(EndpointTotals::getEndpoint, Function.identity(), (a, b) -> b))
                .get(EP);
    }
}
