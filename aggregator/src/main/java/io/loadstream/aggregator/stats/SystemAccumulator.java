package io.loadstream.aggregator.stats;

import io.loadstream.events.HostRole;
import io.loadstream.events.SystemSample;
import io.loadstream.events.SystemSecond;
import io.loadstream.events.SystemWindow;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Live statistics of one series' {@link SystemSample}s (one host in one role) in one window: mean and max of host
 * CPU, process CPU, watched-process CPU, memory and heap; sums of GC and disk I/O; and every sample's per-second
 * figures, so that a report counts seconds (above a CPU bound, say) instead of whole windows. Unknown values
 * (negative in the sample) are left out of means, maxima and sums; a figure with no known value is -1 in the
 * {@link SystemWindow}. Keeps at most {@value #MAX_SECONDS} per-second entries (a window of 10 s holds 10). Not
 * thread-safe.
 */
public final class SystemAccumulator {

    /** Most per-second entries kept in one window: one hour of samples, far above any window size in use. */
    public static final int MAX_SECONDS = 3_600;
    /**
     * Marks the current state format. The first format began with a role ordinal (0 and up), so a negative first
     * integer tells the formats apart.
     */
    private static final int FORMAT_2 = -2;

    private HostRole role = HostRole.OTHER;
    private int samples;
    private String watchedProcess;
    private final Figure cpu = new Figure();
    private final Figure processCpu = new Figure();
    private final Figure memory = new Figure();
    private final Figure heap = new Figure();
    private final Figure watchedCpu = new Figure();
    private final Figure watchedRss = new Figure();
    private final Figure memoryTotal = new Figure();
    private final Figure processRss = new Figure();
    private final Figure heapCommitted = new Figure();
    private final Figure heapMax = new Figure();
    private final Figure gcTime = new Figure();
    private final Figure gcCount = new Figure();
    private final Figure load = new Figure();
    private final Figure diskRead = new Figure();
    private final Figure diskWritten = new Figure();
    private final Figure diskBusy = new Figure();
    private final List<SystemSecond> seconds = new ArrayList<>();

    /**
     * Adds one sample.
     *
     * @param sample the sample
     */
    public void record(SystemSample sample) {
        role = sample.getRole();
        samples++;
        if (sample.getWatchedProcess() != null) {
            watchedProcess = sample.getWatchedProcess();
        }
        cpu.add(sample.getCpuPercent());
        processCpu.add(sample.getProcessCpuPercent());
        memory.add(sample.getMemoryUsedBytes());
        heap.add(sample.getHeapUsedBytes());
        watchedCpu.add(sample.getWatchedProcessCpuPercent());
        watchedRss.add(sample.getWatchedProcessRssBytes());
        memoryTotal.add(sample.getMemoryTotalBytes());
        processRss.add(sample.getProcessRssBytes());
        heapCommitted.add(sample.getHeapCommittedBytes());
        heapMax.add(sample.getHeapMaxBytes());
        gcTime.add(sample.getGcTimeMs());
        gcCount.add(sample.getGcCount());
        load.add(sample.getLoadAverage1m());
        diskRead.add(sample.getDiskReadBytes());
        diskWritten.add(sample.getDiskWrittenBytes());
        diskBusy.add(sample.getDiskBusyPercent());
        if (seconds.size() < MAX_SECONDS) {
            seconds.add(new SystemSecond(sample.getTimestampMs(), sample.getCpuPercent(),
                    sample.getProcessCpuPercent(), sample.getWatchedProcessCpuPercent(), sample.getMemoryUsedBytes(),
                    sample.getProcessRssBytes(), sample.getWatchedProcessRssBytes(), sample.getHeapUsedBytes(),
                    sample.getGcTimeMs(), sample.getLoadAverage1m(), sample.getDiskBusyPercent()));
        }
    }

    /**
     * Adds everything in {@code other} to this accumulator.
     *
     * @param other the samples to add
     */
    public void merge(SystemAccumulator other) {
        samples += other.samples;
        if (other.watchedProcess != null) {
            watchedProcess = other.watchedProcess;
        }
        Figure[] mine = figures();
        Figure[] theirs = other.figures();
        for (int i = 0; i < mine.length; i++) {
            mine[i].merge(theirs[i]);
        }
        for (SystemSecond second : other.seconds) {
            if (seconds.size() < MAX_SECONDS) {
                seconds.add(second);
            }
        }
    }

    /** @return the number of samples recorded */
    public int samples() {
        return samples;
    }

    /** @return the role of the series' samples */
    public HostRole role() {
        return role;
    }

    /**
     * Returns the window as the Avro record.
     *
     * @param runId         the run
     * @param host          the host
     * @param windowStartMs start of the window, inclusive, epoch ms
     * @param windowEndMs   end of the window, exclusive, epoch ms
     * @return a new record
     */
    public SystemWindow toSystemWindow(String runId, String host, long windowStartMs, long windowEndMs) {
        List<SystemSecond> ordered = new ArrayList<>(seconds);
        ordered.sort(Comparator.comparingLong(SystemSecond::getTimestampMs));
        return SystemWindow.newBuilder()
                .setRunId(runId)
                .setHost(host)
                .setRole(role)
                .setWindowStartMs(windowStartMs)
                .setWindowEndMs(windowEndMs)
                .setSamples(samples)
                .setCpuMean(cpu.mean())
                .setCpuMax(cpu.max())
                .setProcessCpuMean(processCpu.mean())
                .setProcessCpuMax(processCpu.max())
                .setMemoryUsedMeanBytes(Math.round(memory.mean()))
                .setMemoryUsedMaxBytes(Math.round(memory.max()))
                .setHeapUsedMeanBytes(Math.round(heap.mean()))
                .setHeapUsedMaxBytes(Math.round(heap.max()))
                .setMemoryTotalBytes(Math.round(memoryTotal.max()))
                .setProcessRssMaxBytes(Math.round(processRss.max()))
                .setHeapCommittedMaxBytes(Math.round(heapCommitted.max()))
                .setHeapMaxBytes(Math.round(heapMax.max()))
                .setGcTimeMs(Math.round(gcTime.sum()))
                .setGcCount(Math.round(gcCount.sum()))
                .setLoadAverage1mMax(load.max())
                .setDiskReadBytes(Math.round(diskRead.sum()))
                .setDiskWrittenBytes(Math.round(diskWritten.sum()))
                .setDiskBusyMaxPercent(diskBusy.max())
                .setWatchedProcess(watchedProcess)
                .setWatchedProcessCpuMean(watchedCpu.mean())
                .setWatchedProcessCpuMax(watchedCpu.max())
                .setWatchedProcessRssMaxBytes(Math.round(watchedRss.max()))
                .setSeconds(ordered)
                .build();
    }

    /**
     * Writes the state in the internal format.
     *
     * @param out where to write
     * @throws IOException when {@code out} fails
     */
    public void writeTo(DataOutput out) throws IOException {
        out.writeInt(FORMAT_2);
        out.writeInt(role.ordinal());
        out.writeInt(samples);
        out.writeUTF(watchedProcess == null ? "" : watchedProcess);
        for (Figure f : figures()) {
            out.writeInt(f.known);
            out.writeDouble(f.sum);
            out.writeDouble(f.max);
        }
        out.writeInt(seconds.size());
        for (SystemSecond s : seconds) {
            out.writeLong(s.getTimestampMs());
            out.writeDouble(s.getCpuPercent());
            out.writeDouble(s.getProcessCpuPercent());
            out.writeDouble(s.getWatchedProcessCpuPercent());
            out.writeLong(s.getMemoryUsedBytes());
            out.writeLong(s.getProcessRssBytes());
            out.writeLong(s.getWatchedProcessRssBytes());
            out.writeLong(s.getHeapUsedBytes());
            out.writeLong(s.getGcTimeMs());
            out.writeDouble(s.getLoadAverage1m());
            out.writeDouble(s.getDiskBusyPercent());
        }
    }

    /**
     * Reads state written by {@link #writeTo(DataOutput)}, or by the first format (four figures, no seconds).
     *
     * @param in where to read
     * @return a new accumulator
     * @throws IOException when the data is truncated
     */
    public static SystemAccumulator readFrom(DataInput in) throws IOException {
        SystemAccumulator acc = new SystemAccumulator();
        int first = in.readInt();
        boolean current = first == FORMAT_2;
        int role = current ? in.readInt() : first;
        HostRole[] roles = HostRole.values();
        acc.role = role >= 0 && role < roles.length ? roles[role] : HostRole.OTHER;
        acc.samples = in.readInt();
        if (current) {
            String watched = in.readUTF();
            acc.watchedProcess = watched.isEmpty() ? null : watched;
        }
        Figure[] figures = acc.figures();
        for (int i = 0; i < (current ? figures.length : 4); i++) {
            figures[i].known = in.readInt();
            figures[i].sum = in.readDouble();
            figures[i].max = in.readDouble();
        }
        int count = current ? in.readInt() : 0;
        for (int i = 0; i < count; i++) {
            acc.seconds.add(new SystemSecond(in.readLong(), in.readDouble(), in.readDouble(), in.readDouble(),
                    in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readDouble(),
                    in.readDouble()));
        }
        return acc;
    }

    /** Every figure, in the state format's order; the first four are those of the first format. */
    private Figure[] figures() {
        return new Figure[] {cpu, processCpu, memory, heap, watchedCpu, watchedRss, memoryTotal, processRss,
            heapCommitted, heapMax, gcTime, gcCount, load, diskRead, diskWritten, diskBusy};
    }

    /** Mean, max and sum of the known (non-negative) values of one figure. */
    private static final class Figure {
        private int known;
        private double sum;
        private double max = -1;

        void add(double value) {
            if (value < 0) {
                return;
            }
            known++;
            sum += value;
            max = Math.max(max, value);
        }

        void merge(Figure other) {
            known += other.known;
            sum += other.sum;
            max = Math.max(max, other.max);
        }

        double mean() {
            return known == 0 ? -1 : sum / known;
        }

        double max() {
            return known == 0 ? -1 : max;
        }

        double sum() {
            return known == 0 ? -1 : sum;
        }
    }
}
