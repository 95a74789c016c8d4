package io.loadstream.generator.system;

import io.loadstream.events.HostRole;
import io.loadstream.events.SystemSample;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Takes one {@link SystemSample} of this host and JVM, each figure named for what it measures: the host's CPU,
 * memory, load averages and disk I/O, and the sampling process's own CPU, resident memory, heap and GC (so that a
 * report can tell a busy generator from a busy machine), plus, for the agent, a watched process on the target.
 * Reads {@code com.sun.management.OperatingSystemMXBean}, the GC beans and, on Linux, {@code /proc/meminfo} (page
 * cache counts as available memory, as {@code free} shows it), {@code /proc/loadavg}, {@code /proc/diskstats} and
 * {@code /proc/self/status}. Not thread-safe: one sampler thread calls it.
 */
public final class SystemSampler {

    private static final Path MEMINFO = Path.of("/proc/meminfo");

    private final String runId;
    private final String host;
    private final HostRole role;
    private final String generatorId;
    private final LongSupplier epochMillis;
    private final Path disk;
    private final com.sun.management.OperatingSystemMXBean os;
    private final List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
    private final ProcFiles proc = ProcFiles.system();
    private final WatchedProcess watched;
    private long lastGcTimeMs;
    private long lastGcCount;
    private Map<String, ProcFiles.DiskCounters> lastDisks;
    private long lastDisksAtMs;

    /**
     * Creates a sampler; the first sample's GC figures count from this moment.
     *
     * @param runId       the run id
     * @param host        the host name written into samples
     * @param role        what this host does in the run
     * @param generatorId the generator's id, or null when not taken by a generator
     * @param epochMillis the wall clock
     * @param disk        a path on the file system whose use is reported
     */
    public SystemSampler(String runId, String host, HostRole role, String generatorId, LongSupplier epochMillis,
                         Path disk) {
        this(runId, host, role, generatorId, epochMillis, disk, null);
    }

