package io.loadstream.reporter.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.loadstream.events.ControlType;
import io.loadstream.events.RunControl;
import io.loadstream.reporter.threshold.ThresholdEngine;
import io.loadstream.reporter.threshold.ThresholdRules;
import io.loadstream.reporter.threshold.WindowedRule;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.fixtures.EventFixtures;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Windows are aligned to the clock, a run is not: the first and last windows are partly covered, and their rates
 * divide by the covered time. The oracle is a flat open-model run whose requests the test places itself, 40 a
 * second from 6.7 s into a window for 25 s.
 */
class CoveredTimeTest {

    private static final String RUN = "covered";
    private static final long WINDOW_MS = 10_000;
    private static final int RATE = 40;
    private static final long DURATION_MS = 25_000;

    private final long windowZero = EventFixtures.nowMs() / WINDOW_MS * WINDOW_MS;
    private final long loadStart = windowZero + 6_700;
    private final long loadEnd = loadStart + DURATION_MS;

    /** Feeds a flat run: STARTED 150 ms before the first request, FINISHED 400 ms after the load's end. */
    private RunData flatRun() {
        RunData data = new RunData(RUN, Duration.ofMinutes(15).toMillis());
        RunControl started = EventFixtures.started(RUN, loadStart - 150, WINDOW_MS, 0);
        started.setPlannedDurationMs(DURATION_MS);
        data.onControl(started);
        for (long start = windowZero; start < loadEnd; start += WINDOW_MS) {
            long from = Math.max(start, loadStart);
            long to = Math.min(start + WINDOW_MS, loadEnd);
            int requests = (int) Math.round((to - from) / 1000.0 * RATE);
            long[] latencies = EventFixtures.spread(requests, 2_000, 9_000);
            data.onWindow(EventFixtures.window(RUN, EventKeys.ALL_ENDPOINTS, start, WINDOW_MS, latencies, 0));
        }
        int total = (int) (DURATION_MS / 1000 * RATE);
        data.onTotals(EventFixtures.totals(RUN, EventKeys.ALL_ENDPOINTS, loadStart, loadEnd - 1000 / RATE,
                EventFixtures.spread(total, 2_000, 9_000), 0, true));
        data.onControl(EventFixtures.control(RUN, ControlType.FINISHED, loadEnd + 400, 0, 1));
        return data;
    }

    @Test
    void everyWindowOfAFlatRunHasItsRateIncludingThePartialFirstAndLastWindows() {
        RunData data = flatRun();

        List<TimelinePoint> timeline = data.timeline();

        assertThat(timeline).hasSize(4);
        assertThat(timeline.get(0).coveredS()).isCloseTo(3.3, within(0.001));
        assertThat(timeline.get(3).coveredS()).isCloseTo(1.7, within(0.001));
        assertThat(timeline).allSatisfy(point -> assertThat(point.rps()).as("window at %d", point.windowStartMs())
                .isCloseTo(RATE, within(RATE * 0.05)));
    }

    @Test
    void aWindowedRateIsJudgedOnCoveredTimeAndAWindowTheRunBarelyCoveredIsNotJudged() {
        // given: a rate threshold the flat run always meets, judged over each 10 s window
        RunData data = flatRun();
        ThresholdEngine engine = new ThresholdEngine(List.of(ThresholdRules.parse("http_reqs", "rate>=38",
                Duration.ofSeconds(10), Duration.ZERO, false, Duration.ZERO)), loadStart);

        // when: every window closes
        List<ThresholdEngine.Action> actions = new java.util.ArrayList<>();
        for (long end = windowZero + WINDOW_MS; end <= loadEnd + WINDOW_MS; end += WINDOW_MS) {
            actions.addAll(engine.onWindowClosed(end, data));
        }

        // then: it never fires; the last window (1.7 s of 10 s covered) is not judged, the first (3.3 s) neither
        WindowedRule rule = engine.windowedRules().get(0);
        assertThat(actions).isEmpty();
        assertThat(rule.everFired()).isFalse();
        assertThat(rule.evaluations()).isEqualTo(2);
    }

    @Test
    void beforeTheRunStartsAPeriodCountsWhole() {
        RunData data = new RunData(RUN, 60_000);

        assertThat(data.coveredMs(windowZero, windowZero + WINDOW_MS)).isEqualTo(WINDOW_MS);
    }
}
