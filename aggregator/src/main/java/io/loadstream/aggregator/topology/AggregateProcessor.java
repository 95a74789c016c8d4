package io.loadstream.aggregator.topology;

import io.loadstream.aggregator.AggregatorConfig;
import io.loadstream.aggregator.stats.Accumulator;
import io.loadstream.aggregator.stats.SystemAccumulator;
import io.loadstream.events.EndpointTotals;
import io.loadstream.events.EndpointWindow;
import io.loadstream.events.RequestTiming;
import io.loadstream.events.RunControl;
import io.loadstream.events.SystemSample;
import io.loadstream.schemas.EventDecodingException;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.EventSerdes;
import io.loadstream.schemas.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first stage of the aggregator: reads one partition each of the requests, control and system topics (one
 * task), keeps live windows and totals per run and endpoint, and emits each window once when it closes.
 *
 * <p><b>Clock.</b> A run's clock at this task is the highest record timestamp of its requests and control records
 * here: the intended start of requests, and the generators' watermark on control records. (Per run rather than
 * per task, so that one run's heartbeats cannot close another run's windows early; system samples carry wall-clock
 * times and do not move it.) Window {@code [s, e)} closes when the clock reaches {@code e + grace}.
 *
 * <p><b>End of a run.</b> Each generator's {@code FINISHED} says how many of its request timings the broker
 * acknowledged on each partition of the requests topic. When {@code FINISHED} has arrived from every segment, the run
 * is closed as soon as this task has read that many requests of the run (late ones included), however far behind it
 * reads: all windows, the final totals ({@code complete = true}), then its state is dropped. If requests are still
 * missing, it waits for them up to the idle timeout after the last one, then closes with a warning. A FINISHED
 * without these counts (an older generator) falls back to a quiet period: the run closes once this task has read
 * none of its requests for {@value #FINISH_QUIET_MS} ms (checked every {@value #TICK_MS} ms of wall clock). A run
 * without any record here for the idle timeout is closed the same way.
 */
final class AggregateProcessor implements Processor<byte[], byte[], byte[], Emitted> {

    /** Wall-clock tick for closing finished and idle runs, in milliseconds. */
    static final long TICK_MS = 500;
    /**
     * After FINISHED from every segment without per-partition counts, a run closes once this task has read none of
     * its requests for this long, in milliseconds (wall clock). Streams orders records of co-partitioned topics by
     * timestamp only on a best-effort basis: under a backlog, FINISHED may be read before requests sent before it.
     */
    static final long FINISH_QUIET_MS = 3_000;
    /** How long a closed run is remembered, so that stragglers do not reopen it, in milliseconds. */
    static final long FINISHED_RETENTION_MS = Duration.ofHours(1).toMillis();
    /** Header of a dead letter: why it did not decode. */
    static final String DLQ_REASON = "loadstream.dlq.reason";
    /** Header of a dead letter: the error message. */
    static final String DLQ_MESSAGE = "loadstream.dlq.message";
    /** Header of a dead letter: topic, partition and offset it came from. */
    static final String DLQ_SOURCE = "loadstream.dlq.source";
    private static final int MAX_SEGMENTS = 4096;

    private static final Logger LOG = LoggerFactory.getLogger(AggregateProcessor.class);

    private final Topics topics;
    private final AggregatorConfig config;
    private final int partitionCount;
    private final ByteBuffer scratch = ByteBuffer.allocate(Accumulator.scratchCapacity());
    private ProcessorContext<byte[], Emitted> context;
    private LiveStateStore store;
    private LiveState state;
    private int partition;
    private Sensor deadLetters;
    private long deadLetterCount;
    private long afterFinishCount;
    private long lateSystemSamples;

    AggregateProcessor(Topics topics, AggregatorConfig config, int partitionCount) {
        this.topics = topics;
        this.config = config;
        this.partitionCount = partitionCount;
    }

    @Override
    public void init(ProcessorContext<byte[], Emitted> processorContext) {
        this.context = processorContext;
        this.store = processorContext.getStateStore(LiveStateStore.NAME);
        this.state = store.live();
        this.partition = processorContext.taskId().partition();
        if (LOG.isDebugEnabled()) {
            state.runs.values().forEach(run -> LOG.debug("Task {} restored run {}: {} requests in totals, clock {}, "
                    + "closed up to {}", processorContext.taskId(), run.runId,
                    run.endpoints.values().stream().mapToLong(e -> e.totals.count()).sum(), run.clockMs,
                    run.closedUpToMs));
        }
        if (partition >= partitionCount) {
            throw new IllegalStateException("Task " + processorContext.taskId() + " reads partition " + partition
                    + " but the topology was built for " + partitionCount + " partitions");
        }
        this.deadLetters = processorContext.metrics().addRateTotalSensor("loadstream-aggregator",
                "task-" + processorContext.taskId(), "dead-letter", Sensor.RecordingLevel.INFO);
        processorContext.schedule(Duration.ofMillis(TICK_MS), PunctuationType.WALL_CLOCK_TIME, this::tick);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("");
        if (topic.equals(topics.requests())) {
            onRequest(record, topic);
        } else if (topic.equals(topics.control())) {
            onControl(record, topic);
        } else if (topic.equals(topics.system())) {
            onSystem(record, topic);
        }
    }

    private void onRequest(Record<byte[], byte[]> record, String topic) {
        RequestTiming timing;
        try {
            timing = EventSerdes.requestTiming().deserialize(topic, record.value());
        } catch (EventDecodingException e) {
            deadLetter(record, topic, e.reason().name(), e.getMessage());
            return;
        }
        if (timing.getEndpoint().isEmpty()) {
            deadLetter(record, topic, "EMPTY_ENDPOINT", "The request has no endpoint name");
            return;
        }
        LiveState.RunState run = run(timing.getRunId(), record, topic);
        if (run == null) {
            return;
        }
        long ts = record.timestamp();
        run.lastActivityWallMs = context.currentSystemTimeMs();
        run.lastRequestWallMs = run.lastActivityWallMs;
        LiveState.EndpointState endpoint = run.endpoints.get(timing.getEndpoint());
        if (endpoint == null) {
            endpoint = state.endpoint(run, timing.getEndpoint());
        }
        long start = run.windowStart(ts);
        endpoint.totals.record(timing, ts);
        if (run.closedUpToMs != Long.MIN_VALUE && start + run.windowSizeMs <= run.closedUpToMs) {
            endpoint.totals.countLate();
        } else {
            LiveState.WindowEntry window = endpoint.window(start, state);
            window.stats.record(timing, ts);
            state.markDirty(window);
        }
        endpoint.totalsChanged = true;
        state.markDirty(endpoint);
        advanceClock(run, ts);
        if (run.finishing) {
            closeIfAllRead(run);
        }
    }

    private void onControl(Record<byte[], byte[]> record, String topic) {
        RunControl control;
        try {
            control = EventSerdes.runControl().deserialize(topic, record.value());
        } catch (EventDecodingException e) {
            deadLetter(record, topic, e.reason().name(), e.getMessage());
            return;
        }
        LiveState.RunState run = run(control.getRunId(), record, topic);
        if (run == null) {
            return;
        }
        run.lastActivityWallMs = context.currentSystemTimeMs();
        int segments = Math.min(MAX_SEGMENTS, Math.max(1, control.getSegmentCount()));
        switch (control.getType()) {
            case STARTED -> {
                configure(run, control);
                run.segmentCount = Math.max(run.segmentCount, segments);
            }
            case FINISHED -> {
                run.segmentCount = Math.max(run.segmentCount, segments);
                int index = control.getSegmentIndex();
                if (index >= 0 && index < MAX_SEGMENTS) {
                    run.finishedSegments.set(index);
                }
                expectRequests(run, control);
                if (run.finishedSegments.cardinality() >= run.segmentCount) {
                    run.finishing = true;
                }
            }
            default -> {
                // HEARTBEAT and ABORT only move the clock; generators answer ABORT with FINISHED.
            }
        }
        state.markDirty(run);
        advanceClock(run, record.timestamp());
        if (run.finishing && state.runs.containsKey(run.runId)) {
            closeIfAllRead(run);
        }
    }

    /** Notes how many requests a FINISHED source acknowledged on this task's partition. */
    private void expectRequests(LiveState.RunState run, RunControl control) {
        List<Long> perPartition = control.getRequestsPerPartition();
        if (perPartition.size() > partitionCount || perPartition.isEmpty() && control.getRequestsSent() > 0) {
            // An older generator, or one that saw more partitions than this topology: fall back to the quiet period.
            run.expectedUnknown = true;
            return;
        }
        long expected = partition < perPartition.size() ? perPartition.get(partition) : 0L;
        run.expectedRequests.put(control.getSource(), expected);
    }

    /**
     * Closes a finishing run once this task has read every request that its sources acknowledged on this partition:
     * the exact end of the run, however far behind the task reads.
     */
    private void closeIfAllRead(LiveState.RunState run) {
        if (!run.expectedUnknown && run.requestsRead() >= run.requestsExpected()) {
            LOG.debug("Task {} has read all {} requests of run {}; closing it", context.taskId(),
                    run.requestsExpected(), run.runId);
            close(run, Long.MAX_VALUE, true);
        }
    }

    /**
     * Takes the run's window size and grace from its first STARTED record. Requests whose timestamp equals the
     * STARTED record's may be read before it (Streams picks either on a tie), and open windows of the default size:
     * each such window moves whole into the window of the new size that holds all its events, which is exact
     * because its first and last event fall into that one window. If a window cannot move (its events span two
     * new windows) or windows were emitted already, the run keeps its current size, with a warning.
     */
    private void configure(LiveState.RunState run, RunControl control) {
        if (run.configured) {
            return;
        }
        run.configured = true;
        long size = control.getWindowSizeMs() > 0 ? control.getWindowSizeMs() : run.windowSizeMs;
        long grace = control.getGraceMs() >= 0 ? control.getGraceMs() : run.graceMs;
        if (size == run.windowSizeMs && grace == run.graceMs) {
            return;
        }
        boolean movable = !run.emittedWindows;
        for (LiveState.EndpointState endpoint : run.endpoints.values()) {
            for (LiveState.WindowEntry window : endpoint.windows.values()) {
                movable &= startOf(window.stats.firstEventMs(), size) == startOf(window.stats.lastEventMs(), size);
            }
        }
        if (!movable) {
            LOG.warn("Run {}: STARTED asks for {} ms windows with {} ms grace, but windows of {} ms hold its events "
                    + "already at task {}; keeping those", run.runId, size, grace, run.windowSizeMs, context.taskId());
            return;
        }
        for (LiveState.EndpointState endpoint : run.endpoints.values()) {
            List<LiveState.WindowEntry> old = new ArrayList<>(endpoint.windows.values());
            endpoint.windows.clear();
            endpoint.forgetLastWindow();
            for (LiveState.WindowEntry window : old) {
                state.remove(window);
                LiveState.WindowEntry moved = endpoint.window(startOf(window.stats.firstEventMs(), size), state);
                moved.stats.merge(window.stats);
                state.markDirty(moved);
            }
        }
        for (TreeMap<Long, LiveState.SystemEntry> windows : run.systemWindows.values()) {
            // System samples carry no per-sample times here: each window moves by its start (approximate).
            List<LiveState.SystemEntry> old = new ArrayList<>(windows.values());
            windows.clear();
            for (LiveState.SystemEntry window : old) {
                state.remove(window);
                long start = startOf(window.start, size);
                LiveState.SystemEntry moved = windows.get(start);
                if (moved == null) {
                    moved = new LiveState.SystemEntry(run, window.host, start, window.stats);
                    windows.put(start, moved);
                } else {
                    moved.stats.merge(window.stats);
                }
                state.markDirty(moved);
            }
        }
        run.windowSizeMs = size;
        run.graceMs = grace;
        run.closedUpToMs = Long.MIN_VALUE;
        run.nextCloseAtMs = Long.MIN_VALUE;
        long clock = run.clockMs;
        run.clockMs = Long.MIN_VALUE;
        if (clock != Long.MIN_VALUE) {
            advanceClock(run, clock);
        }
    }

    private static long startOf(long timestampMs, long size) {
        return timestampMs - Math.floorMod(timestampMs, size);
    }

    private void onSystem(Record<byte[], byte[]> record, String topic) {
        SystemSample sample;
        try {
            sample = EventSerdes.systemSample().deserialize(topic, record.value());
        } catch (EventDecodingException e) {
            deadLetter(record, topic, e.reason().name(), e.getMessage());
            return;
        }
        if (sample.getHost().isEmpty()) {
            deadLetter(record, topic, "EMPTY_HOST", "The system sample has no host name");
            return;
        }
        LiveState.RunState run = run(sample.getRunId(), record, topic);
        if (run == null) {
            return;
        }
        long start = run.windowStart(sample.getTimestampMs());
        if (run.closedUpToMs != Long.MIN_VALUE && start + run.windowSizeMs <= run.closedUpToMs) {
            lateSystemSamples++;
            LOG.debug("Run {}: system sample of {} at {} arrived after its window closed ({} so far)",
                    run.runId, sample.getHost(), sample.getTimestampMs(), lateSystemSamples);
            return;
        }
        TreeMap<Long, LiveState.SystemEntry> windows =
                run.systemWindows.computeIfAbsent(sample.getHost(), h -> new TreeMap<>());
        LiveState.SystemEntry window = windows.get(start);
        if (window == null) {
            window = new LiveState.SystemEntry(run, sample.getHost(), start, new SystemAccumulator());
            windows.put(start, window);
        }
        window.stats.record(sample);
        state.markDirty(window);
    }

    /** The run's state, created when new; null (and counted) when the run is closed already or its id illegal. */
    private LiveState.RunState run(String runId, Record<byte[], byte[]> record, String topic) {
        LiveState.RunState run = state.runs.get(runId);
        if (run != null) {
            return run;
        }
        if (state.finishedRuns.containsKey(runId)) {
            afterFinishCount++;
            if (afterFinishCount <= 10 || afterFinishCount % 10_000 == 0) {
                LOG.warn("Run {} is closed at task {}: ignoring a record from {} ({} ignored so far)", runId,
                        context.taskId(), topic, afterFinishCount);
            }
            return null;
        }
        try {
            EventKeys.validateRunId(runId);
        } catch (IllegalArgumentException e) {
            deadLetter(record, topic, "INVALID_RUN_ID", e.getMessage());
            return null;
        }
        run = new LiveState.RunState(runId, config.defaultWindowSize().toMillis(), config.defaultGrace().toMillis());
        run.lastActivityWallMs = context.currentSystemTimeMs();
        run.lastRequestWallMs = run.lastActivityWallMs;
        state.runs.put(runId, run);
        state.markDirty(run);
        return run;
    }

    /** Moves the run's clock to {@code ts} if later, and closes the windows that it passes. */
    private void advanceClock(LiveState.RunState run, long ts) {
        if (ts <= run.clockMs) {
            return;
        }
        run.clockMs = ts;
        if (ts < run.nextCloseAtMs) {
            return;
        }
        state.markDirty(run);
        long closable = run.windowStart(ts - run.graceMs);
        if (run.closedUpToMs == Long.MIN_VALUE || closable > run.closedUpToMs) {
            close(run, closable, false);
        }
    }

    /**
     * Closes every window of the run that ends at or before {@code closedUpToMs}: emits the endpoint windows, the
     * endpoint totals that changed, the system windows, and this task's {@code *} share. With {@code complete}, emits
     * the final totals of every endpoint and drops the run.
     */
    private void close(LiveState.RunState run, long closedUpToMs, boolean complete) {
        long size = run.windowSizeMs;
        long lastClosableStart = closedUpToMs - size;
        long timestamp = run.clockMs == Long.MIN_VALUE ? context.currentSystemTimeMs() : run.clockMs;
        NavigableMap<Long, Accumulator> starWindows = new TreeMap<>();
        Accumulator starTotals = new Accumulator();
        for (LiveState.EndpointState endpoint : run.endpoints.values()) {
            Iterator<Map.Entry<Long, LiveState.WindowEntry>> windows = endpoint.windows.entrySet().iterator();
            while (windows.hasNext()) {
                LiveState.WindowEntry window = windows.next().getValue();
                if (window.start > lastClosableStart) {
                    break;
                }
                emitWindow(run, endpoint.endpoint, window.start, window.stats, timestamp);
                run.emittedWindows = true;
                starWindows.computeIfAbsent(window.start, s -> new Accumulator()).merge(window.stats);
                windows.remove();
                state.remove(window);
            }
            if (complete || endpoint.totalsChanged) {
                emitTotals(run, endpoint.endpoint, endpoint.totals, complete, timestamp);
                endpoint.totalsChanged = false;
                state.markDirty(endpoint);
            }
            starTotals.merge(endpoint.totals);
        }
        for (TreeMap<Long, LiveState.SystemEntry> windows : run.systemWindows.values()) {
            Iterator<LiveState.SystemEntry> it = windows.values().iterator();
            while (it.hasNext()) {
                LiveState.SystemEntry window = it.next();
                if (window.start > lastClosableStart) {
                    break;
                }
                byte[] key = bytes(run.runId + EventKeys.SEPARATOR + window.host + EventKeys.SEPARATOR
                        + window.start);
                byte[] value = EventSerdes.systemWindow().serialize(topics.systemWindows(),
                        window.stats.toSystemWindow(run.runId, window.host, window.start, window.start + size));
                context.forward(new Record<>(key, new Emitted(Emitted.Kind.SYSTEM_WINDOW, value), timestamp));
                it.remove();
                state.remove(window);
            }
        }
        run.systemWindows.values().removeIf(TreeMap::isEmpty);
        StarPartial partial = new StarPartial(partition, partitionCount, size, closedUpToMs, complete, starWindows,
                starTotals);
        context.forward(new Record<>(bytes(run.runId),
                new Emitted(Emitted.Kind.STAR_PARTIAL, partial.encode(scratch)), timestamp));
        run.closedUpToMs = closedUpToMs;
        run.nextCloseAtMs = complete ? Long.MAX_VALUE : closedUpToMs + size + run.graceMs;
        state.markDirty(run);
        if (complete) {
            drop(run);
        }
    }

    private void drop(LiveState.RunState run) {
        for (LiveState.EndpointState endpoint : run.endpoints.values()) {
            for (LiveState.WindowEntry window : endpoint.windows.values()) {
                state.remove(window);
            }
            state.remove(endpoint);
        }
        state.remove(run);
        state.runs.remove(run.runId);
        long now = context.currentSystemTimeMs();
        LiveState.FinishedEntry finished = new LiveState.FinishedEntry(run.runId, now);
        state.finishedRuns.put(run.runId, now);
        state.markDirty(finished);
    }

    private void emitWindow(LiveState.RunState run, String endpoint, long start, Accumulator stats, long timestamp) {
        EndpointWindow window = EndpointWindow.newBuilder()
                .setRunId(run.runId)
                .setEndpoint(endpoint)
                .setWindowStartMs(start)
                .setWindowEndMs(start + run.windowSizeMs)
                .setStats(stats.toLatencyStats())
                .setThroughputRps(stats.count() * 1000.0 / run.windowSizeMs)
                .build();
        byte[] value = EventSerdes.endpointWindow().serialize(topics.windows(), window);
        context.forward(new Record<>(bytes(EventKeys.windowKey(run.runId, endpoint, start)),
                new Emitted(Emitted.Kind.WINDOW, value), timestamp));
    }

    private void emitTotals(LiveState.RunState run, String endpoint, Accumulator totals, boolean complete,
                            long timestamp) {
        byte[] value = EventSerdes.endpointTotals().serialize(topics.totals(),
                totalsRecord(run.runId, endpoint, totals, complete));
        context.forward(new Record<>(bytes(EventKeys.requestKey(run.runId, endpoint)),
                new Emitted(Emitted.Kind.TOTALS, value), timestamp));
    }

    static EndpointTotals totalsRecord(String runId, String endpoint, Accumulator totals, boolean complete) {
        return EndpointTotals.newBuilder()
                .setRunId(runId)
                .setEndpoint(endpoint)
                .setFirstEventMs(totals.count() == 0 ? 0 : totals.firstEventMs())
                .setLastEventMs(totals.count() == 0 ? 0 : totals.lastEventMs())
                .setLateEvents(totals.lateEvents())
                .setComplete(complete)
                .setStats(totals.toLatencyStats())
                .build();
    }

    /** Wall-clock tick: closes finished and idle runs, forgets old finished ones. */
    private void tick(long nowWallMs) {
        List<LiveState.RunState> toClose = new ArrayList<>();
        for (LiveState.RunState run : state.runs.values()) {
            if (run.lastActivityWallMs == Long.MIN_VALUE) {
                // Restored after a restart: the idle time counts from the first tick.
                run.lastActivityWallMs = nowWallMs;
            }
            if (run.lastRequestWallMs == Long.MIN_VALUE) {
                run.lastRequestWallMs = nowWallMs;
            }
            if (run.finishing && run.expectedUnknown) {
                if (nowWallMs - run.lastRequestWallMs >= FINISH_QUIET_MS) {
                    toClose.add(run);
                }
            } else if (run.finishing) {
                if (nowWallMs - run.lastRequestWallMs >= config.idleTimeout().toMillis()) {
                    LOG.warn("Run {}: task {} has read {} of the {} requests that its generators acknowledged on "
                            + "this partition, and none for {} s; closing it", run.runId, context.taskId(),
                            run.requestsRead(), run.requestsExpected(), config.idleTimeout().toSeconds());
                    toClose.add(run);
                }
            } else if (nowWallMs - run.lastActivityWallMs >= config.idleTimeout().toMillis()) {
                LOG.warn("Run {} had no record at task {} for {} s and no FINISHED from every segment "
                        + "({} of {}); closing it", run.runId, context.taskId(),
                        (nowWallMs - run.lastActivityWallMs) / 1000, run.finishedSegments.cardinality(),
                        run.segmentCount);
                toClose.add(run);
            }
        }
        for (LiveState.RunState run : toClose) {
            LOG.debug("Task {} closes run {}: {} requests in totals, clock {}", context.taskId(), run.runId,
                    run.endpoints.values().stream().mapToLong(e -> e.totals.count()).sum(), run.clockMs);
            close(run, Long.MAX_VALUE, true);
        }
        Iterator<Map.Entry<String, Long>> finished = state.finishedRuns.entrySet().iterator();
        while (finished.hasNext()) {
            Map.Entry<String, Long> entry = finished.next();
            if (nowWallMs - entry.getValue() >= FINISHED_RETENTION_MS) {
                finished.remove();
                state.remove(new LiveState.FinishedEntry(entry.getKey(), entry.getValue()));
            }
        }
    }

    private void deadLetter(Record<byte[], byte[]> record, String topic, String reason, String message) {
        deadLetterCount++;
        deadLetters.record();
        String source = context.recordMetadata()
                .map(m -> m.topic() + "/" + m.partition() + "@" + m.offset()).orElse(topic);
        if (deadLetterCount <= 10 || deadLetterCount % 10_000 == 0) {
            LOG.warn("Sent a record from {} to the dead-letter topic: {} ({}); {} so far at task {}", source, reason,
                    message, deadLetterCount, context.taskId());
        }
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.add(DLQ_REASON, bytes(reason));
        headers.add(DLQ_MESSAGE, bytes(message == null ? "" : message));
        headers.add(DLQ_SOURCE, bytes(source));
        context.forward(new Record<>(record.key(), new Emitted(Emitted.Kind.DEAD_LETTER, record.value()),
                record.timestamp(), headers));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
