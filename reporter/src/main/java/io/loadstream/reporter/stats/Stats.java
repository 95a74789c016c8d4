package io.loadstream.reporter.stats;

import io.loadstream.events.LatencyStats;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * Merged statistics of a set of requests: one window, several windows, or a whole run. Built from the
 * {@link LatencyStats} the aggregator publishes by merging their HdrHistograms, never by averaging
 * percentiles. Immutable once built.
 *
 * <p>Latencies are kept in microseconds (as recorded) and returned in milliseconds with decimals.
 */
public final class Stats {

    /** Significant value digits of the empty histogram that merged ones start from (HdrHistogram's usual 3). */
    private static final int SIGNIFICANT_DIGITS = 3;

    /** Statistics of no request at all. */
    public static final Stats EMPTY = new Stats(0, 0, Map.of(), Map.of(), 0, 0, 0, 0, 0, emptyHistogram());

    private final long count;
    private final long errorCount;
    private final Map<String, Long> errorsByClass;
    private final Map<String, Long> statusCounts;
    private final long bytesSent;
    private final long bytesReceived;
    private final long minUs;
    private final long maxUs;
    private final double meanUs;
    private final Histogram histogram;

    private Stats(long count, long errorCount, Map<String, Long> errorsByClass, Map<String, Long> statusCounts,
                  long bytesSent, long bytesReceived, long minUs, long maxUs, double meanUs, Histogram histogram) {
        this.count = count;
        this.errorCount = errorCount;
        this.errorsByClass = Collections.unmodifiableMap(new TreeMap<>(errorsByClass));
        this.statusCounts = Collections.unmodifiableMap(new TreeMap<>(statusCounts));
        this.bytesSent = bytesSent;
        this.bytesReceived = bytesReceived;
        this.minUs = minUs;
        this.maxUs = maxUs;
        this.meanUs = meanUs;
        this.histogram = histogram;
    }

    /**
     * Decodes one {@link LatencyStats}.
     *
     * @param stats statistics as published by the aggregator
     * @return the same figures, with the histogram decoded
     * @throws IllegalArgumentException when the histogram bytes are not a compressed HdrHistogram
     */
    public static Stats of(LatencyStats stats) {
        return merge(List.of(stats));
    }

    /**
     * Merges any number of {@link LatencyStats}: counts and bytes add up, min and max are the extremes, the mean
     * is weighted by count, and the histograms are added.
     *
     * @param parts statistics to merge; may be empty
     * @return the merged statistics
     * @throws IllegalArgumentException when a histogram is not a compressed HdrHistogram
     */
    public static Stats merge(Collection<LatencyStats> parts) {
        Accumulator acc = new Accumulator();
        for (LatencyStats part : parts) {
            acc.add(part);
        }
        return acc.build();
    }

    /**
     * Merges already decoded statistics.
     *
     * @param parts statistics to merge; may be empty
     * @return the merged statistics
     */
    public static Stats mergeStats(Collection<Stats> parts) {
        Accumulator acc = new Accumulator();
        for (Stats part : parts) {
            acc.add(part);
        }
        return acc.build();
    }

    /** Number of requests, successful or not. */
    public long count() {
        return count;
    }

    /** Number of failed requests (any error class). */
    public long errorCount() {
        return errorCount;
    }

    /** Failed requests per error class name (e.g. {@code STATUS}, {@code TIMEOUT}), sorted by name. */
    public Map<String, Long> errorsByClass() {
        return errorsByClass;
    }

    /** Requests per HTTP status code as a decimal string ({@code "0"} for no response), sorted. */
    public Map<String, Long> statusCounts() {
        return statusCounts;
    }

    /** Request bytes sent, headers and body. */
    public long bytesSent() {
        return bytesSent;
    }

    /** Response bytes received, headers and body. */
    public long bytesReceived() {
        return bytesReceived;
    }

    /** Fraction of failed requests, 0 to 1; 0 when there was no request. */
    public double errorRate() {
        return count == 0 ? 0 : (double) errorCount / count;
    }

    /** Smallest latency in milliseconds; 0 when there was no request. */
    public double minMs() {
        return minUs / 1000.0;
    }

    /** Largest latency in milliseconds; 0 when there was no request. */
    public double maxMs() {
        return maxUs / 1000.0;
    }

    /** Mean latency in milliseconds; 0 when there was no request. */
    public double meanMs() {
        return meanUs / 1000.0;
    }

