package io.loadstream.generator.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the Linux {@code /proc} and {@code /sys} files the sampler needs. Every method returns "unknown" (-1, null
 * or an empty map) where a file is missing or unreadable (another OS, a locked-down container) instead of failing:
 * a sample with unknown figures is still a sample. Stateless; the deltas are kept by the callers.
 */
final class ProcFiles {

    /** Bytes in a sector of {@code /proc/diskstats}: always 512, whatever the device's own sector size. */
    static final long DISKSTATS_SECTOR_BYTES = 512;

    private final Path proc;
    private final Path sysBlock;

    /**
     * @param proc     the proc file system, normally {@code /proc}
     * @param sysBlock the block devices' folder of sysfs, normally {@code /sys/block}
     */
    ProcFiles(Path proc, Path sysBlock) {
        this.proc = proc;
        this.sysBlock = sysBlock;
    }

    /** The files of this machine. */
    static ProcFiles system() {
        return new ProcFiles(Path.of("/proc"), Path.of("/sys/block"));
    }

    /** @return the 1, 5 and 15 minute load averages of {@code /proc/loadavg}, or null when unknown */
    double[] loadAverages() {
        String line = firstLine(proc.resolve("loadavg"));
        if (line == null) {
            return null;
        }
        String[] parts = line.trim().split("\\s+");
        try {
            return new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1]),
                Double.parseDouble(parts[2])};
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * Cumulative counters of one physical disk from {@code /proc/diskstats}.
     *
     * @param readBytes    bytes read since boot
     * @param writtenBytes bytes written since boot
     * @param busyMs       milliseconds with I/O in flight since boot (the "io_ticks" field)
     */
    record DiskCounters(long readBytes, long writtenBytes, long busyMs) {
    }

    /**
     * Counters of the physical disks: the devices of {@code /sys/block} that have a {@code device} link, so that
     * partitions, loop, RAM, zram, device-mapper and md devices (which would count the same I/O twice or are not
     * disks) are left out.
     *
     * @return counters by device name; empty when unknown
     */
    Map<String, DiskCounters> diskCounters() {
        Map<String, DiskCounters> disks = new HashMap<>();
        for (String line : lines(proc.resolve("diskstats"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 14 || !Files.exists(sysBlock.resolve(f[2]).resolve("device"))) {
                continue;
            }
            try {
                disks.put(f[2], new DiskCounters(Long.parseLong(f[5]) * DISKSTATS_SECTOR_BYTES,
                        Long.parseLong(f[9]) * DISKSTATS_SECTOR_BYTES, Long.parseLong(f[12])));
            } catch (NumberFormatException ignored) {
                // A line in a format we do not know: leave the device out.
            }
        }
        return disks;
    }

    /** @return the sum of the {@code cpu} line of {@code /proc/stat} (all processors, clock ticks), -1 unknown */
    long totalCpuTicks() {
        String line = firstLine(proc.resolve("stat"));
        if (line == null || !line.startsWith("cpu ")) {
            return -1;
        }
        String[] f = line.trim().split("\\s+");
        long sum = 0;
        try {
            // user nice system idle iowait irq softirq steal; guest time is already inside user and nice.
            for (int i = 1; i <= Math.min(8, f.length - 1); i++) {
                sum += Long.parseLong(f[i]);
            }
        } catch (NumberFormatException e) {
            return -1;
        }
        return sum;
    }

    /**
     * @param pid a process id, or "self"
     * @return user plus system CPU time of the process from {@code /proc/PID/stat}, clock ticks; -1 when unknown
     */
    long processCpuTicks(String pid) {
        String line = firstLine(proc.resolve(pid).resolve("stat"));
        if (line == null) {
            return -1;
        }
        // The command name, in parentheses, may hold spaces: count fields after its closing parenthesis.
        String[] f = line.substring(line.lastIndexOf(')') + 2).split("\\s+");
        try {
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /**
     * @param pid a process id, or "self"
     * @return the resident memory (VmRSS) of the process, bytes; -1 when unknown
     */
    long rssBytes(String pid) {
        for (String line : lines(proc.resolve(pid).resolve("status"))) {
            if (line.startsWith("VmRSS:")) {
                try {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /**
     * @param pid a process id
     * @return the command name of {@code /proc/PID/comm}, or null when there is no such process
     */
    String command(long pid) {
        String line = firstLine(proc.resolve(Long.toString(pid)).resolve("comm"));
        return line == null ? null : line.trim();
    }

    private static String firstLine(Path file) {
        List<String> lines = lines(file);
        return lines.isEmpty() ? null : lines.get(0);
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException | SecurityException | java.io.UncheckedIOException e) {
            return List.of();
        }
    }
}
