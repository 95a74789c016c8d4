package io.loadstream.aggregator.stats;

import io.loadstream.events.HostRole;
import io.loadstream.events.SystemSample;
import io.loadstream.events.SystemWindow;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Live statistics of one host's {@link SystemSample}s in one window: mean and max of CPU, process CPU, memory
 * and heap. Unknown values (negative in the sample) are left out of the mean and max; a figure with no known
 * value is -1 in the {@link SystemWindow}. Not thread-safe.
 */
public final class SystemAccumulator {

    private HostRole role = HostRole.OTHER;
    private int samples;
    private final Figure cpu = new Figure();
    private final Figure processCpu = new Figure();
    private final Figure memory = new Figure();
    private final Figure heap = new Figure();

    /**
     * Adds one sample.
     *
     * @param sample the sample
     */
    public void record(SystemSample sample) {
        role = sample.getRole();
        samples++;
        cpu.add(sample.getCpuPercent());
        processCpu.add(sample.getProcessCpuPercent());
        memory.add(sample.getMemoryUsedBytes());
        heap.add(sample.getHeapUsedBytes());
    }

    /**
     * Adds everything in {@code other} to this accumulator.
     *
     * @param other the samples to add
     */
    public void merge(SystemAccumulator other) {
        samples += other.samples;
        cpu.merge(other.cpu);
        processCpu.merge(other.processCpu);
        memory.merge(other.memory);
        heap.merge(other.heap);
    }

    /** @return the number of samples recorded */
    public int samples() {
        return samples;
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
                .build();
    }

    /**
     * Writes the state in the internal format.
     *
     * @param out where to write
     * @throws IOException when {@code out} fails
     */
    public void writeTo(DataOutput out) throws IOException {
        out.writeInt(role.ordinal());
        out.writeInt(samples);
        for (Figure f : new Figure[] {cpu, processCpu, memory, heap}) {
            out.writeInt(f.known);
            out.writeDouble(f.sum);
            out.writeDouble(f.max);
        }
    }

    /**
     * Reads state written by {@link #writeTo(DataOutput)}.
     *
     * @param in where to read
     * @return a new accumulator
     * @throws IOException when the data is truncated
     */
    public static SystemAccumulator readFrom(DataInput in) throws IOException {
        SystemAccumulator acc = new SystemAccumulator();
        int role = in.readInt();
        HostRole[] roles = HostRole.values();
        acc.role = role >= 0 && role < roles.length ? roles[role] : HostRole.OTHER;
        acc.samples = in.readInt();
        for (Figure f : new Figure[] {acc.cpu, acc.processCpu, acc.memory, acc.heap}) {
            f.known = in.readInt();
            f.sum = in.readDouble();
            f.max = in.readDouble();
        }
        return acc;
    }

    /** Mean and max of the known (non-negative) values of one figure. */
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
    }
}
