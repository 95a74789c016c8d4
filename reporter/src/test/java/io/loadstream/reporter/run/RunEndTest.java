package io.loadstream.reporter.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.events.ControlType;
import io.loadstream.reporter.TestClock;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.fixtures.EventFixtures;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * When the reporter stops following a run. The clock is the test's and moves only when the test moves it; the
 * timeouts are those of {@code ReporterConfig.of}: STARTED within 5 min, totals within 2 min of the last FINISHED,
 * 60 s of control silence, 2 s settle.
 */
class RunEndTest {

    private static final String RUN = "end-run";
    private static final long[] LATENCIES_US = EventFixtures.spread(10, 1_000, 9_000);

    private final TestClock clock = TestClock.at(EventFixtures.nowMs());
    private final RunEnd runEnd = new RunEnd(clock, Duration.ofMinutes(5), Duration.ofMinutes(2),
            Duration.ofSeconds(60), Duration.ofSeconds(2));
    private final RunData data = new RunData(RUN, 60_000);

    private void started() {
        data.onControl(EventFixtures.control(RUN, ControlType.STARTED, clock.millis(), 0, 1));
        runEnd.controlRead();
    }

    private void finished() {
        data.onControl(EventFixtures.control(RUN, ControlType.FINISHED, clock.millis(), 0, 1));
        runEnd.controlRead();
    }

    private void totals() {
        for (String endpoint : new String[] {"GET /a", EventKeys.ALL_ENDPOINTS}) {
            data.onTotals(EventFixtures.totals(RUN, endpoint, clock.millis(), clock.millis(), LATENCIES_US, 0, true));
        }
    }

    private void allWindow() {
        data.onWindow(EventFixtures.window(RUN, EventKeys.ALL_ENDPOINTS, clock.millis(), 10_000, LATENCIES_US, 0));
    }

    @Test
    void aRunThatNeverStartsEndsInErrorOnlyAfterTheStartTimeout() {
        clock.add(Duration.ofMinutes(5));
        assertThat(runEnd.check(data).phase()).isEqualTo(RunEnd.Phase.FOLLOWING);

        clock.add(Duration.ofMillis(1));
        assertThat(runEnd.check(data).phase()).isEqualTo(RunEnd.Phase.NEVER_STARTED);
    }

    @Test
    void aFinishedRunWithItsTotalsAndWindowsIsOverAndComplete() {
        started();
        allWindow();
        finished();
        assertThat(runEnd.check(data).phase()).isEqualTo(RunEnd.Phase.FOLLOWING);

        totals();
        RunEnd.Check check = runEnd.check(data);

        assertThat(check.phase()).isEqualTo(RunEnd.Phase.OVER);
        assertThat(check.totalsIn()).isTrue();
        assertThat(check.warning()).isEmpty();
    }

    @Test
    void aRunWhoseControlTopicFallsSilentIsGivenUpAsDeadAfterTheSilenceTimeout() {
        started();
        clock.add(Duration.ofSeconds(59));
        runEnd.controlRead();
        clock.add(Duration.ofSeconds(60));
        assertThat(runEnd.check(data).phase()).as("60 s after the last heartbeat").isEqualTo(RunEnd.Phase.FOLLOWING);

        clock.add(Duration.ofMillis(1));

        assertOver(runEnd.check(data), false, "No control record (heartbeat) for 60 s");
    }

    @Test
    void aSilenceWhileTheBrokerDoesNotAnswerDoesNotCountAndTheWaitStartsAgainAfterIt() {
        // given: a started run whose heartbeats stop, and 50 s later the broker is found unreachable
        started();
        clock.add(Duration.ofSeconds(50));
        assertThat(runEnd.silentMs()).isEqualTo(50_000);
        runEnd.brokerUnreachable();

        // when: 60 s more pass without a heartbeat (110 s in all), the run is still followed
        clock.add(Duration.ofSeconds(60));
        assertThat(runEnd.check(data).phase()).isEqualTo(RunEnd.Phase.FOLLOWING);

        // then: a full silence timeout after the broker was last found unreachable, the run is given up
        clock.add(Duration.ofMillis(1));
        assertOver(runEnd.check(data), false, "No control record (heartbeat) for 60 s");
    }

    @Test
    void theWaitForTheFinalTotalsStartsAgainAfterTheBrokerWasUnreachable() {
        started();
        finished();
        assertThat(runEnd.check(data).phase()).isEqualTo(RunEnd.Phase.FOLLOWING);
        clock.add(Duration.ofSeconds(100));
        runEnd.brokerUnreachable();

        clock.add(Duration.ofMinutes(2));
        assertThat(runEnd.check(data).phase()).as("2 min after the broker's silence, 220 s after FINISHED")
                .isEqualTo(RunEnd.Phase.FOLLOWING);
        clock.add(Duration.ofMillis(1));
        assertOver(runEnd.check(data), false, "final totals did not arrive within 120 s");
    }

    @Test
    void aFinishedRunWithoutTotalsEndsIncompleteAfterTheFinishTimeout() {
        started();
        finished();
        assertThat(runEnd.check(data).phase()).isEqualTo(RunEnd.Phase.FOLLOWING);
        clock.add(Duration.ofMinutes(2));
        assertThat(runEnd.check(data).phase()).isEqualTo(RunEnd.Phase.FOLLOWING);

        clock.add(Duration.ofMillis(1));

        assertOver(runEnd.check(data), false, "final totals did not arrive within 120 s");
    }

    @Test
    void totalsWithoutTheirLastWindowsAreReportedFiveSettleTimesLater() {
        started();
        finished();
        totals();
        RunEnd.Check waiting = runEnd.check(data);
        assertThat(waiting.phase()).isEqualTo(RunEnd.Phase.FOLLOWING);
        assertThat(waiting.totalsIn()).isTrue();
        clock.add(Duration.ofSeconds(10));
        assertThat(runEnd.check(data).phase()).isEqualTo(RunEnd.Phase.FOLLOWING);

        clock.add(Duration.ofMillis(1));

        assertOver(runEnd.check(data), true, "windows add up to fewer");
    }

    /** The reporter stops waiting, says why, and knows whether the totals are in. */
    private static void assertOver(RunEnd.Check check, boolean totalsIn, String warningPart) {
        assertThat(check.phase()).isEqualTo(RunEnd.Phase.OVER);
        assertThat(check.totalsIn()).isEqualTo(totalsIn);
        assertThat(check.warning()).hasValueSatisfying(w -> assertThat(w).contains(warningPart));
    }
}
