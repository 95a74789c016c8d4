package io.loadstream.reporter.timeline;

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
        NavigableMap<Long, SystemWindow> steps = hosts.computeIfAbsent(window.getHost(), h -> new TreeMap<>());
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

    /** Every step, sorted by host and start. */
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
                .build();
    }

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
