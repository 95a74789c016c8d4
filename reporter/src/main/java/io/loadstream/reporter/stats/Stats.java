package io.loadstream.reporter.stats;

import io.loadstream.events.LatencyStats;
import io.loadstream.schemas.LatencyHistograms;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Merged statistics of a set of requests: one window, several windows, or a whole run. Built from the
 * {@link LatencyStats} the aggregator publishes by merging their HdrHistograms, never by averaging
 * percentiles. Immutable once built.
 *
 * <p>Latencies are kept in microseconds (as recorded) and returned in milliseconds with decimals. Histograms have
 * loadstream's one layout and codec ({@link LatencyHistograms}), and every percentile is read through
 * {@link LatencyHistograms#percentileUs}: clamped to the exact smallest and largest latency, so that percentiles
 * never decrease with the percentile and never contradict {@link #minMs()} and {@link #maxMs()}.
 */
public final class Stats {

    /** Statistics of no request at all. */
    public static final Stats EMPTY = new Stats(0, 0, Map.of(), Map.of(), 0, 0, 0, 0, 0,
            LatencyHistograms.newHistogram());

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
     * @throws IllegalArgumentException when the histogram bytes are not a compressed HdrHistogram, or the smallest
     *                                  latency is above the largest
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
     * @throws IllegalArgumentException when a histogram is not a compressed HdrHistogram, or a part's smallest
     *                                  latency is above its largest
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
     * percent of the requests did not exceed, to HdrHistogram's precision (3 significant digits), and never
     * outside [{@link #minMs()}, {@link #maxMs()}] (see {@link LatencyHistograms#percentileUs}).
     *
     * @param percentile 0 to 100, decimals allowed (e.g. 99.9)
     * @return the latency in milliseconds; 0 when there was no request
     * @throws IllegalArgumentException when the percentile is outside 0..100
     */
    public double percentileMs(double percentile) {
        // With no request the extremes are 0, so this is 0 too.
        return LatencyHistograms.percentileUs(histogram, percentile, minUs, maxUs) / 1000.0;
    }

    /**
     * Number of requests slower than a bound. Exact when the bound is below the smallest latency or at or above the
     * largest; otherwise from the histogram, to its precision (the requests within one part in 1,000 of the bound
     * may count either way).
     *
     * @param boundMs latency bound in milliseconds
     * @return requests whose latency exceeds {@code boundMs}
     */
    public long countAbove(long boundMs) {
        long boundUs = boundMs * 1000;
        if (histogram.getTotalCount() == 0 || maxUs <= boundUs) {
            return 0;
        }
        if (minUs > boundUs) {
            return histogram.getTotalCount();
        }
        return histogram.getCountBetweenValues(boundUs + 1, histogram.getMaxValue());
    }

    /**
     * The latency distribution as {@code points} evenly spaced quantiles, for statistics on its shape (e.g. whether
     * it has two modes): the value at percentile {@code 100 (i + 0.5) / points} for each i, read through
     * {@link #percentileMs}, so the sample has the histogram's shape whatever the request count.
     *
     * @param points how many quantiles, at least 1
     * @return milliseconds in ascending order; empty when there was no request
     * @throws IllegalArgumentException when {@code points} is below 1
     */
    public double[] quantilesMs(int points) {
        if (points < 1) {
            throw new IllegalArgumentException("At least one quantile, not " + points);
        }
        if (count == 0 || histogram.getTotalCount() == 0) {
            return new double[0];
        }
        double[] values = new double[points];
        for (int i = 0; i < points; i++) {
            values[i] = percentileMs(100.0 * (i + 0.5) / points);
        }
        return values;
    }

    /**
     * Number of requests whose latency is at most a bound, from the histogram (to its precision: values within one
     * part in 1,000 of the bound may count either way). Monotone in the bound, so that differences between bounds
     * count every request once.
     *
     * @param boundMs the bound, milliseconds
     * @return the count, 0 to {@link #histogramCount()}
     */
    public long countAtOrBelow(double boundMs) {
        long boundUs = (long) Math.floor(boundMs * 1000);
        if (histogram.getTotalCount() == 0 || boundUs < 0) {
            return 0;
        }
        if (boundUs >= histogram.getMaxValue()) {
            return histogram.getTotalCount();
        }
        return histogram.getCountBetweenValues(0, boundUs);
    }

    /** Number of values in the merged histogram (equals {@link #count()} when every request was recorded). */
    public long histogramCount() {
        return histogram.getTotalCount();
    }

    /**
     * The same figures as the wire record, with the histogram in its compressed encoding: a compact form to keep
     * many merged periods in memory (a decoded histogram of loadstream's layout takes hundreds of kilobytes).
     *
     * @return a new record; {@code service_time_histogram} is null
     */
    public LatencyStats toLatencyStats() {
        return LatencyStats.newBuilder().setCount(count).setErrorCount(errorCount)
                .setErrorsByClass(new java.util.HashMap<>(errorsByClass))
                .setStatusCounts(new java.util.HashMap<>(statusCounts)).setBytesSent(bytesSent)
                .setBytesReceived(bytesReceived).setMinUs(minUs).setMaxUs(maxUs).setMeanUs(meanUs)
                .setHistogram(LatencyHistograms.encode(histogram)).setServiceTimeHistogram(null).build();
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
        private final Histogram histogram = LatencyHistograms.newHistogram();

        /** Creates an empty accumulator. */
        public Accumulator() {
        }

        /**
         * Adds one part.
         *
         * @param part statistics as published by the aggregator
         * @throws IllegalArgumentException when its histogram is not a compressed HdrHistogram, or its smallest
         *                                  latency is above its largest
         */
        public void add(LatencyStats part) {
            if (part.getCount() > 0 && part.getMinUs() > part.getMaxUs()) {
                throw new IllegalArgumentException("The smallest latency (" + part.getMinUs()
                        + " µs) is above the largest (" + part.getMaxUs() + " µs)");
            }
            Histogram decoded = LatencyHistograms.decode(part.getHistogram());
            addCounts(part.getCount(), part.getErrorCount(), part.getErrorsByClass(), part.getStatusCounts(),
                    part.getBytesSent(), part.getBytesReceived(), part.getMinUs(), part.getMaxUs(),
                    part.getMeanUs());
            histogram.add(decoded);
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
