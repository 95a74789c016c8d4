package io.loadstream.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.events.ErrorClass;
import io.loadstream.events.RequestTiming;
import io.loadstream.generator.plan.Check;
import io.loadstream.generator.plan.Executor;
import io.loadstream.generator.plan.Load;
import io.loadstream.generator.plan.Plan;
import io.loadstream.generator.plan.Scenario;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Requests still in flight when the schedule ends are not lost: those that end within {@code graceful_stop} are
 * recorded with their latency, the others are cut at the end of it and recorded as {@code TIMEOUT}; FINISHED
 * counts exactly what is on the topic, and the iterations intended are those sent plus those dropped.
 */
@ExtendWith({KafkaExtension.class, LoopbackExtension.class})
class GeneratorEndOfRunTest {

    /** How long the server holds the first step, in milliseconds. */
    private static final long FIRST_STEP_MS = 700;
    /**
     * How late a cut request may be recorded, in microseconds: the cut is made at the deadline, and its event is
     * written when Jetty reports the aborted request, on threads that a loaded 2-core machine may be slow to
     * run. Still below the 3.7 s after the cut at which the server would have answered the earliest /hang (sent
     * 0.7 s into the run, answered 5 s later); the error class and detail show it was the cut that ended them.
     */
    private static final long CUT_SLACK_US = 3_000_000;

    /**
     * How long after the load's start the first closed-model request may be sent, in microseconds (class loading
     * in a fresh JVM, on a loaded machine). Below the 1 s by which a cut at the schedule's end, without the
     * graceful stop, would come early: such a cut still fails the check.
     */
    private static final long FIRST_SEND_US = 900_000;

    @Test
    void openModelRecordsRequestsThatEndInTheGracefulStopAndCutsTheRestAtItsEnd(TestKafka kafka, Loopback target)
            throws Exception {
        // given: 10 iterations/s for 1 s on 6 VUs, 1 s of graceful stop. Each iteration holds /fixed for 700 ms,
        // then /hang (answered after 5 s: within the 10 s request timeout, but long after the run): the 6 VUs stay
        // busy to the end, so iterations 0..5 start and 6..9 are dropped
        Duration planned = Duration.ofSeconds(1);
        Duration gracefulStop = Duration.ofSeconds(1);
        Load load = new Load(Executor.CONSTANT_ARRIVAL_RATE, 0, planned, 0, List.of(), 10, 0,
                Duration.ofSeconds(1), 6, 6, gracefulStop);
        Plan plan = Plans.plan(target.url(), Plans.defaults(Duration.ofSeconds(10)), load,
                List.of(new Scenario("held", 1, List.of(Plans.step("GET", "/fixed?ms=" + FIRST_STEP_MS, "first",
                        Check.NONE), Plans.step("GET", "/hang", "held",
                        Check.NONE)), null)));

        // when
        RecordedRun run = RecordedRun.of(kafka, "end-open", plan);

        // then: intended 10 iterations = 6 started + 4 dropped; 2 requests per started iteration, all on the topic
        GeneratorResult result = run.result();
        assertThat(result.iterationsStarted()).isEqualTo(6);
        assertThat(result.droppedIterations()).isEqualTo(4);
        assertThat(result.requestsSent()).isEqualTo(12);
        assertThat(run.events()).hasSize(12);
        assertThat(run.finished()).isNotEmpty().allMatch(f -> f.getRequestsSent() == 12
                && f.getDroppedIterations() == 4 && f.getReason() == null);
        assertThat(result.aborted()).isFalse();

        // and: the first steps all answered, with the server's delay; those due from 0.3 s on ended after the
        // schedule's end, inside the graceful stop, and are recorded with their latency
        long startUs = run.events().stream().mapToLong(RequestTiming::getIntendedStartUs).min().orElseThrow();
        long endOfScheduleUs = startUs + planned.toNanos() / 1000;
        List<RequestTiming> first = endpoint(run, "first");
        assertThat(first).hasSize(6).allSatisfy(e -> {
            assertThat(e.getErrorClass()).isEqualTo(ErrorClass.NONE);
            assertThat(e.getLatencyUs()).isGreaterThanOrEqualTo(FIRST_STEP_MS * 1000);
        });
        assertThat(first.stream().filter(e -> e.getIntendedStartUs() + e.getLatencyUs() > endOfScheduleUs))
                .hasSizeGreaterThanOrEqualTo(2);

        // and: the held steps were cut at the end of the graceful stop, counted from the end of the schedule (not
        // from the last arrival, 0.9 s), and recorded as timeouts with the time they were held. The first
        // arrival is due at the very start of the load, so its intended start is the load's start.
        long cutUs = endOfScheduleUs + gracefulStop.toNanos() / 1000;
        assertThat(endpoint(run, "held")).hasSize(6).allSatisfy(e -> {
            assertThat(e.getErrorClass()).isEqualTo(ErrorClass.TIMEOUT);
            assertThat(e.getErrorDetail()).contains("still in flight at the end of the graceful stop");
            long endUs = e.getActualStartUs() + e.getServiceTimeUs();
            assertThat(endUs).isBetween(cutUs - 1_000, cutUs + CUT_SLACK_US);
            assertThat(e.getLatencyUs()).isEqualTo(e.getServiceTimeUs());
        });
    }

    @Test
    void closedModelCutsRequestsHeldPastTheGracefulStopAndRecordsEachOnce(TestKafka kafka, Loopback target)
            throws Exception {
        // given: 3 VUs for 1 s against /hang (answered after 5 s), 1 s of graceful stop
        Duration gracefulStop = Duration.ofSeconds(1);
        Load load = new Load(Executor.CONSTANT_VUS, 3, Duration.ofSeconds(1), 0, List.of(), 0, 0,
                Duration.ofSeconds(1), 0, 0, gracefulStop);
        Plan plan = Plans.plan(target.url(), Plans.defaults(Duration.ofSeconds(10)), load,
                List.of(new Scenario("held", 1, List.of(Plans.get("/hang")), null)));

        // when
        RecordedRun run = RecordedRun.of(kafka, "end-closed", plan);

        // then: each VU's one request is one TIMEOUT event, cut 2 s after the start, and FINISHED counts 3
        assertThat(run.result().requestsSent()).isEqualTo(3);
        assertThat(run.events()).hasSize(3);
        // The VUs start with the load, so the first request is sent at its start, give or take the first
        // request's class loading in a fresh JVM (FIRST_SEND_US); a cut at the schedule's end would come 1 s early.
        long firstUs = run.events().stream().mapToLong(RequestTiming::getIntendedStartUs).min().orElseThrow();
        long cutUs = firstUs + (Duration.ofSeconds(1).plus(gracefulStop)).toNanos() / 1000;
        assertThat(run.events()).allSatisfy(e -> {
            assertThat(e.getErrorClass()).isEqualTo(ErrorClass.TIMEOUT);
            assertThat(e.getErrorDetail()).contains("still in flight at the end of the graceful stop");
            assertThat(e.getIntendedStartUs() + e.getLatencyUs())
                    .isBetween(cutUs - FIRST_SEND_US, cutUs + CUT_SLACK_US);
        });
        assertThat(run.finished()).isNotEmpty().allMatch(f -> f.getRequestsSent() == 3);
    }

    private static List<RequestTiming> endpoint(RecordedRun run, String name) {
        return run.events().stream().filter(e -> e.getEndpoint().equals(name)).toList();
    }
}
