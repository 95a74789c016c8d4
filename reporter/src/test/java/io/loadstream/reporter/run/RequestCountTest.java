package io.loadstream.reporter.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.events.ControlType;
import io.loadstream.events.EndpointTotals;
import io.loadstream.events.RunControl;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.fixtures.EventFixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The generators' own counts against the report's: final totals that are short make a run incomplete. */
class RequestCountTest {

    private static final String RUN = "weekly-1";

    private static RunControl finished(int segment, long sent, long dropped) {
        RunControl control = EventFixtures.control(RUN, ControlType.FINISHED, EventFixtures.nowMs(), segment, 2);
        control.setRequestsSent(sent);
        control.setEventsDropped(dropped);
        return control;
    }

    private static EndpointTotals counted(int requests) {
        return EventFixtures.totals(RUN, EventKeys.ALL_ENDPOINTS, 0, 1, EventFixtures.spread(requests, 100, 9_000), 0,
                true);
    }

    @Test
    void countsThatAgreeAreNoProblem() {
        assertThat(RequestCount.problem(List.of(finished(0, 600, 0), finished(1, 400, 0)), counted(1_000))).isEmpty();
    }

    @Test
    void aShortCountNamesBothFiguresAndRetentionOrBadRecords() {
        assertThat(RequestCount.problem(List.of(finished(0, 13_500, 0), finished(1, 13_500, 0)), counted(26_938)))
                .hasValue("The generators sent 27,000 requests; the report counts 26,938 (62 missing); likely cause: "
                        + "records are missing from the requests topic: deleted by its retention before the "
                        + "aggregator read them, or set aside as bad records (see the dead-letter topic). The report "
                        + "is marked incomplete.");
    }

    @Test
    void aShortCountExplainedByDroppedEventsSaysSo() {
        assertThat(RequestCount.problem(List.of(finished(0, 500, 3), finished(1, 500, 0)), counted(997)))
                .get().asString().contains("3 missing").contains("the generators dropped events they could not "
                        + "publish (3 request events dropped");
    }

    @Test
    void droppedSystemSamplesDoNotExplainMissingRequests() {
        RunControl samplesOnly = finished(0, 500, 5);
        samplesOnly.setSamplesDropped(5);

        assertThat(RequestCount.problem(List.of(samplesOnly, finished(1, 500, 0)), counted(997)))
                .get().asString().contains("3 missing").contains("records are missing from the requests topic");
    }

    @Test
    void moreCountedThanSentPointsAtASharedRunId() {
        assertThat(RequestCount.problem(List.of(finished(0, 100, 0), finished(1, 100, 0)), counted(250)))
                .get().asString().contains("(50 more): another generator may have used the same run id");
    }

    @Test
    void generatorsThatDoNotSayWhatTheySentAreTrusted() {
        assertThat(RequestCount.problem(List.of(finished(0, 0, 0), finished(1, 0, 0)), counted(10))).isEmpty();
    }
}
