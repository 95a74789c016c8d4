package io.loadstream.aggregator.topology;

import io.loadstream.aggregator.stats.Accumulator;
import io.loadstream.aggregator.stats.SystemAccumulator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The live state of one aggregator task: per run, its clock and windows, and per endpoint the open windows and the
 * totals, all as mutable {@link Accumulator}s in memory. Every object that changes marks itself dirty;
 * {@link LiveStateStore} writes the dirty ones (and deletes the dropped ones) to its changelogged store before
 * every commit, and rebuilds this state from that store after a restart.
 *
 * <p>Not thread-safe: one task owns it.
 */
final class LiveState {

    private static final byte RUN = 'R';
    private static final byte WINDOW = 'W';
    private static final byte TOTALS = 'T';
    private static final byte SYSTEM = 'S';
    private static final byte FINISHED = 'F';

    /** Runs with state, by run id. */
    final Map<String, RunState> runs = new HashMap<>();
    /** Runs closed recently, by run id: wall-clock time of the close, epoch ms. Records for them are ignored. */
    final Map<String, Long> finishedRuns = new HashMap<>();

    private final List<Entry> dirty = new ArrayList<>();
    private final List<String> deleted = new ArrayList<>();

    /** Something stored under one key. */
    abstract static class Entry {
        String key;
        boolean isDirty;
        boolean removed;

        abstract String makeKey();

        abstract void write(DataOutputStream out, ByteBuffer scratch) throws IOException;

        final String key() {
            if (key == null) {
                key = makeKey();
            }
            return key;
        }
    }

    void markDirty(Entry entry) {
        if (!entry.isDirty) {
            entry.isDirty = true;
            dirty.add(entry);
        }
    }

    void remove(Entry entry) {
        entry.removed = true;
        deleted.add(entry.key());
    }

    /** The state of one run at this task. */
    static final class RunState extends Entry {
        final String runId;
        long windowSizeMs;
        long graceMs;
        boolean configured;
        /** Whether a window of the run was emitted by this task: its window size can no longer change. */
        boolean emittedWindows;
        int segmentCount = 1;
        final BitSet finishedSegments = new BitSet();
        /** Highest record timestamp of the run's requests and control records at this task, epoch ms. */
        long clockMs = Long.MIN_VALUE;
        /** Every window ending at or before this is closed; {@code Long.MIN_VALUE} before the first record. */
        long closedUpToMs = Long.MIN_VALUE;
        /** Clock at which the next window closes. */
        long nextCloseAtMs = Long.MIN_VALUE;
        boolean finishing;
        /**
         * Per source that sent FINISHED: how many of its requests it had acknowledged on this task's partition of
         * the requests topic. The run closes as soon as this task has read their sum.
         */
        final Map<String, Long> expectedRequests = new HashMap<>();
        /** Whether some FINISHED did not say how many requests it sent to this partition (an older generator). */
        boolean expectedUnknown;
        /** Wall-clock time of the run's last record at this task; not stored: after a restore it is unknown
         *  ({@code Long.MIN_VALUE}) until the first wall-clock tick sets it to that tick's time. */
        long lastActivityWallMs;
        /** Wall-clock time of the run's last request at this task; not stored, like the last activity. */
        long lastRequestWallMs = Long.MIN_VALUE;
        final Map<String, EndpointState> endpoints = new HashMap<>();
        final Map<String, TreeMap<Long, SystemEntry>> systemWindows = new HashMap<>();

        RunState(String runId, long windowSizeMs, long graceMs) {
            this.runId = runId;
            this.windowSizeMs = windowSizeMs;
            this.graceMs = graceMs;
        }

        long windowStart(long timestampMs) {
            return timestampMs - Math.floorMod(timestampMs, windowSizeMs);
        }

        @Override
        String makeKey() {
            return "R|" + runId;
        }

        @Override
        void write(DataOutputStream out, ByteBuffer scratch) throws IOException {
            out.writeByte(RUN);
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
            // Added later: restore() reads it only when present.
            out.writeInt(expectedRequests.size());
            for (Map.Entry<String, Long> expected : expectedRequests.entrySet()) {
                out.writeUTF(expected.getKey());
                out.writeLong(expected.getValue());
            }
            out.writeBoolean(expectedUnknown);
        }

