package io.loadstream.aggregator.topology;

import io.loadstream.aggregator.stats.Accumulator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * One task's share of the {@code *} (all endpoints) figures of a run, sent through the internal repartition topic
 * keyed by run id to {@link StarMergeProcessor}, which merges the shares of all tasks.
 *
 * <p>Every task reads every control record (generators send them to every control partition), so every task knows
 * every run, and sends a share each time its clock for the run closes windows, even when it has no data for them:
 * {@code closedUpToMs} says that the task will never send data for a window ending at or before it.
 *
 * @param partition      the task's input partition, from 0
 * @param partitionCount how many input partitions (tasks) send shares for each run
 * @param windowSizeMs   the run's window size, in milliseconds
 * @param closedUpToMs   every window of the run that ends at or before this time (epoch ms) is closed at the task;
 *                       {@code Long.MAX_VALUE} once the run is over at the task
 * @param complete       whether the run is over at this task: these are its final figures
 * @param windows        the task's {@code *} figures of the windows it just closed, by window start (epoch ms);
 *                       windows without data are left out
 * @param totals         the task's {@code *} totals of the run so far (cumulative, not a delta)
 */
record StarPartial(int partition, int partitionCount, long windowSizeMs, long closedUpToMs, boolean complete,
                   NavigableMap<Long, Accumulator> windows, Accumulator totals) {

    private static final int FORMAT_VERSION = 1;

    byte[] encode(ByteBuffer scratch) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT_VERSION);
            out.writeInt(partition);
            out.writeInt(partitionCount);
            out.writeLong(windowSizeMs);
            out.writeLong(closedUpToMs);
            out.writeBoolean(complete);
            writeWindows(out, windows, scratch);
            totals.writeTo(out, scratch);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static StarPartial decode(byte[] value) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(value));
        int version = in.readByte();
        if (version != FORMAT_VERSION) {
            throw new IOException("Unknown partial format " + version);
        }
        int partition = in.readInt();
        int partitionCount = in.readInt();
        long windowSizeMs = in.readLong();
        long closedUpToMs = in.readLong();
        boolean complete = in.readBoolean();
        NavigableMap<Long, Accumulator> windows = new TreeMap<>();
        readWindows(in, windows);
        Accumulator totals = Accumulator.readFrom(in);
        return new StarPartial(partition, partitionCount, windowSizeMs, closedUpToMs, complete, windows, totals);
    }

    /**
     * Writes windows by start: their count, then each start (epoch ms) and accumulator. The format of the windows
     * of a share, and of those the merge keeps waiting.
     */
    static void writeWindows(DataOutput out, Map<Long, Accumulator> windows, ByteBuffer scratch) throws IOException {
        out.writeInt(windows.size());
        for (Map.Entry<Long, Accumulator> window : windows.entrySet()) {
            out.writeLong(window.getKey());
            window.getValue().writeTo(out, scratch);
        }
    }

    /** Reads what {@link #writeWindows} wrote into {@code into}. */
    static void readWindows(DataInput in, Map<Long, Accumulator> into) throws IOException {
        for (int i = in.readInt(); i > 0; i--) {
            long start = in.readLong();
            into.put(start, Accumulator.readFrom(in));
        }
    }
}
