package io.loadstream.generator.system;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The CPU time of the generator's own threads, told apart from the rest of its process: in {@code run} the same JVM
 * also runs the aggregator, the reporter and perhaps the demo target, so the process's CPU is not the generator's.
 *
 * <p>A thread is the generator's when its name starts with one of {@link #GENERATOR_THREAD_PREFIXES}: the HTTP
 * client's pool, the executor, the VU timer, the heartbeat ticker, the event publisher, the abort listener, the system
 * sampler, and the Kafka producer's network thread of the generator's client id. Not counted: the JVM's own threads
 * (garbage collection, JIT compilation), which serve every component of the process, and Jetty's scheduler thread
 * (timeouts only). {@link #sample()} adds each thread's CPU time since the previous sample, so call it about once a
 * second: a thread that ends between two samples loses at most the CPU it used since the last one. Threads that
 * already ran before the first sample count from it. Thread-safe.
 */
public final class GeneratorThreadsCpu {

    /** Name prefixes of the generator's threads. */
    public static final List<String> GENERATOR_THREAD_PREFIXES = List.of("loadstream-http", "loadstream-executor",
            "loadstream-timer", "loadstream-ticker", "loadstream-publisher", "loadstream-abort-listener",
            "loadstream-system-sampler", "kafka-producer-network-thread | loadstream-generator-");

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final boolean measured;
    private final Map<Long, Long> lastCpuNanos = new HashMap<>();
    private long totalNanos;

    /** Starts counting now: the CPU that the generator's threads used so far is not counted. */
    public GeneratorThreadsCpu() {
        boolean supported = threads.isThreadCpuTimeSupported();
        if (supported && !threads.isThreadCpuTimeEnabled()) {
            try {
                threads.setThreadCpuTimeEnabled(true);
            } catch (UnsupportedOperationException | SecurityException e) {
                supported = false;
            }
        }
        this.measured = supported;
        if (measured) {
            readAll(true);
        }
    }

    /** Whether this JVM measures per-thread CPU time; when not, {@link #cpuNanos()} is -1. */
    public boolean measured() {
        return measured;
    }

    /** Adds the CPU time the generator's threads used since the previous sample. */
    public synchronized void sample() {
        if (measured) {
            readAll(false);
        }
    }

    /**
     * The CPU time of the generator's threads since this object was made, to the last {@link #sample()}.
     *
     * @return nanoseconds; -1 when this JVM does not measure thread CPU time
     */
    public synchronized long cpuNanos() {
        return measured ? totalNanos : -1;
    }

    private synchronized void readAll(boolean baselineOnly) {
        long[] ids = threads.getAllThreadIds();
        ThreadInfo[] infos = threads.getThreadInfo(ids, 0);
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] == null || !isGeneratorThread(infos[i].getThreadName())) {
                continue;
            }
            long cpu = threads.getThreadCpuTime(ids[i]);
            if (cpu < 0) {
                // Ended since the list was taken.
                continue;
            }
            Long previous = lastCpuNanos.put(ids[i], cpu);
            if (!baselineOnly) {
                totalNanos += cpu - (previous == null ? 0 : previous);
            }
        }
    }

    /**
     * Whether a thread name is one of the generator's.
     *
     * @param name a thread name
     * @return true when it starts with one of {@link #GENERATOR_THREAD_PREFIXES}
     */
    public static boolean isGeneratorThread(String name) {
        for (String prefix : GENERATOR_THREAD_PREFIXES) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
