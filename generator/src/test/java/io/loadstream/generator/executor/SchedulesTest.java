package io.loadstream.generator.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loadstream.generator.Segment;
import io.loadstream.generator.plan.Executor;
import io.loadstream.generator.plan.Load;
import io.loadstream.generator.plan.Stage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The executors' schedules as pure functions of time: no clock, no sleep. */
class SchedulesTest {

    private static final long SECOND = 1_000_000_000L;

    private static Load rampingVus(int startVus, List<Stage> stages) {
        return new Load(Executor.RAMPING_VUS, 0, Duration.ZERO, startVus, stages, 0, 0, Duration.ofSeconds(1), 0, 0,
                Duration.ofSeconds(30));
    }

    private static Load constantRate(double rate, Duration timeUnit, Duration duration) {
        return new Load(Executor.CONSTANT_ARRIVAL_RATE, 0, duration, 0, List.of(), rate, 0, timeUnit, 10, 10,
                Duration.ofSeconds(30));
    }

    private static Load rampingRate(double startRate, List<Stage> stages) {
        return new Load(Executor.RAMPING_ARRIVAL_RATE, 0, Duration.ZERO, 0, stages, 0, startRate,
                Duration.ofSeconds(1), 10, 10, Duration.ofSeconds(30));
    }

    private static Stage stage(long seconds, double target) {
        return new Stage(Duration.ofSeconds(seconds), target);
    }

    @Test
    void rampingVusFollowsTheReferenceRampLinearly() {
        // the reference's ramp: 0 -> 10 -> 50 -> 100 -> 0, one minute each (two at 100)
        VuSchedule schedule = VuSchedule.of(rampingVus(0,
                List.of(stage(60, 10), stage(60, 50), stage(120, 100), stage(60, 0))), Segment.WHOLE);

        assertThat(schedule.targetVus(0)).isZero();
        assertThat(schedule.targetVus(30 * SECOND)).isEqualTo(5);
        assertThat(schedule.targetVus(60 * SECOND)).isEqualTo(10);
        assertThat(schedule.targetVus(90 * SECOND)).isEqualTo(30);
        assertThat(schedule.targetVus(120 * SECOND)).isEqualTo(50);
        assertThat(schedule.targetVus(180 * SECOND)).isEqualTo(75);
        assertThat(schedule.targetVus(270 * SECOND)).isEqualTo(50);
        assertThat(schedule.targetVus(300 * SECOND)).isZero();
        assertThat(schedule.peakVus()).isEqualTo(100);
        assertThat(schedule.durationNanos()).isEqualTo(300 * SECOND);
    }

    @Test
    void segmentsSplitVusSoThatTheSharesAddUpExactly() {
        VuSchedule whole = VuSchedule.of(rampingVus(3, List.of(stage(10, 50), stage(10, 7))), Segment.WHOLE);
        List<VuSchedule> thirds = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            thirds.add(VuSchedule.of(rampingVus(3, List.of(stage(10, 50), stage(10, 7))), new Segment(i, 3)));
        }
        for (long t = 0; t < 20 * SECOND; t += SECOND / 10) {
            long at = t;
            assertThat(thirds.stream().mapToInt(s -> s.targetVus(at)).sum()).isEqualTo(whole.targetVus(at));
        }
        assertThat(new Segment(0, 3).share(50) + new Segment(1, 3).share(50) + new Segment(2, 3).share(50))
                .isEqualTo(50);
    }

    @Test
    void constantArrivalRateIsEvenlySpacedAndCountsPerTimeUnit() {
        // 30 per 2 s = 15/s for 4 s
        ArrivalSchedule schedule = ArrivalSchedule.of(
                constantRate(30, Duration.ofSeconds(2), Duration.ofSeconds(4)), Segment.WHOLE);
        List<Long> times = arrivals(schedule);
        assertThat(times).hasSize(60);
        assertThat(times.get(0)).isZero();
        assertThat(times.get(1)).isBetween(SECOND / 15 - 1, SECOND / 15 + 1);
        assertThat(schedule.arrivalNanos(60)).isEqualTo(ArrivalSchedule.NEVER);
    }

    @Test
    void rampingArrivalRateIntegratesTheRate() {
        // 0 -> 100/s over 10 s: 500 arrivals, the first half of them after 10 / sqrt(2) s
        ArrivalSchedule schedule = ArrivalSchedule.of(rampingRate(0, List.of(stage(10, 100))), Segment.WHOLE);
        List<Long> times = arrivals(schedule);
        assertThat(times).hasSizeBetween(499, 501);
        assertThat(times.get(250)).isBetween((long) (7.07 * SECOND) - SECOND / 100,
                (long) (7.07 * SECOND) + SECOND / 100);
        // then 100/s held for 2 s: 200 more, evenly
        ArrivalSchedule held = ArrivalSchedule.of(rampingRate(0, List.of(stage(10, 100), stage(2, 100))),
                Segment.WHOLE);
        assertThat(arrivals(held)).hasSizeBetween(699, 701);
    }

    @Test
    void segmentsTakeInterleavedArrivalsThatTogetherAreThePlans() {
        Load load = rampingRate(20, List.of(stage(3, 200), stage(2, 50)));
        TreeSet<Long> whole = new TreeSet<>(arrivals(ArrivalSchedule.of(load, Segment.WHOLE)));
        TreeSet<Long> union = new TreeSet<>();
        int total = 0;
        for (int i = 0; i < 3; i++) {
            List<Long> share = arrivals(ArrivalSchedule.of(load, new Segment(i, 3)));
            total += share.size();
            union.addAll(share);
        }
        assertThat(total).isEqualTo(whole.size());
        assertThat(union).isEqualTo(whole);
    }

    @Test
    void closedModelScheduleRefusesArrivalRateLoads() {
        assertThatThrownBy(() -> VuSchedule.of(constantRate(10, Duration.ofSeconds(1), Duration.ofSeconds(1)),
                Segment.WHOLE)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void segmentParsesAsWrittenOnTheCommandLine() {
        assertThat(Segment.parse("2/3")).isEqualTo(new Segment(1, 3));
        assertThat(Segment.parse("2/3").toString()).isEqualTo("2/3");
        assertThatThrownBy(() -> Segment.parse("4/3")).hasMessageContaining("1 <= i <= n");
        assertThatThrownBy(() -> Segment.parse("a/b")).hasMessageContaining("i/n");
        assertThatThrownBy(() -> Segment.parse("0/1")).isInstanceOf(IllegalArgumentException.class);
    }

    private static List<Long> arrivals(ArrivalSchedule schedule) {
        List<Long> times = new ArrayList<>();
        for (long i = 0; ; i++) {
            long t = schedule.arrivalNanos(i);
            if (t == ArrivalSchedule.NEVER) {
                return times;
            }
            times.add(t);
        }
    }
}
