package io.loadstream.aggregator.topology;

import io.loadstream.aggregator.AggregatorConfig;
import io.loadstream.schemas.Topics;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/** Builds the aggregator's topology; see {@code docs/AGGREGATOR.md} for its shape. */
public final class AggregatorTopology {

    /** Name of the internal repartition topic of the {@code *} shares (prefixed by the application id). */
    public static final String STAR_PARTIALS = "star-partials";

    private AggregatorTopology() {
    }

    /**
     * Builds the topology.
     *
     * @param topics         the topic names
     * @param config         the configuration (default window and grace, idle timeout)
     * @param partitionCount partitions of the requests topic: how many first-stage tasks send {@code *} shares
     * @return the topology
     */
    public static Topology build(Topics topics, AggregatorConfig config, int partitionCount) {
        Serde<byte[]> bytes = Serdes.ByteArray();
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(LiveStateStore.builder(config.defaultWindowSize().toMillis(),
                config.defaultGrace().toMillis()));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(StarMergeProcessor.STORE), Serdes.String(), bytes).withCachingDisabled());

        // Requests, control and system samples in one source, so one task reads partition p of each: control
        // records reach every partition, so every task sees every run's heartbeats and FINISHED. Values stay
        // bytes here so that a record that does not decode can go to the dead-letter topic unchanged.
        KStream<byte[], byte[]> events = builder.stream(
                List.of(topics.requests(), topics.control(), topics.system()),
                Consumed.with(bytes, bytes).withName("events"));
        // Live histograms in memory, per run and endpoint; emits closed windows, totals and * shares.
        KStream<byte[], Emitted> emitted = events.process(
                () -> new AggregateProcessor(topics, config, partitionCount), Named.as("aggregate"),
                LiveStateStore.NAME);
        route(emitted, topics, "endpoint");
        emitted.filter((key, value) -> value.kind() == Emitted.Kind.SYSTEM_WINDOW, Named.as("system-windows"))
                .mapValues(Emitted::value, Named.as("system-windows-value"))
                .to(topics.systemWindows(), Produced.with(bytes, bytes).withName("system-windows-sink"));
        emitted.filter((key, value) -> value.kind() == Emitted.Kind.DEAD_LETTER, Named.as("dead-letters"))
                .mapValues(Emitted::value, Named.as("dead-letters-value"))
                .to(topics.dlq(), Produced.with(bytes, bytes).withName("dead-letters-sink"));

        // The endpoints of a run spread over tasks: each task's * share goes, keyed by run id, to one merging task.
        KStream<byte[], Emitted> star = emitted
                .filter((key, value) -> value.kind() == Emitted.Kind.STAR_PARTIAL, Named.as("star-shares"))
                .mapValues(Emitted::value, Named.as("star-shares-value"))
                .repartition(Repartitioned.with(bytes, bytes).withName(STAR_PARTIALS))
                .process(() -> new StarMergeProcessor(topics), Named.as("star-merge"), StarMergeProcessor.STORE);
        route(star, topics, "star");
        return builder.build();
    }

    /** Sends emitted windows and totals to their topics. */
    private static void route(KStream<byte[], Emitted> emitted, Topics topics, String prefix) {
        Serde<byte[]> bytes = Serdes.ByteArray();
        emitted.filter((key, value) -> value.kind() == Emitted.Kind.WINDOW, Named.as(prefix + "-windows"))
                .mapValues(Emitted::value, Named.as(prefix + "-windows-value"))
                .to(topics.windows(), Produced.with(bytes, bytes).withName(prefix + "-windows-sink"));
        emitted.filter((key, value) -> value.kind() == Emitted.Kind.TOTALS, Named.as(prefix + "-totals"))
                .mapValues(Emitted::value, Named.as(prefix + "-totals-value"))
                .to(topics.totals(), Produced.with(bytes, bytes).withName(prefix + "-totals-sink"));
    }
}
