package io.loadstream.aggregator.topology;

import io.loadstream.aggregator.stats.Accumulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * The aggregator's state store: live {@link LiveState} (HdrHistograms and counters in memory, so recording a request
 * costs no serialization) in front of a changelogged in-memory key-value store that holds the same state
 * serialized.
 *
 * <p><b>Exactly once.</b> Before every commit, Kafka Streams 4.1 calls {@code ProcessorStateManager.flushCache()},
 * which calls {@link #flushCache()} on every registered store that is a {@link CachedStateStore}, and only then
 * flushes the task's producer and commits the transaction. This store writes every dirty accumulator to the inner
 * store there, so its changelog records go into the same transaction as the input offsets and the outputs of the
 * records processed since the last commit. ({@link StateStore#flush()} itself runs only after the commit, when the
 * task checkpoints, which would be too late; that is why this store hooks the cache flush, an interface of Kafka
 * Streams' internals. The kill -9 test in this module guards that behaviour when Kafka is upgraded.)
 *
 * <p><b>Restore.</b> The inner store restores from the changelog as any store does; the live state is rebuilt from
 * it on first use after {@link #init}, i.e. when the processor initializes, after restoration.
 */
public final class LiveStateStore implements StateStore, CachedStateStore<byte[], byte[]> {

    /** Name of the store, and of its changelog topic ({@code <application.id>-live-state-changelog}). */
    public static final String NAME = "live-state";

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LiveStateStore.class);

    private final KeyValueStore<Bytes, byte[]> inner;
    private final long defaultWindowMs;
    private final long defaultGraceMs;
    private final ByteBuffer scratch = ByteBuffer.allocate(Accumulator.scratchCapacity());
    private LiveState live;
    private StateStoreContext context;

    private LiveStateStore(KeyValueStore<Bytes, byte[]> inner, long defaultWindowMs, long defaultGraceMs) {
        this.inner = inner;
        this.defaultWindowMs = defaultWindowMs;
        this.defaultGraceMs = defaultGraceMs;
    }

    /**
     * Returns a builder of this store, changelogged (compacted), without caching.
     *
     * @param defaultWindowMs window size of runs whose stored meta data is missing, in milliseconds
     * @param defaultGraceMs  grace of such runs, in milliseconds
     * @return the builder
     */
    public static StoreBuilder<LiveStateStore> builder(long defaultWindowMs, long defaultGraceMs) {
        return new Builder(defaultWindowMs, defaultGraceMs);
    }

    /**
     * Returns a store without a changelog, for unit tests of a processor with Kafka Streams'
     * {@code MockProcessorContext}, which cannot host a changelogged store. Never for a topology: exactly once
     * depends on the changelog (see {@link #builder}).
     *
     * @param defaultWindowMs window size of runs whose stored meta data is missing, in milliseconds
     * @param defaultGraceMs  grace of such runs, in milliseconds
     * @return a new store, not yet initialized
     */
    static LiveStateStore withoutChangelog(long defaultWindowMs, long defaultGraceMs) {
        return new LiveStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(NAME), Serdes.Bytes(),
                Serdes.ByteArray()).withCachingDisabled().withLoggingDisabled().build(), defaultWindowMs,
                defaultGraceMs);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void init(StateStoreContext stateStoreContext, StateStore root) {
        this.context = stateStoreContext;
        this.live = null;
        inner.init(stateStoreContext, root);
    }

    /**
     * Returns the live state, rebuilding it from the inner store on first use after {@link #init}.
     *
     * @return the live state
     */
    LiveState live() {
        if (live == null) {
            List<byte[]> values = new ArrayList<>();
            try (KeyValueIterator<Bytes, byte[]> all = inner.all()) {
                while (all.hasNext()) {
                    values.add(all.next().value);
                }
            }
            try {
                live = LiveState.restore(values, context.taskId().toString(), defaultWindowMs, defaultGraceMs);
            } catch (IOException e) {
                throw new UncheckedIOException("The aggregator's state store " + NAME + " of task "
                        + context.taskId() + " holds a value it cannot read", e);
            }
        }
        return live;
    }

    /**
     * Entries in the changelogged inner store now: per run one, per endpoint one, per open window one, per host and
     * open system window one, per recently finished run one marker. For monitoring and tests of the state bounds.
     *
     * @return the number of stored entries
     */
    public long storedEntries() {
        return inner.approximateNumEntries();
    }

    /** Writes the dirty live state to the changelogged inner store. Called by Streams before every commit. */
    @Override
    public void flushCache() {
        if (live == null) {
            return;
        }
        List<LiveState.Change> changes = live.drainChanges(scratch);
        if (LOG.isDebugEnabled()) {
            LOG.debug("Task {}: writing {} changed entries before the commit: {}", context.taskId(), changes.size(),
                    live.runs().stream().map(r -> r.runId + "=" + r.requestsRead()).toList());
        }
        for (LiveState.Change change : changes) {
            Bytes key = Bytes.wrap(change.key().getBytes(StandardCharsets.UTF_8));
            if (change.value() == null) {
                inner.delete(key);
            } else {
                inner.put(key, change.value());
            }
        }
    }

    /** Drops the live state (Streams recycles the task); it is rebuilt from the inner store on next use. */
    @Override
    public void clearCache() {
        live = null;
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<byte[], byte[]> listener, boolean sendOldValues) {
        return false;
    }

    @Override
    public void flush() {
        flushCache();
        inner.flush();
    }

    @Override
    public void close() {
        live = null;
        inner.close();
    }

    @Override
    public boolean persistent() {
        return inner.persistent();
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    @Override
    public Position getPosition() {
        return inner.getPosition();
    }

    /** Values of the inner store by key, for tests. */
    Map<String, byte[]> storedValues() {
        Map<String, byte[]> values = new HashMap<>();
        try (KeyValueIterator<Bytes, byte[]> all = inner.all()) {
            while (all.hasNext()) {
                KeyValue<Bytes, byte[]> next = all.next();
                values.put(new String(next.key.get(), StandardCharsets.UTF_8), next.value);
            }
        }
        return values;
    }

    /** Builds the store: always changelogged (exactly once depends on it), never cached. */
    private static final class Builder implements StoreBuilder<LiveStateStore> {
        private final long defaultWindowMs;
        private final long defaultGraceMs;
        private Map<String, String> logConfig = new HashMap<>();

        Builder(long defaultWindowMs, long defaultGraceMs) {
            this.defaultWindowMs = defaultWindowMs;
            this.defaultGraceMs = defaultGraceMs;
        }

        @Override
        public StoreBuilder<LiveStateStore> withCachingEnabled() {
            throw new UnsupportedOperationException("The live state store keeps its own state in memory");
        }

        @Override
        public StoreBuilder<LiveStateStore> withCachingDisabled() {
            return this;
        }

        @Override
        public StoreBuilder<LiveStateStore> withLoggingEnabled(Map<String, String> config) {
            this.logConfig = new HashMap<>(config);
            return this;
        }

        @Override
        public StoreBuilder<LiveStateStore> withLoggingDisabled() {
            throw new UnsupportedOperationException("The live state store needs its changelog for exactly once");
        }

        @Override
        public LiveStateStore build() {
            KeyValueStore<Bytes, byte[]> inner = Stores.keyValueStoreBuilder(
                            Stores.inMemoryKeyValueStore(NAME), Serdes.Bytes(), Serdes.ByteArray())
                    .withCachingDisabled()
                    .withLoggingEnabled(logConfig)
                    .build();
            return new LiveStateStore(inner, defaultWindowMs, defaultGraceMs);
        }

        @Override
        public Map<String, String> logConfig() {
            return logConfig;
        }

        @Override
        public boolean loggingEnabled() {
            return true;
        }

        @Override
        public String name() {
            return NAME;
        }
    }
}
