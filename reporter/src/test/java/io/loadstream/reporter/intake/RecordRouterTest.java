package io.loadstream.reporter.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.events.ControlType;
import io.loadstream.events.EndpointTotals;
import io.loadstream.events.EndpointWindow;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.EventSerdes;
import io.loadstream.schemas.Topics;
import io.loadstream.schemas.fixtures.EventFixtures;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The reporter's entrance: records of its run become typed events, decoded once, or dead letters. */
class RecordRouterTest {

    private static final String RUN = "weekly-1";
    private static final Topics TOPICS = Topics.DEFAULT;
    private static final long[] LATENCIES_US = EventFixtures.spread(20, 1_000, 50_000);

    private final RecordRouter router = new RecordRouter(RUN, TOPICS);

    private static ConsumerRecord<String, byte[]> record(String topic, String key, byte[] value) {
        return new ConsumerRecord<>(topic, 3, 42, key, value);
    }

    @Test
    void recordsOfOtherRunsAndKeylessOnesAreSkipped() {
        byte[] control = EventSerdes.runControl().serialize(TOPICS.control(),
                EventFixtures.control("weekly-10", ControlType.STARTED, EventFixtures.nowMs(), 0, 1));

        assertThat(router.route(record(TOPICS.control(), "weekly-10", control))).isEmpty();
        assertThat(router.route(record(TOPICS.windows(), "weekly-10|GET /a|0", control))).isEmpty();
        assertThat(router.route(record(TOPICS.control(), null, control))).isEmpty();
    }

    @Test
    void aWindowArrivesWithItsStatisticsDecoded() {
        EndpointWindow window = EventFixtures.window(RUN, "GET /a", EventFixtures.nowMs(), 10_000, LATENCIES_US, 4);

        Optional<RunEvent> event = router.route(record(TOPICS.windows(),
                EventKeys.windowKey(RUN, "GET /a", window.getWindowStartMs()),
                EventSerdes.endpointWindow().serialize(TOPICS.windows(), window)));

        assertThat(event).get().isInstanceOfSatisfying(RunEvent.Window.class, w -> {
            assertThat(w.window()).isEqualTo(window);
            assertThat(w.stats().count()).isEqualTo(20);
            assertThat(w.stats().errorCount()).isEqualTo(5);
            assertThat(w.stats().histogramCount()).isEqualTo(20);
        });
    }

    @Test
    void totalsArriveWithTheirStatisticsDecoded() {
        EndpointTotals totals = EventFixtures.totals(RUN, EventKeys.ALL_ENDPOINTS, 0, 1, LATENCIES_US, 0, true);

        Optional<RunEvent> event = router.route(record(TOPICS.totals(), EventKeys.requestKey(RUN, "*"),
                EventSerdes.endpointTotals().serialize(TOPICS.totals(), totals)));

        assertThat(event).get().isInstanceOfSatisfying(RunEvent.Totals.class, t -> {
            assertThat(t.totals()).isEqualTo(totals);
            assertThat(t.stats().maxMs()).isEqualTo(50.0);
        });
    }

    @Test
    void anEventOfAnotherRunKeyedForThisOneIsADeadLetterNotAFigureOfThisRun() {
        EndpointTotals foreign = EventFixtures.totals("weekly-2", "GET /a", 0, 1, LATENCIES_US, 0, true);
        ConsumerRecord<String, byte[]> record = record(TOPICS.totals(), EventKeys.requestKey(RUN, "GET /a"),
                EventSerdes.endpointTotals().serialize(TOPICS.totals(), foreign));

        assertThat(router.route(record)).get().isInstanceOfSatisfying(RunEvent.Unreadable.class, u -> {
            assertThat(u.reason()).isEqualTo(RecordRouter.RUN_ID_MISMATCH);
            assertThat(u.message()).contains("weekly-1").contains("'weekly-2'");
        });
    }

    @Test
    void aTombstoneOfTheRunBecomesADeadLetterInsteadOfAnEmptyEvent() {
        for (String topic : List.of(TOPICS.control(), TOPICS.windows(), TOPICS.totals(), TOPICS.systemWindows())) {
            ConsumerRecord<String, byte[]> tombstone = record(topic, RUN, null);

            assertThat(router.route(tombstone)).as(topic).get().isInstanceOfSatisfying(RunEvent.Unreadable.class,
                    u -> {
                        assertThat(u.reason()).isEqualTo("NULL_VALUE");
                        assertThat(u.record()).isSameAs(tombstone);
                    });
        }
    }

    @Test
    void aRecordThatIsNotAvroBecomesADeadLetterNamingWhy() {
        ConsumerRecord<String, byte[]> bad = record(TOPICS.windows(), EventKeys.windowKey(RUN, "GET /a", 0),
                "not avro".getBytes(StandardCharsets.UTF_8));

        assertThat(router.route(bad)).get().isInstanceOfSatisfying(RunEvent.Unreadable.class, u -> {
            assertThat(u.reason()).isEqualTo("BAD_HEADER");
            assertThat(u.record()).isSameAs(bad);
        });
    }

    @Test
    void totalsWhoseHistogramDoesNotDecodeBecomeADeadLetter() {
        EndpointTotals totals = EventFixtures.totals(RUN, "GET /a", 0, 1, LATENCIES_US, 0, true);
        totals.getStats().setHistogram(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));

        Optional<RunEvent> event = router.route(record(TOPICS.totals(), EventKeys.requestKey(RUN, "GET /a"),
                EventSerdes.endpointTotals().serialize(TOPICS.totals(), totals)));

        assertThat(event).get().isInstanceOfSatisfying(RunEvent.Unreadable.class, u -> {
            assertThat(u.reason()).isEqualTo(RecordRouter.UNREADABLE);
            assertThat(u.message()).contains("not a compressed HdrHistogram");
        });
    }

    @Test
    void statisticsWhoseSmallestLatencyIsAboveTheLargestBecomeADeadLetter() {
        EndpointWindow window = EventFixtures.window(RUN, "GET /a", 0, 10_000, LATENCIES_US, 0);
        window.getStats().setMinUs(60_000);

        Optional<RunEvent> event = router.route(record(TOPICS.windows(), EventKeys.windowKey(RUN, "GET /a", 0),
                EventSerdes.endpointWindow().serialize(TOPICS.windows(), window)));

        assertThat(event).get().isInstanceOfSatisfying(RunEvent.Unreadable.class,
                u -> assertThat(u.message()).contains("above the largest"));
    }
}
