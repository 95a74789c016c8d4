package io.loadstream.reporter.archive;

import io.loadstream.events.EndpointWindow;
import io.loadstream.events.LatencyStats;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keeps every window of a run for the archive, per endpoint, with a bounded number per endpoint: when an endpoint
 * has more than {@code maxWindowsPerEndpoint}, its windows are merged in adjacent pairs (exactly: counts add, the
 * histograms add bucket by bucket), which halves their number and doubles their length. With the default bound of
 * {@value #DEFAULT_MAX_WINDOWS_PER_ENDPOINT} and 10 s windows, a run of up to an hour keeps every window; a 24 h run
 * keeps windows of 5 to 10 minutes. Not thread-safe: fed on the reporter's thread.
 */
public final class WindowRecorder {

    /** Most windows kept per endpoint by default. */
    public static final int DEFAULT_MAX_WINDOWS_PER_ENDPOINT = 360;

    private final int maxWindowsPerEndpoint;
    private final Map<String, List<ArchivedWindow>> windows = new HashMap<>();

    /**
     * Starts empty.
     *
     * @param maxWindowsPerEndpoint most windows kept per endpoint, at least 2
     * @throws IllegalArgumentException when it is below 2
     */
    public WindowRecorder(int maxWindowsPerEndpoint) {
        if (maxWindowsPerEndpoint < 2) {
            throw new IllegalArgumentException("At least 2 windows per endpoint, not " + maxWindowsPerEndpoint);
        }
        this.maxWindowsPerEndpoint = maxWindowsPerEndpoint;
    }

    /**
     * Takes a closed window. Windows of an endpoint arrive in time order from the aggregator; one that arrives out
     * of order is put in its place.
     *
     * @param window the window
     */
    public void record(EndpointWindow window) {
        LatencyStats stats = window.getStats();
        ByteBuffer histogram = stats.getHistogram();
        byte[] bytes = new byte[histogram == null ? 0 : histogram.remaining()];
        if (histogram != null) {
            histogram.duplicate().get(bytes);
        }
        ArchivedWindow archived = new ArchivedWindow(window.getWindowStartMs(), window.getWindowEndMs(),
                window.getWindowEndMs() - window.getWindowStartMs(), stats.getCount(), stats.getErrorCount(),
                stats.getBytesSent(), stats.getBytesReceived(), stats.getMinUs(), Math.max(stats.getMinUs(),
                stats.getMaxUs()), bytes);
        List<ArchivedWindow> list = windows.computeIfAbsent(window.getEndpoint(), e -> new ArrayList<>());
        int at = list.size();
        while (at > 0 && list.get(at - 1).startMs() > archived.startMs()) {
            at--;
        }
        if (at > 0 && list.get(at - 1).endMs() > archived.startMs()) {
            // Inside a window already merged: fold it in without breaking the order.
            list.set(at - 1, foldInto(list.get(at - 1), archived));
        } else {
            list.add(at, archived);
        }
        if (list.size() > maxWindowsPerEndpoint) {
            windows.put(window.getEndpoint(), halve(list));
        }
    }

    private static ArchivedWindow foldInto(ArchivedWindow outer, ArchivedWindow inner) {
        ArchivedWindow shifted = new ArchivedWindow(outer.endMs(), outer.endMs() + 1, inner.coveredMs(),
                inner.count(), inner.errors(), inner.bytesSent(), inner.bytesReceived(), inner.minUs(),
                inner.maxUs(), inner.histogram());
        ArchivedWindow merged = outer.mergeWith(shifted);
        return new ArchivedWindow(outer.startMs(), outer.endMs(), merged.coveredMs(), merged.count(),
                merged.errors(), merged.bytesSent(), merged.bytesReceived(), merged.minUs(), merged.maxUs(),
                merged.histogram());
    }

    /**
     * Merges adjacent pairs of windows, exactly.
     *
     * @param list windows in time order
     * @return half as many windows (rounded up)
     */
    static List<ArchivedWindow> halve(List<ArchivedWindow> list) {
        List<ArchivedWindow> halved = new ArrayList<>((list.size() + 1) / 2);
        for (int i = 0; i < list.size(); i += 2) {
            halved.add(i + 1 < list.size() ? list.get(i).mergeWith(list.get(i + 1)) : list.get(i));
        }
        return halved;
    }

    /**
     * The windows kept, with the time outside the run taken off the covered time of the windows at its edges.
     *
     * @param runStartMs the run's start, epoch milliseconds
     * @param runEndMs   the run's end, epoch milliseconds; 0 or less when unknown (nothing is taken off the end)
     * @return per endpoint, its windows in time order
     */
    public Map<String, List<ArchivedWindow>> windows(long runStartMs, long runEndMs) {
        Map<String, List<ArchivedWindow>> result = new TreeMap<>();
        windows.forEach((endpoint, list) -> {
            List<ArchivedWindow> clipped = new ArrayList<>(list.size());
            for (ArchivedWindow w : list) {
                long length = w.endMs() - w.startMs();
                long before = Math.min(length, Math.max(0, runStartMs - w.startMs()));
                long after = runEndMs <= 0 ? 0 : Math.min(length, Math.max(0, w.endMs() - runEndMs));
                long covered = Math.max(0, w.coveredMs() - before - after);
                clipped.add(new ArchivedWindow(w.startMs(), w.endMs(), covered, w.count(), w.errors(),
                        w.bytesSent(), w.bytesReceived(), w.minUs(), w.maxUs(), w.histogram()));
            }
            result.put(endpoint, clipped);
        });
        return result;
    }
}
