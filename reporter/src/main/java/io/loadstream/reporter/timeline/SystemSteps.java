package io.loadstream.reporter.timeline;

import io.loadstream.events.SystemSecond;
import io.loadstream.events.SystemWindow;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The system windows of every host, bounded as {@link BoundedTimeline} bounds the latency: at most
 * {@code maxSteps} per host; when a host would need more, the step doubles and neighbouring windows merge (means
 * weighted by their samples, maxima kept, unknown values left out). A repeat of a window replaces it while the step
 * is still one window. Not thread-safe.
 */
public final class SystemSteps {

    private final int maxSteps;
    private final Map<String, NavigableMap<Long, SystemWindow>> hosts = new TreeMap<>();
    private boolean started;
    private long originMs;
    private long stepMs;

    /**
     * Creates an empty set.
     *
     * @param maxSteps windows per host at most, at least 2
     * @throws IllegalArgumentException when {@code maxSteps} is below 2
     */
    public SystemSteps(int maxSteps) {
        if (maxSteps < 2) {
            throw new IllegalArgumentException("Need maxSteps >= 2, not " + maxSteps);
        }
        this.maxSteps = maxSteps;
    }

    /**
     * Adds a system window.
     *
     * @param window the window
     */
    public void add(SystemWindow window) {
        if (!started) {
            started = true;
            originMs = window.getWindowStartMs();
            stepMs = Math.max(1, window.getWindowEndMs() - window.getWindowStartMs());
        }
        // A series is a host in a role: a generator and an agent on one host keep two.
        NavigableMap<Long, SystemWindow> steps = hosts.computeIfAbsent(window.getHost() + "|" + window.getRole(),
                h -> new TreeMap<>());
        long key = keyOf(window.getWindowStartMs());
        SystemWindow existing = steps.get(key);
        if (existing == null || existing.getWindowStartMs() == window.getWindowStartMs()
                && existing.getWindowEndMs() == window.getWindowEndMs()) {
            steps.put(key, window);
        } else {
            steps.put(key, merge(existing, window));
        }
        while (hosts.values().stream().anyMatch(s -> s.size() > maxSteps)) {
            stepMs *= 2;
            for (Map.Entry<String, NavigableMap<Long, SystemWindow>> entry : hosts.entrySet()) {
                NavigableMap<Long, SystemWindow> merged = new TreeMap<>();
                for (SystemWindow w : entry.getValue().values()) {
                    merged.merge(keyOf(w.getWindowStartMs()), w, SystemSteps::merge);
                }
                entry.setValue(merged);
            }
        }
    }

    private long keyOf(long startMs) {
        return originMs + Math.floorDiv(startMs - originMs, stepMs) * stepMs;
    }

    /** Every step, sorted by host, role and start. */
    public Collection<SystemWindow> all() {
        List<SystemWindow> all = new ArrayList<>();
        hosts.values().forEach(steps -> all.addAll(steps.values()));
        return all;
    }

    static SystemWindow merge(SystemWindow a, SystemWindow b) {
        int sa = Math.max(1, a.getSamples());
        int sb = Math.max(1, b.getSamples());
        return SystemWindow.newBuilder(a)
                .setWindowStartMs(Math.min(a.getWindowStartMs(), b.getWindowStartMs()))
                .setWindowEndMs(Math.max(a.getWindowEndMs(), b.getWindowEndMs()))
                .setSamples(a.getSamples() + b.getSamples())
                .setCpuMean(mean(a.getCpuMean(), sa, b.getCpuMean(), sb))
                .setCpuMax(Math.max(a.getCpuMax(), b.getCpuMax()))
                .setProcessCpuMean(mean(a.getProcessCpuMean(), sa, b.getProcessCpuMean(), sb))
                .setProcessCpuMax(Math.max(a.getProcessCpuMax(), b.getProcessCpuMax()))
                .setMemoryUsedMeanBytes(Math.round(mean(a.getMemoryUsedMeanBytes(), sa, b.getMemoryUsedMeanBytes(),
                        sb)))
                .setMemoryUsedMaxBytes(Math.max(a.getMemoryUsedMaxBytes(), b.getMemoryUsedMaxBytes()))
                .setHeapUsedMeanBytes(Math.round(mean(a.getHeapUsedMeanBytes(), sa, b.getHeapUsedMeanBytes(), sb)))
                .setHeapUsedMaxBytes(Math.max(a.getHeapUsedMaxBytes(), b.getHeapUsedMaxBytes()))
                .setProcessRssMaxBytes(Math.max(a.getProcessRssMaxBytes(), b.getProcessRssMaxBytes()))
                .setHeapCommittedMaxBytes(Math.max(a.getHeapCommittedMaxBytes(), b.getHeapCommittedMaxBytes()))
                .setHeapMaxBytes(Math.max(a.getHeapMaxBytes(), b.getHeapMaxBytes()))
                .setGcTimeMs(sum(a.getGcTimeMs(), b.getGcTimeMs()))
                .setGcCount(sum(a.getGcCount(), b.getGcCount()))
                .setLoadAverage1mMax(Math.max(a.getLoadAverage1mMax(), b.getLoadAverage1mMax()))
                .setDiskReadBytes(sum(a.getDiskReadBytes(), b.getDiskReadBytes()))
                .setDiskWrittenBytes(sum(a.getDiskWrittenBytes(), b.getDiskWrittenBytes()))
                .setDiskBusyMaxPercent(Math.max(a.getDiskBusyMaxPercent(), b.getDiskBusyMaxPercent()))
                .setWatchedProcessCpuMean(mean(a.getWatchedProcessCpuMean(), sa, b.getWatchedProcessCpuMean(), sb))
                .setWatchedProcessCpuMax(Math.max(a.getWatchedProcessCpuMax(), b.getWatchedProcessCpuMax()))
                .setWatchedProcessRssMaxBytes(Math.max(a.getWatchedProcessRssMaxBytes(),
                        b.getWatchedProcessRssMaxBytes()))
                .setSeconds(seconds(a, b))
                .build();
    }

    /** A sum of two counters where -1 means unknown: unknown only when both are. */
    private static long sum(long a, long b) {
        if (a < 0) {
            return b;
        }
        return b < 0 ? a : a + b;
    }

    /**
     * The per-second samples of both, thinned to at most {@link #MAX_SECONDS} per step (every other one is kept
     * while there are more), so that a step of a multi-day run holds a bounded number of them; the report draws
     * at most 1,800 points per series anyway.
     */
    private static List<SystemSecond> seconds(SystemWindow a, SystemWindow b) {
        List<SystemSecond> all = new ArrayList<>(a.getSeconds().size() + b.getSeconds().size());
        all.addAll(a.getSeconds());
        all.addAll(b.getSeconds());
        all.sort(java.util.Comparator.comparingLong(SystemSecond::getTimestampMs));
        while (all.size() > MAX_SECONDS) {
            List<SystemSecond> thinned = new ArrayList<>(all.size() / 2 + 1);
            for (int i = 0; i < all.size(); i += 2) {
                thinned.add(all.get(i));
            }
            all = thinned;
        }
        return all;
    }

    /** The most per-second samples a merged step keeps. */
    static final int MAX_SECONDS = 120;

    /** Mean weighted by samples; a negative value means unknown and is left out. */
    private static double mean(double a, int weightA, double b, int weightB) {
        if (a < 0) {
            return b;
        }
        if (b < 0) {
            return a;
        }
        return (a * weightA + b * weightB) / (weightA + weightB);
    }
}