    /**
     * Latency at a percentile, from the merged histogram, in milliseconds: the value that {@code percentile}
     * percent of the requests did not exceed (to HdrHistogram's precision, 3 significant digits).
     *
     * @param percentile 0 to 100, decimals allowed (e.g. 99.9)
     * @return the latency in milliseconds; 0 when there was no request
     * @throws IllegalArgumentException when the percentile is outside 0..100
     */
    public double percentileMs(double percentile) {
        if (!(percentile >= 0 && percentile <= 100)) {
            throw new IllegalArgumentException("A percentile is between 0 and 100, not " + percentile);
        }
        if (histogram.getTotalCount() == 0) {
            return 0;
        }
        return histogram.getValueAtPercentile(percentile) / 1000.0;
    }

    /**
     * Number of requests slower than a bound, from the histogram.
     *
     * @param boundMs latency bound in milliseconds
     * @return requests whose latency exceeds {@code boundMs} (to the histogram's precision)
     */
    public long countAbove(long boundMs) {
        long boundUs = boundMs * 1000;
        if (histogram.getTotalCount() == 0 || histogram.getMaxValue() <= boundUs) {
            return 0;
        }
        return histogram.getCountBetweenValues(boundUs + 1, histogram.getMaxValue());
    }

    /** Number of values in the merged histogram (equals {@link #count()} when every request was recorded). */
    public long histogramCount() {
        return histogram.getTotalCount();
    }

    private static Histogram emptyHistogram() {
        Histogram histogram = new Histogram(SIGNIFICANT_DIGITS);
        histogram.setAutoResize(true);
        return histogram;
    }

    /** Decodes a compressed HdrHistogram, as the aggregator writes it. */
    static Histogram decode(ByteBuffer bytes) {
        if (bytes == null || !bytes.hasRemaining()) {
            return emptyHistogram();
        }
        try {
            return Histogram.decodeFromCompressedByteBuffer(bytes.duplicate(), 0);
        } catch (DataFormatException | RuntimeException e) {
            throw new IllegalArgumentException("The latency histogram is not a compressed HdrHistogram: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Adds statistics up, for a running total (e.g. a whole run as its windows close). Not thread-safe.
     */
    public static final class Accumulator {
        private long count;
        private long errorCount;
        private final Map<String, Long> errorsByClass = new TreeMap<>();
        private final Map<String, Long> statusCounts = new TreeMap<>();
        private long bytesSent;
        private long bytesReceived;
        private long minUs = Long.MAX_VALUE;
        private long maxUs;
        private double weightedMeanSum;
        private final Histogram histogram = emptyHistogram();

        /** Creates an empty accumulator. */
        public Accumulator() {
        }

        /**
         * Adds one part.
         *
         * @param part statistics as published by the aggregator
         * @throws IllegalArgumentException when its histogram is not a compressed HdrHistogram
         */
        public void add(LatencyStats part) {
            addCounts(part.getCount(), part.getErrorCount(), part.getErrorsByClass(), part.getStatusCounts(),
                    part.getBytesSent(), part.getBytesReceived(), part.getMinUs(), part.getMaxUs(),
                    part.getMeanUs());
            histogram.add(decode(part.getHistogram()));
        }

        /**
         * Adds one part.
         *
         * @param part decoded statistics
         */
        public void add(Stats part) {
            addCounts(part.count, part.errorCount, part.errorsByClass, part.statusCounts, part.bytesSent,
                    part.bytesReceived, part.minUs, part.maxUs, part.meanUs);
            histogram.add(part.histogram);
        }

        private void addCounts(long partCount, long partErrors, Map<String, Long> partErrorsByClass,
                               Map<String, Long> partStatus, long partSent, long partReceived, long partMinUs,
                               long partMaxUs, double partMeanUs) {
            if (partCount <= 0) {
                return;
            }
            count += partCount;
            errorCount += partErrors;
            partErrorsByClass.forEach((k, v) -> errorsByClass.merge(k, v, Long::sum));
            partStatus.forEach((k, v) -> statusCounts.merge(k, v, Long::sum));
            bytesSent += partSent;
            bytesReceived += partReceived;
            minUs = Math.min(minUs, partMinUs);
            maxUs = Math.max(maxUs, partMaxUs);
            weightedMeanSum += partMeanUs * partCount;
        }

        /**
         * Returns what was added so far; the accumulator stays usable.
         *
         * @return a snapshot, independent of later additions
         */
        public Stats build() {
            Histogram copy = histogram.copy();
            if (count == 0) {
                return new Stats(0, 0, Map.of(), Map.of(), 0, 0, 0, 0, 0, copy);
            }
            return new Stats(count, errorCount, errorsByClass, statusCounts, bytesSent, bytesReceived, minUs, maxUs,
                    weightedMeanSum / count, copy);
        }
    }
}
