package io.loadstream.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.events.ErrorClass;
import io.loadstream.events.RequestTiming;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Latency as recorded on the topic, against the latency the test server injects. */
@ExtendWith({KafkaExtension.class, LoopbackExtension.class})
class GeneratorLatencyTest {

    /**
     * How much a loaded machine may add to the median of a 20 ms endpoint, in milliseconds: waking threads that
     * wait for a CPU among a dozen runnable ones. Far below what a latency measured from the wrong start would add
     * (the server's 20 ms again, or a pacing interval). How close the median comes to 20 ms on a quiet machine is
     * measured outside this suite.
     */
    private static final double LOADED_MACHINE_MS = 200;

    @Test
    void fixedTwentyMillisecondEndpointHasP50OfTwentyMillisecondsPlusTheMachinesOwnDelay(TestKafka kafka,
                                                                                          Loopback target)
            throws Exception {
        // given: 2 VUs against /fixed (20 ms) for 3 s
        GeneratorConfig config = Loopback.config(kafka, "fixed-run");

        // when
        RecordedRun run = RecordedRun.of(kafka, config,
                Plans.plan(target.url(), Plans.constantVus(2, Duration.ofSeconds(3)), Plans.get("/fixed?ms=20")));

        // then: every request answered, each no faster than the server held it, and the p50 from the raw values
        // (Commons Math, nearest rank) 20 ms plus what the machine adds
        List<RequestTiming> events = run.events();
        assertThat(events).hasSize((int) run.result().requestsSent()).isNotEmpty();
        assertThat(events).allMatch(e -> e.getErrorClass() == ErrorClass.NONE && e.getStatus() == 200);
        double[] latenciesMs = events.stream().mapToDouble(e -> e.getLatencyUs() / 1000.0).toArray();
        Percentile percentile = new Percentile().withEstimationType(Percentile.EstimationType.R_1);
        double[] ttfbMs = events.stream().mapToDouble(e -> e.getTimeToFirstByteUs() / 1000.0).toArray();
        double[] heldMs = target.server().fixedDelaysMicros.stream().mapToDouble(us -> us / 1000.0).toArray();
        assertThat(Arrays.stream(latenciesMs).min().orElseThrow()).isGreaterThanOrEqualTo(20.0);
        assertThat(percentile.evaluate(latenciesMs, 50))
                .as("p50 of %d latencies (p10 %.2f, p90 %.2f ms; p50 TTFB %.2f ms; p50 of the time the server "
                        + "actually held the responses %.2f ms)", latenciesMs.length,
                        percentile.evaluate(latenciesMs, 10), percentile.evaluate(latenciesMs, 90),
                        percentile.evaluate(ttfbMs, 50), percentile.evaluate(heldMs, 50))
                .isBetween(20.0, 20.0 + LOADED_MACHINE_MS);
        // Closed model: the intended start is the actual start.
        assertThat(events).allMatch(e -> e.getIntendedStartUs() == e.getActualStartUs()
                && e.getLatencyUs() == e.getServiceTimeUs());
    }

    @Test
    void serverStallShowsInP99WhenMaxVusCannotCoverIt(TestKafka kafka, Loopback target) throws Exception {
        // given: 20 iterations/s for 6 s with at most 5 VUs; the server stalls for 1 s from 2 s on
        // when
        RecordedRun run = RecordedRun.of(kafka, "stall-run", Plans.plan(target.url(),
                Plans.constantRate(20, Duration.ofSeconds(6), 5, 5), Plans.get("/stall")));

        // then: the VUs caught in the stall record it from their intended start; the rest were dropped
        GeneratorResult result = run.result();
        List<RequestTiming> events = run.events();
        assertThat(events).hasSize((int) result.requestsSent());
        assertThat(result.droppedIterations()).isPositive();
        assertThat(result.requestsSent() + result.droppedIterations()).isEqualTo(120);
        double[] latenciesMs = events.stream().mapToDouble(e -> e.getLatencyUs() / 1000.0).toArray();
        Percentile p99 = new Percentile().withEstimationType(Percentile.EstimationType.R_1);
        assertThat(p99.evaluate(latenciesMs, 99)).isGreaterThanOrEqualTo(500.0);
        // The service time from the actual send is recorded beside it, never above the latency.
        assertThat(events).allMatch(e -> e.getServiceTimeUs() > 0 && e.getServiceTimeUs() <= e.getLatencyUs()
                && e.getActualStartUs() >= e.getIntendedStartUs());
    }
}