    /**
     * Creates a sampler that also reads a watched process; the first sample's GC and disk figures count from
     * this moment, and the watched process's CPU from the first sample.
     *
     * @param runId       the run id
     * @param host        the host name written into samples
     * @param role        what this host does in the run
     * @param generatorId the generator's id, or null when not taken by a generator
     * @param epochMillis the wall clock
     * @param disk        a path on the file system whose use is reported
     * @param watched     the process to report besides the host, or null for none
     */
    public SystemSampler(String runId, String host, HostRole role, String generatorId, LongSupplier epochMillis,
                         Path disk, WatchedProcess watched) {
        this.runId = runId;
        this.host = host;
        this.role = role;
        this.generatorId = generatorId;
        this.epochMillis = epochMillis;
        this.disk = disk;
        this.watched = watched;
        this.os = ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class);
        this.lastGcTimeMs = gcTimeMs();
        this.lastGcCount = gcCount();
        // The first CPU reading of the bean is meaningless (no interval yet); prime it.
        os.getCpuLoad();
        os.getProcessCpuLoad();
        this.lastDisks = proc.diskCounters();
        this.lastDisksAtMs = System.nanoTime() / 1_000_000;
        if (watched != null) {
            watched.read();
        }
    }

    /**
     * Takes a sample.
     *
     * @return the sample; figures that cannot be read are -1
     */
    public SystemSample sample() {
        long gcTime = gcTimeMs();
        long gcCount = gcCount();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long memoryTotal = os.getTotalMemorySize();
        long available = memAvailable();
        long memoryUsed = memoryTotal <= 0 ? -1
                : memoryTotal - (available >= 0 ? available : os.getFreeMemorySize());
        long diskTotal = -1;
        long diskUsed = -1;
        try {
            FileStore store = Files.getFileStore(disk);
            diskTotal = store.getTotalSpace();
            diskUsed = diskTotal - store.getUnallocatedSpace();
        } catch (IOException | SecurityException ignored) {
            // Unknown: -1, as documented in the schema.
        }
        double[] load = proc.loadAverages();
        SystemSample.Builder builder = SystemSample.newBuilder()
                .setRunId(runId)
                .setHost(host)
                .setRole(role)
                .setGeneratorId(generatorId)
                .setTimestampMs(epochMillis.getAsLong())
                .setCpuPercent(percent(os.getCpuLoad()))
                .setProcessCpuPercent(percent(os.getProcessCpuLoad()))
                .setAvailableProcessors(Runtime.getRuntime().availableProcessors())
                .setMemoryUsedBytes(memoryUsed)
                .setMemoryTotalBytes(memoryTotal <= 0 ? -1 : memoryTotal)
                .setHeapUsedBytes(heap.getUsed())
                .setHeapMaxBytes(heap.getMax())
                .setHeapCommittedBytes(heap.getCommitted())
                .setProcessRssBytes(proc.rssBytes("self"))
                .setGcTimeMs(Math.max(0, gcTime - lastGcTimeMs))
                .setGcCount(Math.max(0, gcCount - lastGcCount))
                .setDiskUsedBytes(diskUsed)
                .setDiskTotalBytes(diskTotal)
                .setLoadAverage1m(load != null ? load[0] : Math.max(-1, os.getSystemLoadAverage()))
                .setLoadAverage5m(load != null ? load[1] : -1)
                .setLoadAverage15m(load != null ? load[2] : -1);
        diskIo(builder);
        if (watched != null) {
            WatchedProcess.Reading reading = watched.read();
            builder.setWatchedProcess(reading.label())
                    .setWatchedProcessCpuPercent(reading.cpuPercent())
                    .setWatchedProcessRssBytes(reading.rssBytes());
        }
        SystemSample sample = builder.build();
        lastGcTimeMs = gcTime;
        lastGcCount = gcCount;
        return sample;
    }

    /** Disk bytes read and written since the previous sample, and the busiest disk's busy share of that time. */
    private void diskIo(SystemSample.Builder builder) {
        Map<String, ProcFiles.DiskCounters> disks = proc.diskCounters();
        long nowMs = System.nanoTime() / 1_000_000;
        long elapsedMs = nowMs - lastDisksAtMs;
        if (!disks.isEmpty() && elapsedMs > 0) {
            long read = 0;
            long written = 0;
            double busiest = 0;
            for (Map.Entry<String, ProcFiles.DiskCounters> disk : disks.entrySet()) {
                ProcFiles.DiskCounters before = lastDisks.get(disk.getKey());
                if (before == null) {
                    continue;
                }
                // Counters wrap or reset when a device is re-added: a negative delta counts as nothing.
                read += Math.max(0, disk.getValue().readBytes() - before.readBytes());
                written += Math.max(0, disk.getValue().writtenBytes() - before.writtenBytes());
                busiest = Math.max(busiest, 100.0 * Math.max(0, disk.getValue().busyMs() - before.busyMs())
                        / elapsedMs);
            }
            builder.setDiskReadBytes(read).setDiskWrittenBytes(written).setDiskBusyPercent(Math.min(100, busiest));
        }
        lastDisks = disks;
        lastDisksAtMs = nowMs;
    }

    private static double percent(double load) {
        return load < 0 || Double.isNaN(load) ? -1 : Math.min(100, load * 100);
    }

    private long gcTimeMs() {
        long total = 0;
        for (GarbageCollectorMXBean gc : collectors) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }

    private long gcCount() {
        long total = 0;
        for (GarbageCollectorMXBean gc : collectors) {
            total += Math.max(0, gc.getCollectionCount());
        }
        return total;
    }

    /** MemAvailable from /proc/meminfo in bytes, or -1 where there is no such file. */
    private static long memAvailable() {
        if (!Files.isReadable(MEMINFO)) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(MEMINFO)) {
                if (line.startsWith("MemAvailable:")) {
                    String[] parts = line.trim().split("\\s+");
                    return Long.parseLong(parts[1]) * 1024;
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // Fall back to the bean's free memory.
        }
        return -1;
    }

    /** The host name: the HOSTNAME variable, else what the resolver says, else "localhost". */
    public static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
