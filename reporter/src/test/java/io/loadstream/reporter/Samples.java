package io.loadstream.reporter;

import io.loadstream.events.EndpointTotals;
import io.loadstream.events.EndpointWindow;
import io.loadstream.events.LatencyStats;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Builds aggregator-shaped records from raw latencies, as the aggregator would. */
public final class Samples {

    private Samples() {
    }

    /**
     * Statistics of raw latencies.
     *
     * @param latenciesUs one latency per request, microseconds
     * @param errorEvery  every n-th request failed with HTTP 503 (0 for none)
     * @return the statistics, histogram compressed
     */
    public static LatencyStats stats(long[] latenciesUs, int errorEvery) {
        Histogram histogram = new Histogram(3);
        histogram.setAutoResize(true);
        long errors = 0;
        for (int i = 0; i < latenciesUs.length; i++) {
            histogram.recordValue(latenciesUs[i]);
            if (errorEvery > 0 && i % errorEvery == errorEvery - 1) {
                errors++;
            }
        }
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        buffer.flip();
        buffer.limit(length);
        Map<String, Long> byClass = new HashMap<>();
        Map<String, Long> status = new HashMap<>();
        if (errors > 0) {
            byClass.put("STATUS", errors);
            status.put("503", errors);
        }
        if (latenciesUs.length - errors > 0) {
            status.put("200", latenciesUs.length - errors);
        }
        long min = Arrays.stream(latenciesUs).min().orElse(0);
        long max = Arrays.stream(latenciesUs).max().orElse(0);
        double mean = Arrays.stream(latenciesUs).average().orElse(0);
        return LatencyStats.newBuilder()
                .setCount(latenciesUs.length)
                .setErrorCount(errors)
                .setErrorsByClass(byClass)
                .setStatusCounts(status)
                .setBytesSent(100L * latenciesUs.length)
                .setBytesReceived(1000L * latenciesUs.length)
                .setMinUs(min)
                .setMaxUs(max)
                .setMeanUs(mean)
                .setHistogram(buffer)
                .build();
    }

    /** A closed window of raw latencies. */
    public static EndpointWindow window(String runId, String endpoint, long startMs, long sizeMs, long[] latenciesUs,
                                        int errorEvery) {
        return EndpointWindow.newBuilder()
                .setRunId(runId)
                .setEndpoint(endpoint)
                .setWindowStartMs(startMs)
                .setWindowEndMs(startMs + sizeMs)
                .setStats(stats(latenciesUs, errorEvery))
                .setThroughputRps(latenciesUs.length / (sizeMs / 1000.0))
                .build();
    }

    /** Final totals of raw latencies. */
    public static EndpointTotals totals(String runId, String endpoint, long firstMs, long lastMs, long[] latenciesUs,
                                        int errorEvery, boolean complete) {
        return EndpointTotals.newBuilder()
                .setRunId(runId)
                .setEndpoint(endpoint)
                .setFirstEventMs(firstMs)
                .setLastEventMs(lastMs)
                .setComplete(complete)
                .setStats(stats(latenciesUs, errorEvery))
                .build();
    }

    /** n latencies spread evenly over [fromUs, toUs]. */
    public static long[] spread(int n, long fromUs, long toUs) {
        long[] values = new long[n];
        for (int i = 0; i < n; i++) {
            values[i] = n == 1 ? fromUs : fromUs + (toUs - fromUs) * i / (n - 1);
        }
        return values;
    }

    /** Concatenates arrays. */
    public static long[] concat(long[]... parts) {
        return Arrays.stream(parts).flatMapToLong(Arrays::stream).toArray();
    }
}
