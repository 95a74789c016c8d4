package io.loadstream.aggregator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.aggregator.stats.Accumulator;
import io.loadstream.events.EndpointTotals;
import io.loadstream.events.EndpointWindow;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.EventSerdes;
import io.loadstream.schemas.Topics;
import io.loadstream.schemas.fixtures.EventFixtures;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The second stage alone, with a {@link MockProcessorContext}: the {@code *} shares of two first-stage tasks in,
 * the {@code *} windows and totals read from {@code context.forwarded(name)}.
 */
class StarMergeProcessorTest {

    private static final Topics TOPICS = Topics.DEFAULT;
    private static final String RUN = "run-1";
    private static final long T0 = EventFixtures.nowMs();
    private static final long SIZE_MS = 1_000;

    @TempDir
    Path stateDir;

    private final ByteBuffer scratch = ByteBuffer.allocate(Accumulator.scratchCapacity());
    private MockProcessorContext<byte[], byte[]> context;
    private KeyValueStore<String, byte[]> store;
    private StarMergeProcessor processor;

    @BeforeEach
    void start() {
        context = new MockProcessorContext<>(new Properties(), new TaskId(1, 0), stateDir.toFile());
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(StarMergeProcessor.STORE), Serdes.String(),
                Serdes.ByteArray()).withLoggingDisabled().withCachingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        processor = new StarMergeProcessor(TOPICS);
        processor.init(context);
    }

    @Test
    void emitsAStarWindowOnceEveryTaskHasClosedItWithTheMergeOfTheirShares() {
        // given: task 0 has closed the first window, with 3 requests
        share(0, T0 + SIZE_MS, false, window(T0, 3), requests(3));
        assertThat(windows()).as("task 1 has not closed it yet").isEmpty();

        // when: task 1 closes it too, with 2 requests
        share(1, T0 + SIZE_MS, false, window(T0, 2), requests(2));

        // then: one * window with the 5, and * totals that are not complete
        assertThat(windows()).singleElement().satisfies(w -> {
            assertThat(w.getEndpoint()).isEqualTo(EventKeys.ALL_ENDPOINTS);
            assertThat(w.getWindowStartMs()).isEqualTo(T0);
            assertThat(w.getWindowEndMs()).isEqualTo(T0 + SIZE_MS);
            assertThat(w.getStats().getCount()).isEqualTo(5);
        });
        assertThat(new String(context.forwarded(AggregatorTopology.STAR_WINDOWS).get(0).record().key(),
                StandardCharsets.UTF_8)).isEqualTo(EventKeys.windowKey(RUN, EventKeys.ALL_ENDPOINTS, T0));
        assertThat(totals()).singleElement().satisfies(t -> {
            assertThat(t.getComplete()).isFalse();
            assertThat(t.getStats().getCount()).isEqualTo(5);
        });
        assertThat(store.get(RUN)).isNotNull();
    }

    @Test
    void emitsCompleteStarTotalsOnceEveryTaskIsCompleteAndDropsTheRun() {
        share(0, Long.MAX_VALUE, true, new TreeMap<>(), requests(4));
        assertThat(totals()).noneMatch(EndpointTotals::getComplete);

        share(1, Long.MAX_VALUE, true, window(T0, 1), requests(1));

        assertThat(windows()).singleElement().satisfies(w -> assertThat(w.getStats().getCount()).isEqualTo(1));
        assertThat(totals()).filteredOn(EndpointTotals::getComplete).singleElement()
                .satisfies(t -> assertThat(t.getStats().getCount()).isEqualTo(5));
        assertThat(store.get(RUN)).isNull();
    }

    @Test
    void ignoresAShareFromAPartitionOutsideTheRunsTasks() {
        share(0, T0 + SIZE_MS, false, window(T0, 3), requests(3));

        share(7, T0 + SIZE_MS, false, window(T0, 2), requests(2));

        assertThat(context.forwarded()).isEmpty();
    }

    private void share(int partition, long closedUpToMs, boolean complete, TreeMap<Long, Accumulator> windows,
                       Accumulator totals) {
        StarPartial share = new StarPartial(partition, 2, SIZE_MS, closedUpToMs, complete, windows, totals);
        processor.process(new Record<>(RUN.getBytes(StandardCharsets.UTF_8), share.encode(scratch), T0));
    }

    private static TreeMap<Long, Accumulator> window(long startMs, int requests) {
        TreeMap<Long, Accumulator> windows = new TreeMap<>();
        windows.put(startMs, requests(requests));
        return windows;
    }

    private static Accumulator requests(int count) {
        Accumulator stats = new Accumulator();
        for (int i = 0; i < count; i++) {
            stats.record(EventFixtures.ok(RUN, "GET /a", T0 + i, 1_000 + i), T0 + i);
        }
        return stats;
    }

    private List<EndpointWindow> windows() {
        return context.forwarded(AggregatorTopology.STAR_WINDOWS).stream()
                .map(f -> EventSerdes.endpointWindow().deserialize(TOPICS.windows(), f.record().value())).toList();
    }

    private List<EndpointTotals> totals() {
        return context.forwarded(AggregatorTopology.STAR_TOTALS).stream()
                .map(f -> EventSerdes.endpointTotals().deserialize(TOPICS.totals(), f.record().value())).toList();
    }
}
