package io.loadstream.reporter.trend;

import io.loadstream.reporter.archive.ArchivedWindow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.stat.descriptive.moment.StandardDeviation;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

/**
 * The within-run uncertainty of an endpoint's figures: a moving-block bootstrap over the run's windows. Each
 * resample draws blocks of consecutive windows (with replacement) until it has as many windows as the run, merges
 * their histograms and counts, and reads every figure from the merge. Resampling windows, not requests, keeps the
 * autocorrelation inside a run (a slow minute slows many requests at once), which resampling single requests
 * would hide and so would make intervals far too narrow.
 *
 * <p>The block length is {@code ceil(W^(1/3))} for {@code W} windows, the rate Hall, Horowitz and Jing (1995)
 * give for variance estimates. Percentiles are read from the merged buckets exactly as
 * {@link io.loadstream.schemas.LatencyHistograms#percentileUs} reads a merged HdrHistogram (the bucket's highest
 * equivalent value, clamped to the exact extremes); a test holds the two to the same figures. To make a thousand
 * merges cheap, the windows are kept as sparse lists over the run's distinct bucket values instead of full
 * HdrHistograms.
 *
 * <p>Not thread-safe (it reuses one buffer).
 */
public final class WindowBootstrap {

    /** Resamples drawn by default: enough for a standard error within about 5 % of its value. */
    public static final int DEFAULT_RESAMPLES = 200;

    // The latency figures, in increasing percentile order (the one-pass read relies on it).
    private static final List<TrendMetric> LATENCIES = List.of(TrendMetric.P50_MS, TrendMetric.P90_MS,
            TrendMetric.P95_MS, TrendMetric.P99_MS);

    private final int windowCount;
    private final long[] bucketValuesUs;
    private final int[][] bucketIndexes;
    private final long[][] bucketCounts;
    private final long[] counts;
    private final long[] errors;
    private final long[] coveredMs;
    private final long[] minUs;
    private final long[] maxUs;
    private final long[] merged;

    /**
     * Prepares the windows of one endpoint of one run.
     *
     * @param windows the windows, in time order; may be empty
     * @throws IllegalArgumentException when a histogram does not decode
     */
    public WindowBootstrap(List<ArchivedWindow> windows) {
        windowCount = windows.size();
        long[][] values = new long[windowCount][];
        long[][] valueCounts = new long[windowCount][];
        int recordedTotal = 0;
        for (int w = 0; w < windowCount; w++) {
            Histogram histogram = windows.get(w).decodeHistogram();
            List<long[]> buckets = new ArrayList<>();
            for (HistogramIterationValue v : histogram.recordedValues()) {
                buckets.add(new long[] {v.getValueIteratedTo(), v.getCountAtValueIteratedTo()});
            }
            values[w] = buckets.stream().mapToLong(b -> b[0]).toArray();
            valueCounts[w] = buckets.stream().mapToLong(b -> b[1]).toArray();
            recordedTotal += values[w].length;
        }
        long[] all = new long[recordedTotal];
        int at = 0;
        for (long[] v : values) {
            System.arraycopy(v, 0, all, at, v.length);
            at += v.length;
        }
        Arrays.sort(all);
        bucketValuesUs = Arrays.stream(all).distinct().toArray();
        bucketIndexes = new int[windowCount][];
        bucketCounts = valueCounts;
        counts = new long[windowCount];
        errors = new long[windowCount];
        coveredMs = new long[windowCount];
        minUs = new long[windowCount];
        maxUs = new long[windowCount];
        for (int w = 0; w < windowCount; w++) {
            ArchivedWindow window = windows.get(w);
            bucketIndexes[w] = new int[values[w].length];
            for (int b = 0; b < values[w].length; b++) {
                bucketIndexes[w][b] = Arrays.binarySearch(bucketValuesUs, values[w][b]);
            }
            counts[w] = window.count();
            errors[w] = window.errors();
            coveredMs[w] = window.coveredMs();
            minUs[w] = window.minUs();
            maxUs[w] = window.maxUs();
        }
        merged = new long[bucketValuesUs.length];
    }

    /** How many windows there are. */
    public int windowCount() {
        return windowCount;
    }

    /**
     * The block length for a number of windows.
     *
     * @param windows how many windows, at least 1
     * @return {@code ceil(windows^(1/3))}
     */
    static int blockLength(int windows) {
        return Math.max(1, (int) Math.ceil(Math.cbrt(windows) - 1e-9));
    }

