package io.loadstream.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.events.RequestTiming;
import io.loadstream.generator.plan.Stage;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code ramping-arrival-rate} against a live server: the iterations intended each second follow the stages, the
 * total is the integral of the rate, and every request is one event on the topic. (How closely the sends follow
 * the wall clock is measured outside this suite, whose machine may be loaded.)
 */
@ExtendWith({KafkaExtension.class, LoopbackExtension.class})
class RampingArrivalRateTest {

    @Test
    void iterationsPerSecondFollowTheStagesAndTheTotalIsTheIntegralOfTheRate(TestKafka kafka, Loopback target)
            throws Exception {
        // given: 0 -> 200/s over 1 s, 200/s for 2 s, 200 -> 0/s over 1 s. The cumulative arrivals N(t) are
        // 100 t^2 in the first second, then 100 + 200 (t - 1), then 500 + 200 (t - 3) - 100 (t - 3)^2, so the
        // seconds hold N(1) - N(0) = 100, 200, 200 and N(4) - N(3) = 100 arrivals: 600 in all
        List<Stage> stages = List.of(new Stage(Duration.ofSeconds(1), 200), new Stage(Duration.ofSeconds(2), 200),
                new Stage(Duration.ofSeconds(1), 0));
        long[] expected = {100, 200, 200, 100};
        long total = Arrays.stream(expected).sum();

        // when
        RecordedRun run = RecordedRun.of(kafka, "ramp-rate", Plans.plan(target.url(),
                Plans.rampingRate(0, stages, 50), Plans.get("/ok")));

        // then: every arrival of the schedule was started or counted as dropped (50 VUs cover 250 ms of response
        // time at 200/s: none is dropped unless the machine stalls the run), and every one started is on the topic
        List<RequestTiming> events = run.events();
        long sent = run.result().requestsSent();
        long dropped = run.result().droppedIterations();
        assertThat(sent + dropped).isEqualTo(total);
        assertThat(events).hasSize((int) sent);
        assertThat(run.finished()).isNotEmpty().allMatch(f -> f.getRequestsSent() == sent
                && f.getDroppedIterations() == dropped);

        // and: per second, the intended starts are the schedule's (to within one, for the microsecond rounding of
        // arrivals due exactly on a second's boundary), less any dropped; no request was sent before it was due
        long start = events.stream().mapToLong(RequestTiming::getIntendedStartUs).min().orElseThrow();
        long[] intended = intendedPerSecond(events, start);
        for (int second = 0; second < expected.length; second++) {
            assertThat(intended[second]).as("intended starts in second %d of %s, %d dropped", second,
                    Arrays.toString(intended), dropped)
                    .isBetween(expected[second] - dropped - 1, expected[second] + 1);
        }
        assertThat(events).allMatch(e -> e.getActualStartUs() >= e.getIntendedStartUs());
        // and: nothing is intended after the end of the schedule
        assertThat(events).allMatch(e -> e.getIntendedStartUs() - start < expected.length * 1_000_000L);
    }

    private static long[] intendedPerSecond(List<RequestTiming> events, long startUs) {
        long[] counts = new long[5];
        for (RequestTiming event : events) {
            counts[(int) Math.min(counts.length - 1, (event.getIntendedStartUs() - startUs) / 1_000_000)]++;
        }
        return counts;
    }
}
