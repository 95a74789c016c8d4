package io.loadstream.aggregator.topology;

import io.loadstream.aggregator.stats.Accumulator;
import io.loadstream.aggregator.stats.SystemAccumulator;
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
        advanceClock(timestampMs, nowWallMs, out);
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
        advanceClock(timestampMs, nowWallMs, out);
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
            advanceClock(clock, nowWallMs, out);
        }
    }

    /** Moves the run's clock to {@code timestampMs} if later, and closes the windows that it passes. */
    private void advanceClock(long timestampMs, long nowWallMs, Emitter out) {
        if (timestampMs <= clockMs) {
            return;
        }
        clockMs = timestampMs;
        if (timestampMs < nextCloseAtMs) {
            return;
        }
        changed();
        long closable = windowStart(timestampMs - graceMs);
        if (closedUpToMs == Long.MIN_VALUE || closable > closedUpToMs) {
            close(closable, false, nowWallMs, out);
        }
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
    }
}