    /**
     * Every figure of a selection of windows, merged (a window chosen twice counts twice).
     *
     * @param selection indexes of windows; may repeat
     * @return the figures: latency percentiles in milliseconds, the error rate, and the requests per second over
     *         the covered time (0 when no time is covered)
     */
    public Map<TrendMetric, Double> figures(int[] selection) {
        Arrays.fill(merged, 0);
        long total = 0;
        long histogramTotal = 0;
        long failed = 0;
        long covered = 0;
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int w : selection) {
            int[] indexes = bucketIndexes[w];
            long[] bucketCount = bucketCounts[w];
            for (int b = 0; b < indexes.length; b++) {
                merged[indexes[b]] += bucketCount[b];
                histogramTotal += bucketCount[b];
            }
            total += counts[w];
            failed += errors[w];
            covered += coveredMs[w];
            if (counts[w] > 0) {
                min = Math.min(min, minUs[w]);
                max = Math.max(max, maxUs[w]);
            }
        }
        Map<TrendMetric, Double> figures = new EnumMap<>(TrendMetric.class);
        readPercentiles(histogramTotal, min, max, figures);
        figures.put(TrendMetric.ERROR_RATE, total == 0 ? 0.0 : (double) failed / total);
        figures.put(TrendMetric.RPS, covered == 0 ? 0.0 : total * 1000.0 / covered);
        return figures;
    }

    // HdrHistogram's getValueAtPercentile over the merged buckets, then LatencyHistograms' clamp; one pass for all.
    private void readPercentiles(long histogramTotal, long min, long max, Map<TrendMetric, Double> figures) {
        int next = 0;
        long running = 0;
        int last = merged.length - 1;
        for (TrendMetric metric : LATENCIES) {
            if (histogramTotal == 0) {
                figures.put(metric, 0.0);
                continue;
            }
            double requested = Math.min(Math.max(Math.nextAfter(metric.percentile(), Double.NEGATIVE_INFINITY), 0.0),
                    100.0);
            long countAtPercentile = Math.max(1, (long) Math.ceil(requested / 100.0 * histogramTotal));
            while (next < last && running + merged[next] < countAtPercentile) {
                running += merged[next++];
            }
            figures.put(metric, Math.max(min, Math.min(max, bucketValuesUs[next])) / 1000.0);
        }
    }

    /**
     * Estimates every figure with its bootstrap standard error and 95 % interval.
     *
     * @param points    the run's figures (from its whole-run totals); a missing metric is read from all windows
     * @param resamples how many resamples, at least 2
     * @param random    the random source (seeded by the caller, so that a run's estimate is reproducible)
     * @return one estimate per metric
     * @throws IllegalArgumentException when {@code resamples < 2}
     */
    public Map<TrendMetric, Estimate> estimate(Map<TrendMetric, Double> points, int resamples,
                                               RandomGenerator random) {
        if (resamples < 2) {
            throw new IllegalArgumentException("At least 2 resamples, not " + resamples);
        }
        int[] all = new int[windowCount];
        Arrays.setAll(all, i -> i);
        Map<TrendMetric, Double> whole = figures(all);
        Map<TrendMetric, Estimate> estimates = new EnumMap<>(TrendMetric.class);
        if (windowCount < 2) {
            for (TrendMetric metric : TrendMetric.values()) {
                double value = points.getOrDefault(metric, whole.get(metric));
                estimates.put(metric, new Estimate(value, 0, value, value));
            }
            return estimates;
        }
        Map<TrendMetric, double[]> logs = new EnumMap<>(TrendMetric.class);
        Map<TrendMetric, double[]> raw = new EnumMap<>(TrendMetric.class);
        for (TrendMetric metric : TrendMetric.values()) {
            logs.put(metric, new double[resamples]);
            raw.put(metric, new double[resamples]);
        }
        int block = blockLength(windowCount);
        int[] selection = new int[windowCount];
        for (int r = 0; r < resamples; r++) {
            int filled = 0;
            while (filled < windowCount) {
                int start = random.nextInt(windowCount - block + 1);
                for (int i = 0; i < block && filled < windowCount; i++) {
                    selection[filled++] = start + i;
                }
            }
            Map<TrendMetric, Double> figures = figures(selection);
            for (TrendMetric metric : TrendMetric.values()) {
                double value = figures.get(metric);
                logs.get(metric)[r] = metric.toLog(value);
                raw.get(metric)[r] = value;
            }
        }
        StandardDeviation sd = new StandardDeviation();
        Percentile percentile = new Percentile();
        for (TrendMetric metric : TrendMetric.values()) {
            double value = points.getOrDefault(metric, whole.get(metric));
            double[] values = raw.get(metric);
            estimates.put(metric, new Estimate(value, sd.evaluate(logs.get(metric)),
                    percentile.evaluate(values, 2.5), percentile.evaluate(values, 97.5)));
        }
        return estimates;
    }
}
