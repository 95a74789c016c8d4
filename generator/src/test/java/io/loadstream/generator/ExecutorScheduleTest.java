package io.loadstream.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.events.RequestTiming;
import io.loadstream.generator.executor.LoadDriver;
import io.loadstream.generator.plan.Stage;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The executors follow their schedule against a real server: on a clock the test moves (exact, whatever the
 * machine's load), and end to end through Kafka on the real clock (counts and order only). How closely the sends
 * follow the wall clock is a benchmark's question, not this suite's.
 */
@ExtendWith({KafkaExtension.class, LoopbackExtension.class})
class ExecutorScheduleTest {

    /** How far the test moves the clock at a time, in milliseconds. */
    private static final long STEP_MS = 50;

    @Test
    void constantArrivalRateStartsEveryIterationWhenDueNeverBeforeAndDropsNoneWhileVusAreFree(Loopback target)
            throws Exception {
        // given: 1,000 iterations/s for 4 s, on a clock the test moves
        try (ManualClockLoad run = new ManualClockLoad(Plans.plan(target.url(),
                Plans.constantRate(1000, Duration.ofSeconds(4), 100, 400), Plans.get("/ok")))) {
            LoadDriver load = run.load();
            run.start();

            // when: the clock moves 50 ms at a time, and each time the requests due by then have been answered
            for (long ms = 0; ms <= 4_000; ms += STEP_MS) {
                run.moveTo(ms);
                long due = Math.min(4_000, ms + 1);
                ManualClockLoad.awaitQuickly(() -> load.iterationsStarted() + load.droppedIterations() >= due
                        && load.activeVus() == 0);

                // then: exactly the iterations due by now have started: none early, none missed
                assertThat(load.iterationsStarted() + load.droppedIterations()).as("at %d ms", ms).isEqualTo(due);
            }
            ManualClockLoad.awaitQuickly(() -> run.events().size() == 4_000);

            // and: none was dropped; the intended start of iteration i is i ms (to the microsecond it is rounded
            // down to), and each was sent in the step it fell due in, never before
            assertThat(load.droppedIterations()).isZero();
            List<RequestTiming> events = run.events();
            long[] intendedUs = events.stream().mapToLong(e -> run.elapsedUs(e.getIntendedStartUs())).sorted()
                    .toArray();
            for (int i = 0; i < intendedUs.length; i++) {
                assertThat(intendedUs[i]).as("intended start of iteration %d", i).isBetween(i * 1000L - 1,
                        i * 1000L);
            }
            for (RequestTiming event : events) {
                long intended = run.elapsedUs(event.getIntendedStartUs());
                assertThat(run.elapsedUs(event.getActualStartUs())).isGreaterThanOrEqualTo(intended)
                        .isLessThan(intended + STEP_MS * 1000);
            }
        }
    }

    @Test
    void constantArrivalRatePutsEveryDueIterationOnTheTopicSentOrCountedAsDropped(TestKafka kafka,
                                                                                   Loopback target)
            throws Exception {
        // given: 1,000 iterations/s for 4 s against an endpoint that answers at once, on the real clock
        GeneratorConfig config = Loopback.config(kafka, "rate-run");

        // when
        RecordedRun run = RecordedRun.of(kafka, config, Plans.plan(target.url(),
                Plans.constantRate(1000, Duration.ofSeconds(4), 100, 400), Plans.get("/ok")));

        // then: every due iteration was sent or counted as dropped, every one sent is on the topic, and the
        // intended starts are the schedule's, 1,000 a second, less those dropped
        GeneratorResult result = run.result();
        List<RequestTiming> events = run.events();
        assertThat(events).hasSize((int) result.requestsSent());
        assertThat(result.requestsSent() + result.droppedIterations()).isEqualTo(4000);
        long start = events.stream().mapToLong(RequestTiming::getIntendedStartUs).min().orElseThrow();
        long[] intendedPerSecond = new long[5];
        for (RequestTiming event : events) {
            intendedPerSecond[(int) Math.min(4, (event.getIntendedStartUs() - start) / 1_000_000)]++;
            assertThat(event.getActualStartUs()).isGreaterThanOrEqualTo(event.getIntendedStartUs());
        }
        for (int second = 0; second < 4; second++) {
            assertThat(intendedPerSecond[second]).as("intended starts in second %d of %s, %d dropped", second,
                    Arrays.toString(intendedPerSecond), result.droppedIterations())
                    .isBetween(1000 - result.droppedIterations() - 1, 1001L);
        }
        assertThat(intendedPerSecond[4]).isZero();
    }

    @Test
    void rampingVusRunsTheStageTargetsAsDistinctVus(Loopback target) throws Exception {
        // given: up to 3 VUs in 1 s, hold 1.5 s, up to 6 VUs in 1 s, hold 1.5 s, on a clock the test moves
        List<Stage> stages = List.of(new Stage(Duration.ofSeconds(1), 3), new Stage(Duration.ofMillis(1500), 3),
                new Stage(Duration.ofSeconds(1), 6), new Stage(Duration.ofMillis(1500), 6));
        try (ManualClockLoad run = new ManualClockLoad(Plans.plan(target.url(), Plans.rampingVus(stages),
                Plans.get("/fixed?ms=10")))) {
            run.start();

            // when / then: in the middle of each hold, exactly the stage's target of VUs send requests
            assertThat(vusSendingBetween(run, 1_300, 2_300, 3)).hasSize(3);
            assertThat(vusSendingBetween(run, 3_800, 4_800, 6)).hasSize(6);
            // and: never more than the peak
            run.moveTo(5_000);
            assertThat(run.load().awaitEnd(ManualClockLoad.CATCH_UP)).isTrue();
            assertThat(run.events().stream().map(RequestTiming::getVu).collect(Collectors.toSet())).hasSize(6);
        }
    }

    /**
     * Moves the clock through {@code [fromMs, toMs)} in steps, waiting at the start for {@code expected} VUs to
     * send, and returns the VUs that sent requests in that span.
     */
    private static Set<Integer> vusSendingBetween(ManualClockLoad run, long fromMs, long toMs, int expected) {
        run.moveTo(fromMs);
        ManualClockLoad.awaitQuickly(() -> vusBetween(run, fromMs, toMs).size() >= expected);
        for (long ms = fromMs; ms < toMs; ms += STEP_MS) {
            run.moveTo(ms);
        }
        Set<Integer> vus = vusBetween(run, fromMs, toMs);
        run.moveTo(toMs);
        return vus;
    }

    private static Set<Integer> vusBetween(ManualClockLoad run, long fromMs, long toMs) {
        return run.events().stream()
                .filter(e -> run.elapsedUs(e.getActualStartUs()) >= fromMs * 1000
                        && run.elapsedUs(e.getActualStartUs()) < toMs * 1000)
                .map(RequestTiming::getVu).collect(Collectors.toSet());
    }
}
