package io.loadstream.reporter.report.findings;

import io.loadstream.reporter.report.RunReport;
import io.loadstream.reporter.stats.Stats;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.math3.ml.clustering.CentroidCluster;
import org.apache.commons.math3.ml.clustering.DoublePoint;
import org.apache.commons.math3.ml.clustering.KMeansPlusPlusClusterer;
import org.apache.commons.math3.ml.distance.EuclideanDistance;
import org.apache.commons.math3.random.JDKRandomGenerator;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;
import org.apache.commons.math3.stat.descriptive.moment.Kurtosis;
import org.apache.commons.math3.stat.descriptive.moment.Skewness;

/**
 * Finds endpoints with two latency modes: a fast path and a slow path (cache misses, a slow dependency).
 *
 * <p>Method, on the logarithm of the latency (so that "2 ms and 200 ms" are two humps, not one long tail), sampled
 * as {@value #SAMPLE_POINTS} evenly spaced quantiles of the endpoint's whole-run histogram:
 * <ol>
 *   <li>Sarle's bimodality coefficient {@code b = (g² + 1) / (k + 3(n-1)² / ((n-2)(n-3)))}, with the sample skewness
 *       g and excess kurtosis k from Commons Math ({@link Skewness}, {@link Kurtosis}), must exceed 5/9 (the value of
 *       a uniform distribution; a normal one has 1/3);</li>
 *   <li>the sample is split in two by k-means (Commons Math {@link KMeansPlusPlusClusterer}, seeded, so the result
 *       is repeatable); each part must hold at least {@value #MIN_MODE_SHARE} of the requests, and the parts must be
 *       well apart: Ashman's D = √2·|μ1 − μ2| / √(σ1² + σ2²) at least {@value #MIN_ASHMAN_D} (k-means splits a
 *       single normal hump at D ≈ 2.7);</li>
 *   <li>the slow mode's median is at least {@value #MIN_RATIO} times the fast one's and {@value #MIN_GAP_MS} ms above
 *       it;</li>
 *   <li>the modes are mixed in time: when the slow mode is the minority, most windows of 10+ requests have their
 *       median in the fast mode and their maximum in the slow one (a slow phase of the run, e.g. under more load,
 *       is not two modes).</li>
 * </ol>
 */
final class BimodalDetector {

    static final int SAMPLE_POINTS = 2000;
    static final long MIN_REQUESTS = 100;
    static final double BIMODALITY_LIMIT = 5.0 / 9.0;
    static final double MIN_MODE_SHARE = 0.05;
    static final double MIN_ASHMAN_D = 3;
    static final double MIN_RATIO = 3;
    static final double MIN_GAP_MS = 20;
    private static final int SEED = 17;

    private BimodalDetector() {
    }

    static List<Finding> detect(FindingInput input, Set<String> explained) {
        List<Finding> findings = new ArrayList<>();
        for (String endpoint : input.endpoints()) {
            if (!explained.contains(endpoint)) {
                find(input, endpoint).ifPresent(findings::add);
            }
        }
        return findings;
    }

