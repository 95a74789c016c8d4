package io.loadstream.aggregator.topology;

import io.loadstream.aggregator.stats.Accumulator;
import io.loadstream.aggregator.stats.SystemAccumulator;
import io.loadstream.events.EndpointTotals;
import io.loadstream.events.EndpointWindow;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.EventSerdes;
import io.loadstream.schemas.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.NavigableMap;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The one place where a processor of the aggregator serializes what it emits (windows, totals, system windows,
 * {@code *} shares) and sends each record to the named step of the topology that writes it (see
 * {@link AggregatorTopology}): {@code context.forward(record, step)}, so that no output type needs a wrapper. Only
 * closing windows emits; nothing is serialized on the per-request path.
 */
final class Emitter {

    private final ProcessorContext<byte[], byte[]> context;
    private final Topics topics;
    private final String windowsStep;
    private final String totalsStep;
    private final int partition;
    private final int partitionCount;
    /** For encoding shares; allocated on first use (a few hundred KB, and only the first stage sends shares). */
    private ByteBuffer scratch;

    private Emitter(ProcessorContext<byte[], byte[]> context, Topics topics, String windowsStep, String totalsStep,
                    int partition, int partitionCount) {
        this.context = context;
        this.topics = topics;
        this.windowsStep = windowsStep;
        this.totalsStep = totalsStep;
        this.partition = partition;
        this.partitionCount = partitionCount;
    }

    /**
     * The emitter of the first stage ({@link AggregateProcessor}), which reads one partition of the inputs.
     *
     * @param context        the processor's context
     * @param topics         the topic names (for messages of the serializers)
     * @param partition      the task's partition, from 0
     * @param partitionCount partitions of the requests topic: how many tasks send {@code *} shares
     * @return the emitter
     */
    static Emitter aggregate(ProcessorContext<byte[], byte[]> context, Topics topics, int partition,
                             int partitionCount) {
        return new Emitter(context, topics, AggregatorTopology.WINDOWS, AggregatorTopology.TOTALS, partition,
                partitionCount);
    }

    /**
     * The emitter of the second stage ({@link StarMergeProcessor}): windows and totals only.
     *
     * @param context the processor's context
     * @param topics  the topic names
     * @return the emitter
     */
    static Emitter starMerge(ProcessorContext<byte[], byte[]> context, Topics topics) {
        return new Emitter(context, topics, AggregatorTopology.STAR_WINDOWS, AggregatorTopology.STAR_TOTALS, -1, 0);
    }

    /**
     * Emits a closed window (key {@code runId|endpoint|startMs}).
     *
     * @param runId       the run
     * @param endpoint    the endpoint, or {@link EventKeys#ALL_ENDPOINTS}
     * @param startMs     start of the window, inclusive, epoch ms
     * @param sizeMs      length of the window, in milliseconds
     * @param stats       its statistics
     * @param timestampMs timestamp of the output record, epoch ms
     */
    void window(String runId, String endpoint, long startMs, long sizeMs, Accumulator stats, long timestampMs) {
        EndpointWindow window = EndpointWindow.newBuilder()
                .setRunId(runId)
                .setEndpoint(endpoint)
                .setWindowStartMs(startMs)
                .setWindowEndMs(startMs + sizeMs)
                .setStats(stats.toLatencyStats())
                .setThroughputRps(stats.count() * 1000.0 / sizeMs)
                .build();
        context.forward(new Record<>(bytes(EventKeys.windowKey(runId, endpoint, startMs)),
                EventSerdes.endpointWindow().serialize(topics.windows(), window), timestampMs), windowsStep);
    }

    /**
     * Emits totals of a run (key {@code runId|endpoint}).
     *
     * @param runId       the run
     * @param endpoint    the endpoint, or {@link EventKeys#ALL_ENDPOINTS}
     * @param totals      the run's statistics so far
     * @param complete    whether these are the final totals
     * @param timestampMs timestamp of the output record, epoch ms
     */
    void totals(String runId, String endpoint, Accumulator totals, boolean complete, long timestampMs) {
        EndpointTotals record = EndpointTotals.newBuilder()
                .setRunId(runId)
                .setEndpoint(endpoint)
                .setFirstEventMs(totals.count() == 0 ? 0 : totals.firstEventMs())
                .setLastEventMs(totals.count() == 0 ? 0 : totals.lastEventMs())
                .setLateEvents(totals.lateEvents())
                .setComplete(complete)
                .setStats(totals.toLatencyStats())
                .build();
        context.forward(new Record<>(bytes(EventKeys.requestKey(runId, endpoint)),
                EventSerdes.endpointTotals().serialize(topics.totals(), record), timestampMs), totalsStep);
    }

    /**
     * Emits a closed system window (key {@code runId|host|ROLE|startMs}: one series per host and role).
     *
     * @param runId       the run
     * @param host        the host
     * @param startMs     start of the window, inclusive, epoch ms
     * @param sizeMs      length of the window, in milliseconds
     * @param stats       its samples
     * @param timestampMs timestamp of the output record, epoch ms
     */
    void systemWindow(String runId, String host, long startMs, long sizeMs, SystemAccumulator stats,
                      long timestampMs) {
        byte[] value = EventSerdes.systemWindow().serialize(topics.systemWindows(),
                stats.toSystemWindow(runId, host, startMs, startMs + sizeMs));
        context.forward(new Record<>(bytes(runId + EventKeys.SEPARATOR + host + EventKeys.SEPARATOR + stats.role()
                + EventKeys.SEPARATOR + startMs),
                value, timestampMs), AggregatorTopology.SYSTEM_WINDOWS);
    }

    /**
     * Emits this task's {@code *} share of a run (see {@link StarPartial}), keyed by run id.
     *
     * @param runId        the run
     * @param windowSizeMs the run's window size, in milliseconds
     * @param closedUpToMs every window ending at or before this is closed at this task, epoch ms
     * @param complete     whether the run is over at this task
     * @param windows      the {@code *} figures of the windows just closed, by start
     * @param totals       the task's {@code *} totals so far
     * @param timestampMs  timestamp of the output record, epoch ms
     */
    void share(String runId, long windowSizeMs, long closedUpToMs, boolean complete,
               NavigableMap<Long, Accumulator> windows, Accumulator totals, long timestampMs) {
        if (scratch == null) {
            scratch = ByteBuffer.allocate(Accumulator.scratchCapacity());
        }
        StarPartial share = new StarPartial(partition, partitionCount, windowSizeMs, closedUpToMs, complete, windows,
                totals);
        context.forward(new Record<>(bytes(runId), share.encode(scratch), timestampMs),
                AggregatorTopology.STAR_SHARES);
    }

    /**
     * Sends a record unchanged to the dead-letter topic.
     *
     * @param record  the record as read
     * @param headers its headers with the dead-letter headers added
     */
    void deadLetter(Record<byte[], byte[]> record, Headers headers) {
        context.forward(new Record<>(record.key(), record.value(), record.timestamp(), headers),
                AggregatorTopology.DEAD_LETTERS);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
