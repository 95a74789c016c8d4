package io.loadstream.aggregator.topology;

import io.loadstream.aggregator.stats.Accumulator;
import io.loadstream.aggregator.stats.SystemAccumulator;
import io.loadstream.events.ControlType;
import io.loadstream.events.RequestTiming;
import io.loadstream.events.RunControl;
import io.loadstream.events.SystemSample;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run at one aggregator task, and the run's rules: its clock, its window size, the requests it expects, and
 * when its windows and the run itself close. Every method that changes the run marks what it changed dirty (see
 * {@link LiveState}); closed windows and totals go to an {@link Emitter}.
 *
 * <p><b>Clock.</b> The highest record timestamp of the run's requests and control records here: the intended start
 * of requests, and the generators' watermark on control records. (Per run rather than per task, so that one run's
 * heartbeats cannot close another run's windows early; system samples carry wall-clock times and do not move it.)
 * Window {@code [s, e)} closes when the clock reaches {@code e + grace}.
 *
 * <p><b>Segments.</b> In a run of several segments (generators), each has its own clock here: the highest timestamp
 * of its control records and of its requests (a request's {@code generator_id} names the segment whose control
 * records carry it as {@code source}). Windows close by the lowest clock of the live segments instead of the run's
 * clock, so that one generator's backlog after a broker hiccup is not late because another generator moved on. A
 * segment that has sent FINISHED, or none of whose records came here for the idle timeout (wall clock), holds
 * nothing back; one not seen yet here cannot.
 *
 * <p><b>End.</b> Each generator's {@code FINISHED} says how many of its request timings the broker acknowledged on
 * each partition of the requests topic. When {@code FINISHED} has arrived from every segment, the run closes as soon
 * as this task has read that many requests of the run (late ones included), however far behind it reads: all
 * windows, the final totals ({@code complete = true}), then its state is dropped. If requests are still missing, it
 * waits for them up to the idle timeout after the last one, then closes with a warning. A FINISHED without these
 * counts (an older generator) falls back to a quiet period: the run closes once this task has read none of its
 * requests for {@value #FINISH_QUIET_MS} ms of wall clock. A run without any record here for the idle timeout is
 * closed the same way. Wall-clock times are given to the methods (the record's processing time or the punctuation
 * time), never read here.
 */
final class RunState extends LiveState.Entry {

    /**
     * After FINISHED from every segment without per-partition counts, a run closes once this task has read none of
     * its requests for this long, in milliseconds (wall clock). Streams orders records of co-partitioned topics by
     * timestamp only on a best-effort basis: under a backlog, FINISHED may be read before requests sent before it.
     */
    static final long FINISH_QUIET_MS = 3_000;
    /** Most segments of one run that are tracked; larger segment counts are cut to it. */
    static final int MAX_SEGMENTS = 4096;

    private static final Logger LOG = LoggerFactory.getLogger(RunState.class);

    final String runId;
    final Map<String, LiveState.EndpointState> endpoints = new HashMap<>();
    /** Open system windows per series: a host in a role, so that a generator and an agent on one host stay apart. */
    final Map<LiveState.SystemSeries, TreeMap<Long, LiveState.SystemEntry>> systemWindows = new HashMap<>();
    private long windowSizeMs;
    private long graceMs;
    private boolean configured;
    /** Whether a window of the run was emitted by this task: its window size can no longer change. */
    private boolean emittedWindows;
    private int segmentCount = 1;
    private final BitSet finishedSegments = new BitSet();
    /** Highest record timestamp of the run's requests and control records at this task, epoch ms. */
    private long clockMs = Long.MIN_VALUE;
    /** Every window ending at or before this is closed; {@code Long.MIN_VALUE} before the first close. */
    private long closedUpToMs = Long.MIN_VALUE;
    /** Clock at which the next window closes. */
    private long nextCloseAtMs = Long.MIN_VALUE;
    private boolean finishing;
    /**
     * Per source that sent FINISHED: how many of its requests it had acknowledged on this task's partition of the
     * requests topic. The run closes as soon as this task has read their sum.
     */
    private final Map<String, Long> expectedRequests = new HashMap<>();
    /** Whether some FINISHED did not say how many requests it sent to this partition (an older generator). */
    private boolean expectedUnknown;
    /**
     * Wall-clock time of the run's last record at this task; not stored: after a restore it is unknown
     * ({@code Long.MIN_VALUE}) until the first wall-clock tick sets it to that tick's time.
     */
    private long lastActivityWallMs;
    /** Wall-clock time of the run's last request at this task; not stored, like the last activity. */
    private long lastRequestWallMs;
    /** The clocks of the run's segments seen here, by segment index; used when the run has several segments. */
    private final Map<Integer, SegmentClock> segmentClocks = new HashMap<>();
    /** The same by source (generator id), to find a request's segment. */
    private final Map<String, SegmentClock> segmentsBySource = new HashMap<>();
    /** The segment of the last request whose segment was looked up, or null: most requests come from it. */
    private SegmentClock lastRequestSegment;

    /** One segment's clock at this task, and whether it still holds the run's windows open. */
    private static final class SegmentClock {
        private final String source;
        /** Highest timestamp of the segment's control records and requests here, epoch ms. */
        private long clockMs = Long.MIN_VALUE;
        private boolean finished;
        /** Idle for the idle timeout at the last wall-clock tick; a record of it makes it live again. */
        private boolean idle;
        /** Wall-clock time of its last record here, epoch ms; not stored ({@code Long.MIN_VALUE} after a restore). */
        private long lastRecordWallMs = Long.MIN_VALUE;

        private SegmentClock(String source) {
            this.source = source;
        }

        private boolean holds() {
            return !finished && !idle;
        }
    }

    RunState(LiveState state, String runId, long windowSizeMs, long graceMs, long lastActivityWallMs) {
        super(state);
        this.runId = runId;
        this.windowSizeMs = windowSizeMs;
        this.graceMs = graceMs;
        this.lastActivityWallMs = lastActivityWallMs;
        this.lastRequestWallMs = lastActivityWallMs;
    }

    /** @return the run's window size, in milliseconds */
    long windowSizeMs() {
        return windowSizeMs;
    }

    /** @return the run's clock at this task, epoch ms; {@code Long.MIN_VALUE} before its first record */
    long clockMs() {
        return clockMs;
    }

    /** @return whether FINISHED has arrived from every segment */
    boolean finishing() {
        return finishing;
    }

    /**
     * Records a request of the run read at this task, moves the clock to its timestamp, and closes the run when it
     * was the last one expected. The per-request path: no allocation but a new endpoint's or window's.
     *
     * @param timing      the request
     * @param timestampMs its record timestamp (intended start), epoch ms
     * @param nowWallMs   wall-clock time, epoch ms
     * @param out         where closed windows go
     */
    void recordRequest(RequestTiming timing, long timestampMs, long nowWallMs, Emitter out) {
        lastActivityWallMs = nowWallMs;
        lastRequestWallMs = nowWallMs;
        LiveState.EndpointState endpoint = endpoints.get(timing.getEndpoint());
        if (endpoint == null) {
            endpoint = state.endpoint(this, timing.getEndpoint());
        }
        long start = windowStart(timestampMs);
        endpoint.record(timing, timestampMs, start, isClosed(start));
        advanceClock(timestampMs, segmentCount > 1 ? segmentOf(timing.getGeneratorId(), nowWallMs) : null,
                nowWallMs, out);
        if (finishing) {
            closeIfAllRead(nowWallMs, out);
        }
    }

    /**
     * Applies a control record: STARTED configures the run, FINISHED notes a finished segment and the requests it
     * expects here; every type moves the clock, and the run closes when it has read all it expects.
     *
     * @param control     the record
     * @param timestampMs its record timestamp (the generators' watermark), epoch ms
     * @param partition   this task's partition of the requests topic
     * @param partitions  partitions of the requests topic (as the topology was built)
     * @param nowWallMs   wall-clock time, epoch ms
     * @param out         where closed windows go
     */
    void control(RunControl control, long timestampMs, int partition, int partitions, long nowWallMs,
                 Emitter out) {
        lastActivityWallMs = nowWallMs;
        int segments = Math.min(MAX_SEGMENTS, Math.max(1, control.getSegmentCount()));
        switch (control.getType()) {
            case STARTED -> {
                configure(control, nowWallMs, out);
                segmentCount = Math.max(segmentCount, segments);
            }
            case FINISHED -> {
                segmentCount = Math.max(segmentCount, segments);
                int index = control.getSegmentIndex();
                if (index >= 0 && index < MAX_SEGMENTS) {
                    finishedSegments.set(index);
                }
                expectRequests(control, partition, partitions);
                if (finishedSegments.cardinality() >= segmentCount) {
                    finishing = true;
                }
            }
            default -> {
                // HEARTBEAT and ABORT only move the clock; generators answer ABORT with FINISHED.
            }
        }
        changed();
        SegmentClock segment = control.getType() == ControlType.ABORT ? null : segmentClock(control, nowWallMs);
        advanceClock(timestampMs, segment, nowWallMs, out);
        if (finishing && !deleted()) {
            closeIfAllRead(nowWallMs, out);
        }
    }

    /**
     * Records a system sample in its series' window of the run (the series is the host and its role).
     *
     * @param sample the sample
     * @return false when its window is closed already (the sample is dropped)
     */
    boolean recordSystem(SystemSample sample) {
        long start = windowStart(sample.getTimestampMs());
        if (isClosed(start)) {
            return false;
        }
        LiveState.SystemSeries series = new LiveState.SystemSeries(sample.getHost(), sample.getRole());
        TreeMap<Long, LiveState.SystemEntry> windows = systemWindows.computeIfAbsent(series, h -> new TreeMap<>());
        LiveState.SystemEntry window = windows.get(start);
        if (window == null) {
            window = new LiveState.SystemEntry(this, series, start, new SystemAccumulator(), null);
            windows.put(start, window);
        }
        window.stats.record(sample);
        window.changed();
        return true;
    }

    /**
     * The wall-clock rules: tells whether the run is to close now because its end has come on the wall clock (the
     * quiet period after an old-style FINISHED, the idle timeout while requests are missing, or no record at all
     * for the idle timeout). Logs a warning for the last two. A run restored after a restart counts its idle time
     * from the first call.
     *
     * @param nowWallMs     wall-clock time, epoch ms (the punctuation's)
     * @param idleTimeoutMs the idle timeout, in milliseconds
     * @return whether to {@link #end} the run now
     */
    boolean endsByWallClock(long nowWallMs, long idleTimeoutMs) {
        if (lastActivityWallMs == Long.MIN_VALUE) {
            lastActivityWallMs = nowWallMs;
        }
        if (lastRequestWallMs == Long.MIN_VALUE) {
            lastRequestWallMs = nowWallMs;
        }
        if (finishing && expectedUnknown) {
            return nowWallMs - lastRequestWallMs >= FINISH_QUIET_MS;
        }
        if (finishing) {
            if (nowWallMs - lastRequestWallMs < idleTimeoutMs) {
                return false;
            }
            LOG.warn("Run {}: task {} has read {} of the {} requests that its generators acknowledged on this "
                    + "partition, and none for {} s; closing it", runId, state.task(), requestsRead(),
                    requestsExpected(), idleTimeoutMs / 1000);
            return true;
        }
        if (nowWallMs - lastActivityWallMs < idleTimeoutMs) {
            return false;
        }
        LOG.warn("Run {} had no record at task {} for {} s and no FINISHED from every segment ({} of {}); closing it",
                runId, state.task(), (nowWallMs - lastActivityWallMs) / 1000, finishedSegments.cardinality(),
                segmentCount);
        return true;
    }

    /**
     * The wall-clock rule of segments: a segment none of whose records came here for the idle timeout no longer holds
     * the run's windows open; closes the windows that this lets close.
     *
     * @param nowWallMs     wall-clock time, epoch ms (the punctuation's)
     * @param idleTimeoutMs the idle timeout, in milliseconds
     * @param out           where closed windows go
     */
    void releaseIdleSegments(long nowWallMs, long idleTimeoutMs, Emitter out) {
        boolean released = false;
        for (SegmentClock segment : segmentClocks.values()) {
            if (segment.lastRecordWallMs == Long.MIN_VALUE) {
                segment.lastRecordWallMs = nowWallMs;
            }
            if (segment.holds() && nowWallMs - segment.lastRecordWallMs >= idleTimeoutMs) {
                segment.idle = true;
                released = true;
                LOG.warn("Run {}: segment {} sent nothing to task {} for {} s; its windows close without it", runId,
                        segment.source, state.task(), idleTimeoutMs / 1000);
            }
        }
        if (released && clockMs != Long.MIN_VALUE) {
            closeUpTo(watermarkMs(), nowWallMs, out);
        }
    }

    /**
     * Ends the run at this task: closes every window, emits the complete totals and {@code *} share, and drops the
     * run's state.
     *
     * @param nowWallMs wall-clock time, epoch ms
     * @param out       where the windows and totals go
     */
    void end(long nowWallMs, Emitter out) {
        LOG.debug("Task {} closes run {}: {} requests in totals, clock {}", state.task(), runId, requestsRead(),
                clockMs);
        close(Long.MAX_VALUE, true, nowWallMs, out);
    }

    /**
     * Closes a finishing run once this task has read every request that its sources acknowledged on this partition:
     * the exact end of the run, however far behind the task reads.
     */
    private void closeIfAllRead(long nowWallMs, Emitter out) {
        if (!expectedUnknown && requestsRead() >= requestsExpected()) {
            end(nowWallMs, out);
        }
    }

    /** Notes how many requests a FINISHED source acknowledged on this task's partition. */
    private void expectRequests(RunControl control, int partition, int partitions) {
        List<Long> perPartition = control.getRequestsPerPartition();
        if (perPartition.size() > partitions || perPartition.isEmpty() && control.getRequestsSent() > 0) {
            // An older generator, or one that saw more partitions than this topology: fall back to the quiet period.
            expectedUnknown = true;
            return;
        }
        long expected = partition < perPartition.size() ? perPartition.get(partition) : 0L;
        expectedRequests.put(control.getSource(), expected);
    }

    /**
     * Takes the run's window size and grace from its first STARTED record. Requests whose timestamp equals the
     * STARTED record's may be read before it (Streams picks either on a tie), and open windows of the default size:
     * each such window moves whole into the window of the new size that holds all its events, which is exact
     * because its first and last event fall into that one window. If a window cannot move (its events span two
     * new windows) or windows were emitted already, the run keeps its current size, with a warning.
     */
    private void configure(RunControl control, long nowWallMs, Emitter out) {
        if (configured) {
            return;
        }
        configured = true;
        long size = control.getWindowSizeMs() > 0 ? control.getWindowSizeMs() : windowSizeMs;
        long grace = control.getGraceMs() >= 0 ? control.getGraceMs() : graceMs;
        if (size == windowSizeMs && grace == graceMs) {
            return;
        }
        boolean movable = !emittedWindows;
        for (LiveState.EndpointState endpoint : endpoints.values()) {
            for (LiveState.WindowEntry window : endpoint.windows.values()) {
                movable &= startOf(window.stats.firstEventMs(), size) == startOf(window.stats.lastEventMs(), size);
            }
        }
        if (!movable) {
            LOG.warn("Run {}: STARTED asks for {} ms windows with {} ms grace, but windows of {} ms hold its events "
                    + "already at task {}; keeping those", runId, size, grace, windowSizeMs, state.task());
            return;
        }
        for (LiveState.EndpointState endpoint : endpoints.values()) {
            endpoint.resizeWindows(size);
        }
        for (TreeMap<Long, LiveState.SystemEntry> windows : systemWindows.values()) {
            // System samples carry no per-sample times here: each window moves by its start (approximate).
            List<LiveState.SystemEntry> old = new ArrayList<>(windows.values());
            windows.clear();
            for (LiveState.SystemEntry window : old) {
                window.delete();
                long start = startOf(window.start, size);
                LiveState.SystemEntry moved = windows.get(start);
                if (moved == null) {
                    moved = new LiveState.SystemEntry(this, window.series, start, window.stats, null);
                    windows.put(start, moved);
                } else {
                    moved.stats.merge(window.stats);
                }
                moved.changed();
            }
        }
        windowSizeMs = size;
        graceMs = grace;
        closedUpToMs = Long.MIN_VALUE;
        nextCloseAtMs = Long.MIN_VALUE;
        long clock = clockMs;
        clockMs = Long.MIN_VALUE;
        if (clock != Long.MIN_VALUE) {
            advanceClock(clock, null, nowWallMs, out);
        }
    }

    /**
     * Moves the run's clock, and the segment's, to {@code timestampMs} if later, and closes the windows that the
     * watermark passes.
     *
     * @param segment the record's segment, or null when it has none (a run of one segment, an unknown source)
     */
    private void advanceClock(long timestampMs, SegmentClock segment, long nowWallMs, Emitter out) {
        boolean moved = false;
        if (segment != null && timestampMs > segment.clockMs) {
            segment.clockMs = timestampMs;
            moved = true;
            changed();
        }
        if (timestampMs > clockMs) {
            clockMs = timestampMs;
            moved = true;
        }
        // The watermark is never above the run's clock: while that is below the next close, nothing to look at.
        if (!moved || clockMs < nextCloseAtMs) {
            return;
        }
        closeUpTo(watermarkMs(), nowWallMs, out);
    }

    /** The run's clock in a run of one segment; else the lowest clock of the segments that hold it open. */
    private long watermarkMs() {
        long watermark = clockMs;
        if (segmentCount > 1) {
            for (SegmentClock segment : segmentClocks.values()) {
                if (segment.holds()) {
                    watermark = Math.min(watermark, segment.clockMs);
                }
            }
        }
        return watermark;
    }

    /** Closes the windows that end {@code grace} or more before {@code watermarkMs}. */
    private void closeUpTo(long watermarkMs, long nowWallMs, Emitter out) {
        if (watermarkMs < nextCloseAtMs) {
            return;
        }
        changed();
        long closable = windowStart(watermarkMs - graceMs);
        if (closedUpToMs == Long.MIN_VALUE || closable > closedUpToMs) {
            close(closable, false, nowWallMs, out);
        }
    }

    /** The clock of a control record's segment, made on its first record; notes FINISHED and the activity. */
    private SegmentClock segmentClock(RunControl control, long nowWallMs) {
        int index = control.getSegmentIndex();
        if (index < 0 || index >= MAX_SEGMENTS || control.getSource() == null) {
            return null;
        }
        SegmentClock segment = segmentClocks.get(index);
        if (segment == null || !segment.source.equals(control.getSource())) {
            SegmentClock replaced = segment;
            segment = new SegmentClock(control.getSource());
            if (replaced != null) {
                // Another generator took the segment over (a restart): the old one's clock no longer counts.
                segmentsBySource.remove(replaced.source);
                segment.clockMs = replaced.clockMs;
            }
            segmentClocks.put(index, segment);
            segmentsBySource.put(segment.source, segment);
            lastRequestSegment = null;
        }
        segment.lastRecordWallMs = nowWallMs;
        segment.idle = false;
        segment.finished |= control.getType() == ControlType.FINISHED;
        return segment;
    }

    /** A request's segment, by its generator id; null before a control record of that generator came here. */
    private SegmentClock segmentOf(String generatorId, long nowWallMs) {
        SegmentClock segment = lastRequestSegment;
        if (segment == null || !segment.source.equals(generatorId)) {
            segment = segmentsBySource.get(generatorId);
            if (segment == null) {
                return null;
            }
            lastRequestSegment = segment;
        }
        segment.lastRecordWallMs = nowWallMs;
        segment.idle = false;
        return segment;
    }

    /**
     * Closes every window of the run that ends at or before {@code upToMs}: emits the endpoint windows, the endpoint
     * totals that changed, the system windows, and this task's {@code *} share. With {@code complete}, emits the
     * final totals of every endpoint and drops the run.
     */
    private void close(long upToMs, boolean complete, long nowWallMs, Emitter out) {
        long size = windowSizeMs;
        long lastClosableStart = upToMs - size;
        long timestamp = clockMs == Long.MIN_VALUE ? nowWallMs : clockMs;
        NavigableMap<Long, Accumulator> starWindows = new TreeMap<>();
        Accumulator starTotals = new Accumulator();
        for (LiveState.EndpointState endpoint : endpoints.values()) {
            Iterator<LiveState.WindowEntry> windows = endpoint.windows.values().iterator();
            while (windows.hasNext()) {
                LiveState.WindowEntry window = windows.next();
                if (window.start > lastClosableStart) {
                    break;
                }
                out.window(runId, endpoint.endpoint, window.start, size, window.stats, timestamp);
                emittedWindows = true;
                starWindows.computeIfAbsent(window.start, s -> new Accumulator()).merge(window.stats);
                windows.remove();
                window.delete();
            }
            if (complete || endpoint.totalsChanged) {
                out.totals(runId, endpoint.endpoint, endpoint.totals, complete, timestamp);
                endpoint.totalsEmitted();
            }
            starTotals.merge(endpoint.totals);
        }
        for (TreeMap<Long, LiveState.SystemEntry> windows : systemWindows.values()) {
            Iterator<LiveState.SystemEntry> it = windows.values().iterator();
            while (it.hasNext()) {
                LiveState.SystemEntry window = it.next();
                if (window.start > lastClosableStart) {
                    break;
                }
                out.systemWindow(runId, window.series.host(), window.start, size, window.stats, timestamp);
                it.remove();
                window.delete();
            }
        }
        systemWindows.values().removeIf(TreeMap::isEmpty);
        out.share(runId, size, upToMs, complete, starWindows, starTotals, timestamp);
        closedUpToMs = upToMs;
        nextCloseAtMs = complete ? Long.MAX_VALUE : upToMs + size + graceMs;
        changed();
        if (complete) {
            state.drop(this, nowWallMs);
        }
    }

    private boolean isClosed(long windowStartMs) {
        return closedUpToMs != Long.MIN_VALUE && windowStartMs + windowSizeMs <= closedUpToMs;
    }

    private long windowStart(long timestampMs) {
        return startOf(timestampMs, windowSizeMs);
    }

    /** Start of the epoch-aligned window of {@code sizeMs} that holds {@code timestampMs}. */
    static long startOf(long timestampMs, long sizeMs) {
        return timestampMs - Math.floorMod(timestampMs, sizeMs);
    }

    /** Requests of the run that this task has read: the sum of its endpoints' totals, late ones included. */
    long requestsRead() {
        long sum = 0;
        for (LiveState.EndpointState endpoint : endpoints.values()) {
            sum += endpoint.totals.count();
        }
        return sum;
    }

    /** Requests that the sources which sent FINISHED acknowledged on this task's partition. */
    private long requestsExpected() {
        long sum = 0;
        for (long expected : expectedRequests.values()) {
            sum += expected;
        }
        return sum;
    }

    @Override
    String makeKey() {
        return "R|" + runId;
    }

    @Override
    void write(DataOutputStream out, ByteBuffer scratch) throws IOException {
        out.writeByte(LiveState.RUN);
        out.writeUTF(runId);
        out.writeLong(windowSizeMs);
        out.writeLong(graceMs);
        out.writeBoolean(configured);
        out.writeBoolean(emittedWindows);
        out.writeInt(segmentCount);
        long[] finished = finishedSegments.toLongArray();
        out.writeInt(finished.length);
        for (long word : finished) {
            out.writeLong(word);
        }
        out.writeLong(clockMs);
        out.writeLong(closedUpToMs);
        out.writeBoolean(finishing);
        // Added later: readFrom() reads it only when present.
        out.writeInt(expectedRequests.size());
        for (Map.Entry<String, Long> expected : expectedRequests.entrySet()) {
            out.writeUTF(expected.getKey());
            out.writeLong(expected.getValue());
        }
        out.writeBoolean(expectedUnknown);
        // Added later still: readFrom() reads it only when present.
        out.writeInt(segmentClocks.size());
        for (Map.Entry<Integer, SegmentClock> entry : segmentClocks.entrySet()) {
            SegmentClock segment = entry.getValue();
            out.writeInt(entry.getKey());
            out.writeUTF(segment.source);
            out.writeLong(segment.clockMs);
            out.writeBoolean(segment.finished);
        }
    }

    /** Reads what {@link #write} wrote after the type and run id. */
    void readFrom(DataInputStream in) throws IOException {
        windowSizeMs = in.readLong();
        graceMs = in.readLong();
        configured = in.readBoolean();
        emittedWindows = in.readBoolean();
        segmentCount = in.readInt();
        long[] words = new long[in.readInt()];
        for (int i = 0; i < words.length; i++) {
            words[i] = in.readLong();
        }
        finishedSegments.or(BitSet.valueOf(words));
        clockMs = in.readLong();
        closedUpToMs = in.readLong();
        nextCloseAtMs = closedUpToMs == Long.MIN_VALUE ? Long.MIN_VALUE : closedUpToMs + windowSizeMs + graceMs;
        finishing = in.readBoolean();
        if (in.available() > 0) {
            // Absent in state written before these fields existed.
            for (int i = in.readInt(); i > 0; i--) {
                expectedRequests.put(in.readUTF(), in.readLong());
            }
            expectedUnknown = in.readBoolean();
        }
        if (in.available() > 0) {
            for (int i = in.readInt(); i > 0; i--) {
                int index = in.readInt();
                SegmentClock segment = new SegmentClock(in.readUTF());
                segment.clockMs = in.readLong();
                segment.finished = in.readBoolean();
                segmentClocks.put(index, segment);
                segmentsBySource.put(segment.source, segment);
            }
        }
    }
}
