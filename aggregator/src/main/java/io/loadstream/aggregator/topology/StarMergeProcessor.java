package io.loadstream.aggregator.topology;

import io.loadstream.aggregator.stats.Accumulator;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.Topics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The second stage of the aggregator: merges the {@link StarPartial}s that every first-stage task sends for a run
 * (keyed by run id, so one task here sees all of a run's shares) into the run's {@code *} windows and totals.
 *
 * <p>A {@code *} window {@code [s, e)} is emitted once every first-stage task has closed it (its share says
 * {@code closedUpToMs >= e}); the {@code *} totals are emitted with {@code complete = false} whenever windows are
 * emitted, and with {@code complete = true} once every task's share is complete, after which the run's state here
 * is dropped. The {@code *} totals are the merge of the tasks' totals, which are the merge of the endpoints' totals,
 * so their count equals the sum of the per-endpoint totals exactly.
 *
 * <p>State: one serialized value per run in a changelogged store, rewritten per share (a few per window and task,
 * not per request).
 */
final class StarMergeProcessor implements Processor<byte[], byte[], byte[], byte[]> {

    /** Name of the store of the merge state. */
    static final String STORE = "star-merge";

    private static final Logger LOG = LoggerFactory.getLogger(StarMergeProcessor.class);
    private static final int FORMAT_VERSION = 1;

    private final Topics topics;
    private final ByteBuffer scratch = ByteBuffer.allocate(Accumulator.scratchCapacity());
    private KeyValueStore<String, byte[]> store;
    private Emitter emitter;

    StarMergeProcessor(Topics topics) {
        this.topics = topics;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> processorContext) {
        this.store = processorContext.getStateStore(STORE);
        this.emitter = Emitter.starMerge(processorContext, topics);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        String runId = new String(record.key(), StandardCharsets.UTF_8);
        StarPartial partial;
        MergeState merge;
        try {
            partial = StarPartial.decode(record.value());
            byte[] stored = store.get(runId);
            merge = stored == null ? new MergeState(partial.partitionCount(), partial.windowSizeMs())
                    : MergeState.decode(stored);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the * state of run " + runId, e);
        }
        if (partial.partition() < 0 || partial.partition() >= merge.closedUpTo.length) {
            LOG.error("Run {}: a * share from partition {} does not fit the {} partitions expected; ignored", runId,
                    partial.partition(), merge.closedUpTo.length);
            return;
        }
        int p = partial.partition();
        merge.windowSizeMs = partial.windowSizeMs();
        long before = merge.minClosedUpTo();
        merge.closedUpTo[p] = Math.max(merge.closedUpTo[p], partial.closedUpToMs());
        merge.complete[p] |= partial.complete();
        merge.totals[p] = partial.totals();
        for (Map.Entry<Long, Accumulator> window : partial.windows().entrySet()) {
            Accumulator pending = merge.pending.get(window.getKey());
            if (pending == null) {
                merge.pending.put(window.getKey(), window.getValue());
            } else {
                pending.merge(window.getValue());
            }
        }
        long closedUpTo = merge.minClosedUpTo();
        long lastClosedStart = closedUpTo == Long.MIN_VALUE ? Long.MIN_VALUE : closedUpTo - merge.windowSizeMs;
        long timestamp = record.timestamp();
        Iterator<Map.Entry<Long, Accumulator>> pending = merge.pending.entrySet().iterator();
        while (pending.hasNext()) {
            Map.Entry<Long, Accumulator> window = pending.next();
            long start = window.getKey();
            if (start > lastClosedStart) {
                break;
            }
            emitter.window(runId, EventKeys.ALL_ENDPOINTS, start, merge.windowSizeMs, window.getValue(), timestamp);
            pending.remove();
        }
        boolean allComplete = true;
        boolean allReported = true;
        for (int i = 0; i < merge.complete.length; i++) {
            allComplete &= merge.complete[i];
            allReported &= merge.totals[i] != null;
        }
        if (allComplete) {
            emitTotals(runId, merge, true, timestamp);
            store.delete(runId);
            return;
        }
        if (closedUpTo > before && allReported) {
            emitTotals(runId, merge, false, timestamp);
        }
        store.put(runId, merge.encode(scratch));
    }

    private void emitTotals(String runId, MergeState merge, boolean complete, long timestamp) {
        Accumulator all = new Accumulator();
        for (Accumulator totals : merge.totals) {
            if (totals != null) {
                all.merge(totals);
            }
        }
        emitter.totals(runId, EventKeys.ALL_ENDPOINTS, all, complete, timestamp);
    }

    /** What the merge knows of one run: each task's progress and totals, and the windows not yet emitted. */
    static final class MergeState {
        /** Window size of the run, from the latest share (tasks agree once they have read STARTED). */
        long windowSizeMs;
        final long[] closedUpTo;
        final boolean[] complete;
        final Accumulator[] totals;
        final NavigableMap<Long, Accumulator> pending = new TreeMap<>();

        MergeState(int partitions, long windowSizeMs) {
            this.windowSizeMs = windowSizeMs;
            this.closedUpTo = new long[partitions];
            Arrays.fill(closedUpTo, Long.MIN_VALUE);
            this.complete = new boolean[partitions];
            this.totals = new Accumulator[partitions];
        }

        long minClosedUpTo() {
            long min = Long.MAX_VALUE;
            for (long c : closedUpTo) {
                min = Math.min(min, c);
            }
            return min;
        }

        byte[] encode(ByteBuffer scratch) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeByte(FORMAT_VERSION);
                out.writeLong(windowSizeMs);
                out.writeInt(closedUpTo.length);
                for (int i = 0; i < closedUpTo.length; i++) {
                    out.writeLong(closedUpTo[i]);
                    out.writeBoolean(complete[i]);
                    out.writeBoolean(totals[i] != null);
                    if (totals[i] != null) {
                        totals[i].writeTo(out, scratch);
                    }
                }
                StarPartial.writeWindows(out, pending, scratch);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }

        static MergeState decode(byte[] value) throws IOException {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(value));
            int version = in.readByte();
            if (version != FORMAT_VERSION) {
                throw new IOException("Unknown * merge state format " + version);
            }
            long size = in.readLong();
            MergeState merge = new MergeState(in.readInt(), size);
            for (int i = 0; i < merge.closedUpTo.length; i++) {
                merge.closedUpTo[i] = in.readLong();
                merge.complete[i] = in.readBoolean();
                if (in.readBoolean()) {
                    merge.totals[i] = Accumulator.readFrom(in);
                }
            }
            StarPartial.readWindows(in, merge.pending);
            return merge;
        }
    }
}