        /** Requests of the run that this task has read: the sum of its endpoints' totals, late ones included. */
        long requestsRead() {
            long sum = 0;
            for (EndpointState endpoint : endpoints.values()) {
                sum += endpoint.totals.count();
            }
            return sum;
        }

        /** Requests that the sources which sent FINISHED acknowledged on this task's partition. */
        long requestsExpected() {
            long sum = 0;
            for (long expected : expectedRequests.values()) {
                sum += expected;
            }
            return sum;
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
            this.run = run;
            this.endpoint = endpoint;
        }

        /** The open window starting at {@code start}, created when missing; the common case is the last one. */
        WindowEntry window(long start, LiveState state) {
            WindowEntry last = lastWindow;
            if (last != null && last.start == start && !last.removed) {
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

        void forgetLastWindow() {
            lastWindow = null;
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

    /** One open system window of one host. */
    static final class SystemEntry extends Entry {
        final RunState run;
        final String host;
        final long start;
        final SystemAccumulator stats;

        SystemEntry(RunState run, String host, long start, SystemAccumulator stats) {
            this.run = run;
            this.host = host;
            this.start = start;
            this.stats = stats;
        }

        @Override
        String makeKey() {
            return "S|" + run.runId + "|" + host + "|" + start;
        }

        @Override
        void write(DataOutputStream out, ByteBuffer scratch) throws IOException {
            out.writeByte(SYSTEM);
            out.writeUTF(run.runId);
            out.writeUTF(host);
            out.writeLong(start);
            stats.writeTo(out);
        }
    }

    /** The memory that a run was closed, so that stragglers do not bring it back. */
    static final class FinishedEntry extends Entry {
        final String runId;
        final long closedWallMs;

        FinishedEntry(String runId, long closedWallMs) {
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
     * @param values     the stored values
     * @param defaults   window size and grace for a run whose meta entry is missing
     * @return the state
     * @throws IOException when a value cannot be read
     */
    static LiveState restore(Iterable<byte[]> values, long[] defaults) throws IOException {
        LiveState state = new LiveState();
        for (byte[] value : values) {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(value));
            byte type = in.readByte();
            if (type == FINISHED) {
                state.finishedRuns.put(in.readUTF(), in.readLong());
                continue;
            }
            RunState run = state.run(in.readUTF(), defaults);
            switch (type) {
                case RUN -> {
                    run.windowSizeMs = in.readLong();
                    run.graceMs = in.readLong();
                    run.configured = in.readBoolean();
                    run.emittedWindows = in.readBoolean();
                    run.segmentCount = in.readInt();
                    long[] words = new long[in.readInt()];
                    for (int i = 0; i < words.length; i++) {
                        words[i] = in.readLong();
                    }
                    run.finishedSegments.or(BitSet.valueOf(words));
                    run.clockMs = in.readLong();
                    run.closedUpToMs = in.readLong();
                    run.nextCloseAtMs = run.closedUpToMs == Long.MIN_VALUE ? Long.MIN_VALUE
                            : run.closedUpToMs + run.windowSizeMs + run.graceMs;
                    run.finishing = in.readBoolean();
                    if (in.available() > 0) {
                        for (int i = in.readInt(); i > 0; i--) {
                            run.expectedRequests.put(in.readUTF(), in.readLong());
                        }
                        run.expectedUnknown = in.readBoolean();
                    }
                }
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
                    run.systemWindows.computeIfAbsent(host, h -> new TreeMap<>())
                            .put(start, new SystemEntry(run, host, start, SystemAccumulator.readFrom(in)));
                }
                default -> throw new IOException("Unknown state entry type " + type);
            }
        }
        return state;
    }

    private RunState run(String runId, long[] defaults) {
        return runs.computeIfAbsent(runId, id -> {
            RunState run = new RunState(id, defaults[0], defaults[1]);
            run.lastActivityWallMs = Long.MIN_VALUE;
            return run;
        });
    }

    EndpointState endpoint(RunState run, String endpoint) {
        return run.endpoints.computeIfAbsent(endpoint, e -> new EndpointState(run, e));
    }
}
