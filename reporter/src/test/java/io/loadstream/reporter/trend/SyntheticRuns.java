package io.loadstream.reporter.trend;

import io.loadstream.reporter.archive.ArchiveEntry;
import io.loadstream.reporter.archive.ArchivedWindow;
import io.loadstream.reporter.archive.EntrySummary;
import io.loadstream.schemas.LatencyHistograms;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

/**
 * Runs with a known answer, built the way real ones are archived: per-window HdrHistograms of synthetic latencies,
 * summarised by {@link EntrySummary} (the window bootstrap).
 *
 * <p>Model, per request: {@code base * exp(run + window + 0.5 * Z)} ms, with {@code run ~ N(0, runSd)} once per
 * run and endpoint (run-to-run variance), {@code window} an AR(1) process (coefficient 0.5, sd {@code windowSd})
 * over the run's windows (autocorrelation inside a run), and {@code Z} standard normal. A tail shift stretches the
 * part of the noise above its 97th percentile so that p99 grows by {@code tailShift} while p50, p90 and p95 do not
 * move at all. Errors are Bernoulli with {@code errorRate}.
 */
final class SyntheticRuns {

    static final double NOISE_SD = 0.5;
    private static final NormalDistribution NORMAL = new NormalDistribution();
    private static final double Z97 = NORMAL.inverseCumulativeProbability(0.97);
    private static final double Z99 = NORMAL.inverseCumulativeProbability(0.99);

    private final RandomGenerator random;
    private final int windows;
    private final int requestsPerWindow;
    private final double runSd;
    private final double windowSd;
    private final int resamples;

    SyntheticRuns(long seed, int windows, int requestsPerWindow, double runSd, double windowSd, int resamples) {
        this.random = new Well19937c(seed);
        this.windows = windows;
        this.requestsPerWindow = requestsPerWindow;
        this.runSd = runSd;
        this.windowSd = windowSd;
        this.resamples = resamples;
    }

    /** The tests' runs: 16 windows of 800 requests, run sd 1 %, window sd 2 %, 100 resamples. */
    static SyntheticRuns standard(long seed) {
        return new SyntheticRuns(seed, 16, 800, 0.01, 0.02, 100);
    }

    /** The factor by which the noise above its 97th percentile is stretched for p99 to grow by {@code shift}. */
    static double tailStretch(double shift) {
        double p97 = Math.exp(NOISE_SD * Z97);
        double p99 = Math.exp(NOISE_SD * Z99);
        return (p99 * (1 + shift) - p97) / (p99 - p97);
    }

    /**
     * One endpoint's windows of one run.
     *
     * @param baseMs    the median latency
     * @param logShift  a shift of every latency, on the log scale (0 for none)
     * @param tailShift relative growth of p99 alone (0 for none)
     * @param errorRate the chance of a failed request
     * @param startMs   the run's start
     */
    List<ArchivedWindow> windows(double baseMs, double logShift, double tailShift, double errorRate, long startMs) {
        double runEffect = runSd * random.nextGaussian() + logShift;
        double stretch = tailStretch(tailShift);
        double p97 = Math.exp(NOISE_SD * Z97);
        double ar = 0;
        List<ArchivedWindow> list = new ArrayList<>();
        for (int w = 0; w < windows; w++) {
            ar = 0.5 * ar + Math.sqrt(1 - 0.25) * windowSd * random.nextGaussian();
            Histogram histogram = LatencyHistograms.newHistogram();
            long min = Long.MAX_VALUE;
            long max = 0;
            long errors = 0;
            for (int i = 0; i < requestsPerWindow; i++) {
                double noise = Math.exp(NOISE_SD * random.nextGaussian());
                if (noise > p97) {
                    noise = p97 + (noise - p97) * stretch;
                }
                long us = LatencyHistograms.clampUs(Math.round(baseMs * 1000 * Math.exp(runEffect + ar) * noise));
                histogram.recordValue(us);
                min = Math.min(min, us);
                max = Math.max(max, us);
                if (random.nextDouble() < errorRate) {
                    errors++;
                }
            }
            long from = startMs + w * 10_000L;
            list.add(new ArchivedWindow(from, from + 10_000, 10_000, requestsPerWindow, errors, 0, 0, min, max,
                    LatencyHistograms.encode(histogram).array()));
        }
        return list;
    }

    /**
     * A whole run: one entry with every endpoint summarised.
     *
     * @param runId     the run id
     * @param startMs   its start
     * @param baseMs    per endpoint, its median latency
     * @param shifts    per endpoint, {logShift, tailShift}; absent for none
     * @param errorRate the error rate of every endpoint
     * @param tags      the run's tags
     * @param complete  whether it completed
     */
    ArchiveEntry run(String runId, long startMs, Map<String, Double> baseMs, Map<String, double[]> shifts,
                     double errorRate, Map<String, String> tags, boolean complete) {
        Map<String, Map<TrendMetric, Estimate>> endpoints = new LinkedHashMap<>();
        baseMs.forEach((endpoint, base) -> {
            double[] shift = shifts.getOrDefault(endpoint, new double[] {0, 0});
            List<ArchivedWindow> list = windows(base, shift[0], shift[1], errorRate, startMs);
            endpoints.put(endpoint, EntrySummary.of(runId, endpoint, new EnumMap<>(TrendMetric.class), list,
                    resamples));
        });
        return new ArchiveEntry(ArchiveEntry.FORMAT_VERSION, "synthetic", runId, startMs, startMs + windows * 10_000L,
                "test", 1, tags, complete, complete ? "" : "interrupted", endpoints);
    }

    /** {@code count} endpoints named {@code GET /e0}..., with medians from 20 ms up. */
    static Map<String, Double> endpoints(int count) {
        Map<String, Double> map = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            map.put("GET /e" + i, 20.0 + 15 * i);
        }
        return map;
    }
}
