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
import java.util.function.LongSupplier;

/**
 * Takes one {@link SystemSample} of this host and JVM: system and process CPU, physical memory, heap, GC since
 * the previous sample, disk use of the working directory's file system and the load average. Reads
 * {@code com.sun.management.OperatingSystemMXBean} and, on Linux, {@code /proc/meminfo} (so that page cache
 * counts as available memory, as {@code free} shows it). Not thread-safe: one sampler thread calls it.
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
    private long lastGcTimeMs;
    private long lastGcCount;

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
        this.runId = runId;
        this.host = host;
        this.role = role;
        this.generatorId = generatorId;
        this.epochMillis = epochMillis;
        this.disk = disk;
        this.os = ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class);
        this.lastGcTimeMs = gcTimeMs();
        this.lastGcCount = gcCount();
        // The first CPU reading of the bean is meaningless (no interval yet); prime it.
        os.getCpuLoad();
        os.getProcessCpuLoad();
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
        SystemSample sample = SystemSample.newBuilder()
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
                .setGcTimeMs(Math.max(0, gcTime - lastGcTimeMs))
                .setGcCount(Math.max(0, gcCount - lastGcCount))
                .setDiskUsedBytes(diskUsed)
                .setDiskTotalBytes(diskTotal)
                .setLoadAverage1m(Math.max(-1, os.getSystemLoadAverage()))
                .build();
        lastGcTimeMs = gcTime;
        lastGcCount = gcCount;
        return sample;
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
