package io.loadstream.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.events.RequestTiming;
import io.loadstream.generator.plan.Stage;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code ramping-arrival-rate} against a live server: the iterations started each second follow the stages, the
 * total is the integral of the rate, and every request is one event on the topic.
 */
@ExtendWith(KafkaExtension.class)
class RampingArrivalRateTest {

    /**
     * Send tolerance per second, in requests. The schedule itself is exact (checked below to within one request
     * for the microsecond rounding of arrivals due exactly on a second's boundary); a send can only move to the
     * next second when the control loop is late at a boundary. At the 200/s of every boundary here, 10 requests
     * are 50 ms of lateness: 5% of the peak rate, the tolerance ExecutorScheduleTest gives 1,000/s.
     */
    private static final long SEND_TOLERANCE = 10;

    private TestServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = new TestServer();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void iterationsPerSecondFollowTheStagesAndTheTotalIsTheIntegralOfTheRate(TestKafka kafka) throws Exception {
        // given: 0 -> 200/s over 1 s, 200/s for 2 s, 200 -> 0/s over 1 s. The cumulative arrivals N(t) are
        // 100 t^2 in the first second, then 100 + 200 (t - 1), then 500 + 200 (t - 3) - 100 (t - 3)^2, so the
        // seconds hold N(1) - N(0) = 100, 200, 200 and N(4) - N(3) = 100 arrivals: 600 in all
        List<Stage> stages = List.of(new Stage(Duration.ofSeconds(1), 200), new Stage(Duration.ofSeconds(2), 200),
                new Stage(Duration.ofSeconds(1), 0));
        long[] expected = {100, 200, 200, 100};
        long total = Arrays.stream(expected).sum();
        // a 1 s warm-up in this JVM first (JIT, first connections), as ExecutorScheduleTest does
        RecordedRun.of(kafka, "ramp-rate-warm-up", Plans.plan(server.url(),
                Plans.constantRate(200, Duration.ofSeconds(1), 20, 50), Plans.get("/ok")));

        // when
        RecordedRun run = RecordedRun.of(kafka, "ramp-rate", Plans.plan(server.url(),
                Plans.rampingRate(0, stages, 50), Plans.get("/ok")));

        // then: every arrival of the schedule was started (50 VUs cover 250 ms of response time at 200/s)
        List<RequestTiming> events = run.events();
        assertThat(run.result().droppedIterations()).isZero();
        assertThat(run.result().requestsSent()).isEqualTo(total);
        assertThat(events).hasSize((int) total);
        assertThat(run.finished()).isNotEmpty().allMatch(f -> f.getRequestsSent() == total
                && f.getDroppedIterations() == 0);

        // and: per second, the intended starts are the schedule's, and the actual sends follow within tolerance
        long start = events.stream().mapToLong(RequestTiming::getIntendedStartUs).min().orElseThrow();
        long[] intended = perSecond(events, start, true);
        long[] sent = perSecond(events, start, false);
        for (int second = 0; second < expected.length; second++) {
            assertThat(intended[second]).as("intended starts in second %d of %s", second, Arrays.toString(intended))
                    .isBetween(expected[second] - 1, expected[second] + 1);
            assertThat(sent[second]).as("requests sent in second %d of %s", second, Arrays.toString(sent))
                    .isBetween(expected[second] - SEND_TOLERANCE, expected[second] + SEND_TOLERANCE);
        }
        // and: nothing is intended after the end of the schedule
        assertThat(events).allMatch(e -> e.getIntendedStartUs() - start < expected.length * 1_000_000L);
    }

    private static long[] perSecond(List<RequestTiming> events, long startUs, boolean intended) {
        long[] counts = new long[5];
        for (RequestTiming event : events) {
            long at = intended ? event.getIntendedStartUs() : event.getActualStartUs();
            counts[(int) Math.min(counts.length - 1, (at - startUs) / 1_000_000)]++;
        }
        return counts;
    }
}
