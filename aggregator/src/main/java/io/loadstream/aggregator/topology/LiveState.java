package io.loadstream.aggregator.topology;

import io.loadstream.aggregator.stats.Accumulator;
import io.loadstream.aggregator.stats.SystemAccumulator;
import io.loadstream.events.HostRole;
import io.loadstream.events.RequestTiming;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The live state of one aggregator task: its runs ({@link RunState}, which applies the run's rules), per endpoint
 * the open windows and the totals, per series (host and role) the open system windows, all as mutable
 * accumulators in memory, and the runs closed recently. Every entry that changes marks itself dirty;
 * {@link LiveStateStore} writes the dirty ones (and deletes the dropped ones) to its changelogged store before
 * every commit, and rebuilds this state from that store after a restart.
 *
 * <p>Not thread-safe: one task owns it.
 */
final class LiveState {

    /** How long a closed run is remembered, so that stragglers do not reopen it, in milliseconds (wall clock). */
    static final long FINISHED_RETENTION_MS = Duration.ofHours(1).toMillis();

    static final byte RUN = 'R';
    private static final byte WINDOW = 'W';
    private static final byte TOTALS = 'T';
    private static final byte SYSTEM = 'S';
    private static final byte FINISHED = 'F';

    private final String task;
    private final long defaultWindowMs;
    private final long defaultGraceMs;
    /** Runs with state, by run id. */
    private final Map<String, RunState> runs = new HashMap<>();
    /** Runs closed recently, by run id: wall-clock time of the close, epoch ms. Records for them are ignored. */
    private final Map<String, Long> finishedRuns = new HashMap<>();
    private final List<Entry> dirty = new ArrayList<>();
    private final List<String> deleted = new ArrayList<>();

    /**
     * Creates an empty state.
     *
     * @param task            the task that owns it, for log messages
     * @param defaultWindowMs window size of a run until its STARTED record says otherwise, in milliseconds
     * @param defaultGraceMs  grace of such a run, in milliseconds
     */
    LiveState(String task, long defaultWindowMs, long defaultGraceMs) {
        this.task = task;
        this.defaultWindowMs = defaultWindowMs;
        this.defaultGraceMs = defaultGraceMs;
    }

    /** Something stored under one key, which says when it changed. */
    abstract static class Entry {
        final LiveState state;
        private String key;
        private boolean isDirty;
        private boolean removed;

        Entry(LiveState state) {
            this.state = state;
        }

        abstract String makeKey();

        abstract void write(DataOutputStream out, ByteBuffer scratch) throws IOException;

        final String key() {
            if (key == null) {
                key = makeKey();
            }
            return key;
        }

        /** Marks this entry to be written before the next commit. */
        final void changed() {
            if (!isDirty) {
                isDirty = true;
                state.dirty.add(this);
            }
        }

        /** Deletes this entry from the store before the next commit; it is never written again. */
        final void delete() {
            removed = true;
            state.deleted.add(key());
        }

        final boolean deleted() {
            return removed;
        }
    }

    /** @return the task that owns this state, for log messages */
    String task() {
        return task;
    }

    /**
     * @param runId a run id
     * @return the run's state, or null when the run has no state here
     */
    RunState run(String runId) {
        return runs.get(runId);
    }

    /** @return the runs with state; do not close runs while iterating */
    Collection<RunState> runs() {
        return runs.values();
    }

    /**
     * @param runId a run id
     * @return whether the run was closed here within the last {@link #FINISHED_RETENTION_MS} ms
     */
    boolean isFinished(String runId) {
        return finishedRuns.containsKey(runId);
    }

    /**
     * Starts keeping a new run, with the default window size and grace.
     *
     * @param runId     a legal run id of a run without state here
     * @param nowWallMs wall-clock time, epoch ms: the run's last activity
     * @return the new run
     */
    RunState open(String runId, long nowWallMs) {
        RunState run = new RunState(this, runId, defaultWindowMs, defaultGraceMs, nowWallMs);
        runs.put(runId, run);
        run.changed();
        return run;
    }

    /** Drops a closed run's entries, and remembers that it was closed (at {@code nowWallMs}, epoch ms). */
    void drop(RunState run, long nowWallMs) {
        for (EndpointState endpoint : run.endpoints.values()) {
            for (WindowEntry window : endpoint.windows.values()) {
                window.delete();
            }
            endpoint.delete();
        }
        run.delete();
        runs.remove(run.runId);
        finishedRuns.put(run.runId, nowWallMs);
        new FinishedEntry(this, run.runId, nowWallMs).changed();
    }

    /** Forgets the runs closed {@link #FINISHED_RETENTION_MS} or more before {@code nowWallMs} (epoch ms). */
    void forgetFinished(long nowWallMs) {
        Iterator<Map.Entry<String, Long>> finished = finishedRuns.entrySet().iterator();
        while (finished.hasNext()) {
            Map.Entry<String, Long> entry = finished.next();
            if (nowWallMs - entry.getValue() >= FINISHED_RETENTION_MS) {
                finished.remove();
                new FinishedEntry(this, entry.getKey(), entry.getValue()).delete();
            }
        }
    }

    /** One endpoint of one run: its open windows and its totals. */
    static final class EndpointState extends Entry {
        final RunState run;
        final String endpoint;
        Accumulator totals = new Accumulator();
        /** Whether the totals changed since they were last emitted. */
        boolean totalsChanged;
        final TreeMap<Long, WindowEntry> windows = new TreeMap<>();
        private WindowEntry lastWindow;

        EndpointState(RunState run, String endpoint) {
            super(run.state);
            this.run = run;
            this.endpoint = endpoint;
        }

        /**
         * Records one request: in the totals, and in its window unless that window is closed (then it counts as
         * late in the totals). The per-request path: no allocation but a new window's.
         *
         * @param timing        the request
         * @param timestampMs   its event time (intended start), epoch ms
         * @param windowStartMs start of its window, epoch ms
         * @param late          whether that window is closed already
         */
        void record(RequestTiming timing, long timestampMs, long windowStartMs, boolean late) {
            totals.record(timing, timestampMs);
            if (late) {
                totals.countLate();
            } else {
                WindowEntry window = window(windowStartMs);
                window.stats.record(timing, timestampMs);
                window.changed();
            }
            totalsChanged = true;
            changed();
        }

        /** The open window starting at {@code start}, created when missing; the common case is the last one. */
        WindowEntry window(long start) {
            WindowEntry last = lastWindow;
            if (last != null && last.start == start && !last.deleted()) {
                return last;
            }
            WindowEntry window = windows.get(start);
            if (window == null) {
                window = new WindowEntry(this, start, new Accumulator());
                windows.put(start, window);
            }
            lastWindow = window;
            return window;
        }

        /** Notes that the totals were emitted as they are. */
        void totalsEmitted() {
            totalsChanged = false;
            changed();
        }

        /** Moves every open window whole into the window of size {@code sizeMs} that holds its first event. */
        void resizeWindows(long sizeMs) {
            List<WindowEntry> old = new ArrayList<>(windows.values());
            windows.clear();
            lastWindow = null;
            for (WindowEntry window : old) {
                window.delete();
                WindowEntry moved = window(RunState.startOf(window.stats.firstEventMs(), sizeMs));
                moved.stats.merge(window.stats);
                moved.changed();
            }
        }

        @Override
        String makeKey() {
            return "T|" + run.runId + "|" + endpoint;
        }

        @Override
        void write(DataOutputStream out, ByteBuffer scratch) throws IOException {
            out.writeByte(TOTALS);
            out.writeUTF(run.runId);
            out.writeUTF(endpoint);
            out.writeBoolean(totalsChanged);
            totals.writeTo(out, scratch);
        }
    }

    /** One open window of one endpoint. */
    static final class WindowEntry extends Entry {
        final EndpointState endpoint;
        final long start;
        final Accumulator stats;

        WindowEntry(EndpointState endpoint, long start, Accumulator stats) {
            super(endpoint.state);
            this.endpoint = endpoint;
            this.start = start;
            this.stats = stats;
        }

        @Override
        String makeKey() {
            return "W|" + endpoint.run.runId + "|" + endpoint.endpoint + "|" + start;
        }

        @Override
        void write(DataOutputStream out, ByteBuffer scratch) throws IOException {
            out.writeByte(WINDOW);
            out.writeUTF(endpoint.run.runId);
            out.writeUTF(endpoint.endpoint);
            out.writeLong(start);
            stats.writeTo(out, scratch);
        }
    }

    /**
     * A series of system samples: one host in one role (a generator and an agent on one host are two series).
     *
     * @param host the host name
     * @param role what the host does in the run
     */
    record SystemSeries(String host, HostRole role) {
    }

    /** One open system window of one series. */
    static final class SystemEntry extends Entry {
        final RunState run;
        final SystemSeries series;
        final long start;
        final SystemAccumulator stats;
        private final String storedKey;

        /**
         * @param storedKey the key it was restored from when that was of the first state format (no role in it),
         *                  so that deleting it deletes that key; null otherwise
         */
        SystemEntry(RunState run, SystemSeries series, long start, SystemAccumulator stats, String storedKey) {
            super(run.state);
            this.run = run;
            this.series = series;
            this.start = start;
            this.stats = stats;
            this.storedKey = storedKey;
        }

        @Override
        String makeKey() {
            return storedKey != null ? storedKey
                    : "S|" + run.runId + "|" + series.host() + "|" + series.role() + "|" + start;
        }

        @Override
        void write(DataOutputStream out, ByteBuffer scratch) throws IOException {
            out.writeByte(SYSTEM);
            out.writeUTF(run.runId);
            out.writeUTF(series.host());
            out.writeLong(start);
            stats.writeTo(out);
        }
    }

    /** The memory that a run was closed, so that stragglers do not bring it back. */
    private static final class FinishedEntry extends Entry {
        final String runId;
        final long closedWallMs;

        FinishedEntry(LiveState state, String runId, long closedWallMs) {
            super(state);
            this.runId = runId;
            this.closedWallMs = closedWallMs;
        }

        @Override
        String makeKey() {
            return "F|" + runId;
        }

        @Override
        void write(DataOutputStream out, ByteBuffer scratch) throws IOException {
            out.writeByte(FINISHED);
            out.writeUTF(runId);
            out.writeLong(closedWallMs);
        }
    }

    /** A key to write (value not null) or delete (value null). */
    record Change(String key, byte[] value) {
    }

    /**
     * Takes the changes since the last call: deletions first, then the current value of every dirty entry.
     *
     * @param scratch a buffer of at least {@link Accumulator#scratchCapacity()} bytes
     * @return the changes, in the order to apply them
     */
    List<Change> drainChanges(ByteBuffer scratch) {
        List<Change> changes = new ArrayList<>(deleted.size() + dirty.size());
        for (String key : deleted) {
            changes.add(new Change(key, null));
        }
        deleted.clear();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
        for (Entry entry : dirty) {
            entry.isDirty = false;
            if (entry.removed) {
                continue;
            }
            bytes.reset();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                entry.write(out, scratch);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            changes.add(new Change(entry.key(), bytes.toByteArray()));
        }
        dirty.clear();
        return changes;
    }

    /**
     * Rebuilds the live state from stored values (any order).
     *
     * @param values          the stored values
     * @param task            the task that owns the state, for log messages
     * @param defaultWindowMs window size of new runs, and of a run whose meta entry is missing, in milliseconds
     * @param defaultGraceMs  grace of such runs, in milliseconds
     * @return the state
     * @throws IOException when a value cannot be read
     */
    static LiveState restore(Iterable<byte[]> values, String task, long defaultWindowMs, long defaultGraceMs)
            throws IOException {
        LiveState state = new LiveState(task, defaultWindowMs, defaultGraceMs);
        for (byte[] value : values) {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(value));
            byte type = in.readByte();
            if (type == FINISHED) {
                state.finishedRuns.put(in.readUTF(), in.readLong());
                continue;
            }
            RunState run = state.restoredRun(in.readUTF());
            switch (type) {
                case RUN -> run.readFrom(in);
                case TOTALS -> {
                    EndpointState endpoint = state.endpoint(run, in.readUTF());
                    endpoint.totalsChanged = in.readBoolean();
                    endpoint.totals = Accumulator.readFrom(in);
                }
                case WINDOW -> {
                    EndpointState endpoint = state.endpoint(run, in.readUTF());
                    long start = in.readLong();
                    endpoint.windows.put(start, new WindowEntry(endpoint, start, Accumulator.readFrom(in)));
                }
                case SYSTEM -> {
                    String host = in.readUTF();
                    long start = in.readLong();
                    // The first format's accumulator begins with a role ordinal (>= 0); its entry's key has no role.
                    in.mark(Integer.BYTES);
                    boolean firstFormat = in.readInt() >= 0;
                    in.reset();
                    SystemAccumulator stats = SystemAccumulator.readFrom(in);
                    SystemSeries series = new SystemSeries(host, stats.role());
                    String storedKey = firstFormat ? "S|" + run.runId + "|" + host + "|" + start : null;
                    run.systemWindows.computeIfAbsent(series, h -> new TreeMap<>())
                            .put(start, new SystemEntry(run, series, start, stats, storedKey));
                }
                default -> throw new IOException("Unknown state entry type " + type);
            }
        }
        return state;
    }

    /** A restored run: its last activity is unknown until the first wall-clock tick. */
    private RunState restoredRun(String runId) {
        return runs.computeIfAbsent(runId,
                id -> new RunState(this, id, defaultWindowMs, defaultGraceMs, Long.MIN_VALUE));
    }

    /** The run's endpoint, created when new. */
    EndpointState endpoint(RunState run, String endpoint) {
        return run.endpoints.computeIfAbsent(endpoint, e -> new EndpointState(run, e));
    }
}