    /** The two modes of a latency sample, or empty when it has one. Package-private for the tests. */
    static java.util.Optional<Modes> modes(double[] latenciesMs) {
        int n = latenciesMs.length;
        if (n < 4) {
            return java.util.Optional.empty();
        }
        double[] logs = new double[n];
        List<DoublePoint> points = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            logs[i] = Math.log(Math.max(latenciesMs[i], 0.001));
            points.add(new DoublePoint(new double[] {logs[i]}));
        }
        double g = new Skewness().evaluate(logs);
        double k = new Kurtosis().evaluate(logs);
        double coefficient = (g * g + 1) / (k + 3.0 * (n - 1) * (n - 1) / ((n - 2.0) * (n - 3.0)));
        if (Double.isNaN(coefficient) || coefficient <= BIMODALITY_LIMIT) {
            return java.util.Optional.empty();
        }
        JDKRandomGenerator random = new JDKRandomGenerator();
        random.setSeed(SEED);
        List<CentroidCluster<DoublePoint>> clusters = new KMeansPlusPlusClusterer<DoublePoint>(2, 100,
                new EuclideanDistance(), random).cluster(points);
        if (clusters.size() != 2 || clusters.get(0).getPoints().isEmpty() || clusters.get(1).getPoints().isEmpty()) {
            return java.util.Optional.empty();
        }
        clusters.sort(Comparator.comparingDouble(c -> c.getCenter().getPoint()[0]));
        DescriptiveStatistics fastLog = logsOf(clusters.get(0));
        DescriptiveStatistics slowLog = logsOf(clusters.get(1));
        // The histogram keeps 3 significant digits: no mode is narrower than that.
        double floor = Math.log(1.001);
        double fastSd = Math.max(fastLog.getStandardDeviation(), floor);
        double slowSd = Math.max(slowLog.getStandardDeviation(), floor);
        double ashman = Math.sqrt(2) * Math.abs(slowLog.getMean() - fastLog.getMean())
                / Math.sqrt(fastSd * fastSd + slowSd * slowSd);
        double fastShare = fastLog.getN() / (double) n;
        double fastMs = Math.exp(fastLog.getPercentile(50));
        double slowMs = Math.exp(slowLog.getPercentile(50));
        return java.util.Optional.of(new Modes(fastMs, Math.exp(fastLog.getMax()), fastShare, slowMs, 1 - fastShare,
                coefficient, ashman));
    }

    private static DescriptiveStatistics logsOf(CentroidCluster<DoublePoint> cluster) {
        DescriptiveStatistics stats = new DescriptiveStatistics();
        cluster.getPoints().forEach(p -> stats.addValue(p.getPoint()[0]));
        return stats;
    }

    /**
     * Two modes of a latency distribution.
     *
     * @param fastMs          median of the fast mode, milliseconds
     * @param fastUpperMs     slowest latency of the fast mode, milliseconds
     * @param fastShare       fraction of requests in the fast mode
     * @param slowMs          median of the slow mode, milliseconds
     * @param slowShare       fraction of requests in the slow mode
     * @param coefficient     Sarle's bimodality coefficient
     * @param ashmanD         Ashman's D between the modes (on log latency)
     */
    record Modes(double fastMs, double fastUpperMs, double fastShare, double slowMs, double slowShare,
                 double coefficient, double ashmanD) {

        /** Whether the modes are far enough apart, big enough and slow enough to report. */
        boolean distinct() {
            return ashmanD >= MIN_ASHMAN_D && fastShare >= MIN_MODE_SHARE && slowShare >= MIN_MODE_SHARE
                    && slowMs >= MIN_RATIO * fastMs && slowMs - fastMs >= MIN_GAP_MS;
        }
    }

    private static java.util.Optional<Finding> find(FindingInput input, String endpoint) {
        Stats stats = input.total(endpoint);
        if (stats.count() < MIN_REQUESTS) {
            return java.util.Optional.empty();
        }
        double[] sample = stats.quantilesMs((int) Math.min(SAMPLE_POINTS, stats.count()));
        java.util.Optional<Modes> found = modes(sample).filter(Modes::distinct);
        if (found.isEmpty() || !mixedInTime(input.windows(endpoint), found.get())) {
            return java.util.Optional.empty();
        }
        Modes m = found.get();
        String evidence = endpoint + " has two modes: " + Text.percent(m.fastShare()) + " of its " + Text.count(
                stats.count()) + " requests took about " + Text.ms(m.fastMs()) + " and " + Text.percent(m.slowShare())
                + " about " + Text.ms(m.slowMs()) + " (bimodality coefficient " + String.format(java.util.Locale.ROOT,
                "%.2f", m.coefficient()) + " on log latency, above 0.56; Ashman's D " + String.format(
                java.util.Locale.ROOT, "%.1f", m.ashmanD()) + "), in the same windows: a fast path and a slow path.";
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("fast_mode_ms", m.fastMs());
        figures.put("fast_share", m.fastShare());
        figures.put("slow_mode_ms", m.slowMs());
        figures.put("slow_share", m.slowShare());
        figures.put("bimodality_coefficient", m.coefficient());
        figures.put("ashman_d", m.ashmanD());
        figures.put("requests", (double) stats.count());
        return java.util.Optional.of(new Finding(new RunReport.Bottleneck(FindingKind.BIMODAL.wireName(), endpoint,
                evidence, figures), "Find what the slow requests have in common: cache misses, a slow dependency, "
                + "or a lock or pool taken by some requests only (compare their ids and parameters)."));
    }

    private static boolean mixedInTime(List<LoadPoint> windows, Modes modes) {
        if (modes.slowShare() >= 0.5) {
            return true;
        }
        int considered = 0;
        int mixed = 0;
        for (LoadPoint p : windows) {
            if (p.window().requests() >= 10) {
                considered++;
                if (p.window().p50Ms() <= modes.fastUpperMs() && p.window().maxMs() > modes.fastUpperMs()) {
                    mixed++;
                }
            }
        }
        return considered == 0 || mixed * 2 >= considered;
    }
}
