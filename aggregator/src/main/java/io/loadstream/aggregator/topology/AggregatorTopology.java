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

/**
 * Builds the aggregator's topology; see {@code docs/AGGREGATOR.md} for its shape. Each processor sends each output
 * record to the named step that writes it ({@code context.forward(record, name)}, see {@link Emitter}); the names
 * are the constants below, and the topics they write to come from the configuration ({@link Topics}).
 */
public final class AggregatorTopology {

    /** Name of the internal repartition topic of the {@code *} shares (prefixed by the application id). */
    public static final String STAR_PARTIALS = "star-partials";

    /** Sink of the first stage's windows. */
    static final String WINDOWS = "windows";
    /** Sink of the first stage's totals. */
    static final String TOTALS = "totals";
    /** Sink of the system windows. */
    static final String SYSTEM_WINDOWS = "system-windows";
    /** Sink of the records that do not decode. */
    static final String DEAD_LETTERS = "dead-letters";
    /**
     * First step of the repartitioning of the {@code *} shares: the name Kafka Streams gives the null-key filter in
     * front of the repartition sink of {@code repartition(Repartitioned.withName(STAR_PARTIALS))}. (The DSL names it
     * after ours and offers no way to name it directly; should an upgrade rename it, every topology test fails with
     * "Unknown downstream node".)
     */
    static final String STAR_SHARES = STAR_PARTIALS + "-repartition-filter";
    /** Sink of the {@code *} windows. */
    static final String STAR_WINDOWS = "star-windows";
    /** Sink of the {@code *} totals. */
    static final String STAR_TOTALS = "star-totals";

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
        // Live histograms in memory, per run and endpoint; sends closed windows, totals, system windows, dead
        // letters and * shares, serialized, each to its named step below.
        RunActivity activity = new RunActivity();
        KStream<byte[], byte[]> aggregated = events.process(
                () -> new AggregateProcessor(topics, config, partitionCount, activity), Named.as("aggregate"),
                LiveStateStore.NAME);
        aggregated.to(topics.windows(), Produced.with(bytes, bytes).withName(WINDOWS));
        aggregated.to(topics.totals(), Produced.with(bytes, bytes).withName(TOTALS));
        aggregated.to(topics.systemWindows(), Produced.with(bytes, bytes).withName(SYSTEM_WINDOWS));
        aggregated.to(topics.dlq(), Produced.with(bytes, bytes).withName(DEAD_LETTERS));

        // The endpoints of a run spread over tasks: each task's * share goes, keyed by run id, to one merging task,
        // which sends the * windows and totals to their own sinks (a sink shared with the first stage would join
        // the two sub-topologies).
        KStream<byte[], byte[]> star = aggregated
                .repartition(Repartitioned.with(bytes, bytes).withName(STAR_PARTIALS))
                .process(() -> new StarMergeProcessor(topics), Named.as("star-merge"), StarMergeProcessor.STORE);
        star.to(topics.windows(), Produced.with(bytes, bytes).withName(STAR_WINDOWS));
        star.to(topics.totals(), Produced.with(bytes, bytes).withName(STAR_TOTALS));
        return builder.build();
    }
}
