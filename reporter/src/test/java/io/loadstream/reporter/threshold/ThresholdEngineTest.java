package io.loadstream.reporter.threshold;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.reporter.run.RunData;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.fixtures.EventFixtures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Windowed thresholds follow Prometheus alert-rule semantics: pending on the first breach, firing once they have
 * breached for {@code for}, resolved on the first passing evaluation. Time is the windows' own (their end times),
 * moved by the test; nothing sleeps.
 */
class ThresholdEngineTest {

    private static final String RUN = "run-1";
    private static final long START = 1_764_000_000_000L;
    private static final long WINDOW = 10_000;
    private static final String ENDPOINT = "GET /api/sns/analytics";

    private final RunData data = new RunData(RUN, Duration.ofMinutes(10).toMillis());

    /** Adds one 10 s window of 100 requests whose latencies are all {@code ms} milliseconds. */
    private long closeWindow(int index, long ms) {
        long start = START + index * WINDOW;
        long[] latencies = EventFixtures.spread(100, ms * 1000, ms * 1000);
        data.onWindow(EventFixtures.window(RUN, ENDPOINT, start, WINDOW, latencies, 0));
        data.onWindow(EventFixtures.window(RUN, EventKeys.ALL_ENDPOINTS, start, WINDOW, latencies, 0));
        return start + WINDOW;
    }

    private static ThresholdRule p95Below500(Duration window, Duration forDuration, boolean abort, Duration delay) {
        return ThresholdRules.parse("http_req_duration{endpoint:" + ENDPOINT + "}", "p(95)<500", window, forDuration,
                abort, delay);
    }

    @Test
    void firesOnlyAfterBreachingForTheWholeForDurationThenResolvesOnRecovery() {
        // given: p(95)<500 over 30 s, for 30 s
        ThresholdEngine engine = new ThresholdEngine(List.of(p95Below500(Duration.ofSeconds(30),
                Duration.ofSeconds(30), false, Duration.ZERO)), START);
        long[] latencyPerWindow = {100, 100, 900, 900, 900, 900, 900, 100, 100, 100, 100};
        List<String> events = new ArrayList<>();

        // when: windows close one after another
        for (int i = 0; i < latencyPerWindow.length; i++) {
            long end = closeWindow(i, latencyPerWindow[i]);
            for (ThresholdEngine.Action action : engine.onWindowClosed(end, data)) {
                WindowedRule.Transition t = ((ThresholdEngine.AlertChange) action).transition();
                events.add((t.firing() ? "firing@" : "resolved@") + (t.atMs() - START) / 1000);
            }
        }

        // then: window 2 is the first breach (the 30 s window [0,30) holds a third of slow requests: p95 = 900).
        // Pending from 30 s; still pending at 40 and 50; firing at 60 s, once 30 s of breach have passed.
        // Recovery: the 30 s window must hold under 5% slow requests, i.e. none: windows 7, 8, 9 -> resolved at 100 s.
        assertThat(events).containsExactly("firing@60", "resolved@100");
        WindowedRule state = engine.windowedRules().get(0);
        assertThat(state.everFired()).isTrue();
        assertThat(state.state()).isEqualTo(WindowedRule.State.INACTIVE);
    }

    @Test
    void aBreachShorterThanForNeverFires() {
        ThresholdEngine engine = new ThresholdEngine(List.of(p95Below500(Duration.ofSeconds(10),
                Duration.ofSeconds(30), false, Duration.ZERO)), START);
        long[] latencyPerWindow = {100, 900, 900, 900, 100, 900, 100};
        List<ThresholdEngine.Action> actions = new ArrayList<>();
        for (int i = 0; i < latencyPerWindow.length; i++) {
            actions.addAll(engine.onWindowClosed(closeWindow(i, latencyPerWindow[i]), data));
        }

        // breaching at 20, 30, 40 s: 40 - 20 = 20 s < 30 s, then it recovers; pending again at 60 s only.
        assertThat(actions).isEmpty();
        assertThat(engine.finish(data::totalsOf, 70).get(0).passed()).isTrue();
    }

    @Test
    void withoutForItFiresAtTheFirstBreachingWindow() {
        ThresholdEngine engine = new ThresholdEngine(List.of(p95Below500(Duration.ofSeconds(10), Duration.ZERO,
                false, Duration.ZERO)), START);
        assertThat(engine.onWindowClosed(closeWindow(0, 100), data)).isEmpty();

        List<ThresholdEngine.Action> actions = engine.onWindowClosed(closeWindow(1, 700), data);

        assertThat(actions).hasSize(1);
        WindowedRule.Transition t = ((ThresholdEngine.AlertChange) actions.get(0)).transition();
        assertThat(t.firing()).isTrue();
        assertThat(t.observed()).isCloseTo(700, org.assertj.core.api.Assertions.within(1.0));
        List<ThresholdOutcome> outcomes = engine.finish(data::totalsOf, 20);
        assertThat(outcomes.get(0).passed()).isFalse();
        assertThat(outcomes.get(0).firedAtMs()).isEqualTo(START + 2 * WINDOW);
    }

    @Test
    void abortOnFailAsksForOneAbortOnlyAfterTheDelay() {
        // given: fires at once, aborts, but not in the first 30 s
        ThresholdEngine engine = new ThresholdEngine(List.of(p95Below500(Duration.ofSeconds(10), Duration.ZERO,
                true, Duration.ofSeconds(30))), START);
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            for (ThresholdEngine.Action action : engine.onWindowClosed(closeWindow(i, 900), data)) {
                if (action instanceof ThresholdEngine.Abort abort) {
                    seen.add("abort@" + (abort.atMs() - START) / 1000 + " " + abort.reason());
                } else {
                    seen.add("alert@" + (((ThresholdEngine.AlertChange) action).transition().atMs() - START) / 1000);
                }
            }
        }

        // then: the alert fires at 10 s; the abort waits for 30 s and is asked for once
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0)).isEqualTo("alert@10");
        assertThat(seen.get(1)).startsWith("abort@30 threshold http_req_duration{endpoint:" + ENDPOINT
                + "} p(95)<500 failed (observed ");
        assertThat(engine.abortRequested()).isTrue();
    }

    @Test
    void wholeRunThresholdsWithAbortOnFailAreCheckedOnTheDataSoFar() {
        ThresholdRule failed = ThresholdRules.parse("http_req_duration", "avg<500", Duration.ZERO, Duration.ZERO,
                true, Duration.ZERO);
        ThresholdEngine engine = new ThresholdEngine(List.of(failed), START);

        assertThat(engine.onWindowClosed(closeWindow(0, 300), data)).isEmpty();
        assertThat(engine.onWindowClosed(closeWindow(1, 600), data)).isEmpty();
        List<ThresholdEngine.Action> third = engine.onWindowClosed(closeWindow(2, 900), data);

        // averages so far: 300, 450, 600 -> the third breaks avg<500
        assertThat(third).singleElement().isInstanceOf(ThresholdEngine.Abort.class);
    }
}
