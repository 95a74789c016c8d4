package io.loadstream.reporter.trend;

import io.loadstream.reporter.archive.ArchiveEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.RealDistribution;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.StatUtils;

/**
 * Compares the latest run of a plan with its baseline, figure by figure, and finds the change points of each
 * figure over the runs.
 *
 * <p><b>The test.</b> Each run's figure comes with its within-run standard error on the log scale, from the block
 * bootstrap over the run's windows ({@link WindowBootstrap}). Runs also differ from each other by more than their
 * own noise (a new JVM, another machine's neighbours), so a run's variance about the plan's mean is measured from
 * the {@code k} baseline runs: their sample variance {@code s^2}, {@code k - 1} degrees of freedom. With five runs
 * that is a poor estimate, so it is moderated over the plan's endpoints for the same figure by Smyth's empirical
 * Bayes method ({@link ModeratedVariance}, limma's), and it is never taken below the runs' own bootstrap variance.
 * The difference between the latest run and the baseline mean has the variance {@code v (1 + 1/k)}, {@code v} that
 * moderated variance; the statistic has Student's t distribution with {@code d0 + k - 1} degrees of freedom
 * (Commons Math). With one baseline run no spread can be measured: the variance is
 * the two runs' bootstrap variances and the distribution normal, so only the tolerance guards against run-to-run
 * variance.
 *
 * <p><b>False alarms.</b> Every endpoint and figure is a test of its own, so that a shift of p99 alone is seen even
 * when p50 does not move. Across those many tests, the p-values are adjusted with Holm's step-down method, which
 * controls the family-wise error rate at {@code alpha}: whatever else changed, the chance that the report holds
 * even one false regression is at most {@code alpha}. Benjamini–Hochberg would be no more sensitive to a single
 * shifted figure (its first threshold is Holm's, {@code alpha / m}); it gains only when many figures move at once,
 * when the job fails anyway, and then it lets unchanged endpoints be flagged beside them. A regression then needs:
 * adjusted p at most {@code alpha}, the worse direction, and a change beyond the tolerance.
 */
public final class TrendAnalysis {

    /** Most baseline runs. */
    public static final int MAX_BASELINE = 5;
    /** The default family-wise error rate. */
    public static final double DEFAULT_ALPHA = 0.05;
    /** The default tolerance, as a fraction: 10 %. */
    public static final double DEFAULT_TOLERANCE = 0.10;

    private static final NormalDistribution NORMAL = new NormalDistribution();

    private final double tolerance;
    private final double alpha;

    /**
     * Configures the analysis.
     *
     * @param tolerance smallest relative change that counts, as a fraction (0.1 for 10 %), at least 0
     * @param alpha     the family-wise error rate, in (0, 1)
     * @throws IllegalArgumentException when a value is out of range
     */
    public TrendAnalysis(double tolerance, double alpha) {
        if (!(tolerance >= 0) || !(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("Invalid trend settings: tolerance " + tolerance + ", alpha " + alpha);
        }
        this.tolerance = tolerance;
        this.alpha = alpha;
    }

    /**
     * Analyses the runs of a plan.
     *
     * @param entries  the archive's entries (any plans)
     * @param plan     the plan; may be empty when the entries hold one plan
     * @param baseline how to choose the baseline
     * @param source   where the entries came from, for sentences (e.g. the archive folder)
     * @return the report
     * @throws TrendException with exit code 104 when the plan is not given and several exist, or the baseline names
     *                        an unknown run; 1 when there is nothing to compare
     */
    public TrendReport analyse(List<ArchiveEntry> entries, Optional<String> plan, BaselineSpec baseline,
                               String source) {
        String planName = choosePlan(entries, plan, source);
        List<ArchiveEntry> runs = entries.stream().filter(e -> e.plan().equals(planName))
                .sorted(Comparator.comparingLong(ArchiveEntry::startedAtMs).thenComparing(ArchiveEntry::runId))
                .toList();
        List<ArchiveEntry> complete = runs.stream().filter(ArchiveEntry::complete).toList();
        if (complete.isEmpty()) {
            throw new TrendException("No complete run of plan " + planName + " in " + source + " (" + runs.size()
                    + " incomplete)", TrendException.NOTHING_TO_COMPARE);
        }
        ArchiveEntry latest = complete.get(complete.size() - 1);
        List<ArchiveEntry> before = runs.subList(0, runs.indexOf(latest));
        List<ArchiveEntry> base = baselineRuns(before, baseline, planName, latest, source);
        Map<String, Map<TrendMetric, List<ChangePoints.Change>>> changes = new HashMap<>();
        List<TrendReport.ChangePointAt> changePoints = changePoints(complete, changes);
        List<Pair> pairs = new ArrayList<>();
        for (var endpoint : latest.endpoints().entrySet()) {
            for (TrendMetric metric : TrendMetric.values()) {
                List<ArchiveEntry> pairBase = baseline.kind() == BaselineSpec.Kind.AUTO
                        ? sinceLastChange(base, complete, latest, changes, endpoint.getKey(), metric) : base;
                List<Estimate> estimates = new ArrayList<>();
                List<String> ids = new ArrayList<>();
                for (ArchiveEntry run : pairBase) {
                    Map<TrendMetric, Estimate> figures = run.endpoints().get(endpoint.getKey());
                    if (figures != null) {
                        estimates.add(figures.get(metric));
                        ids.add(run.runId());
                    }
                }
                if (!estimates.isEmpty()) {
                    pairs.add(new Pair(endpoint.getKey(), metric, estimates, endpoint.getValue().get(metric), ids));
                }
            }
        }
        Map<TrendMetric, ModeratedVariance> priors = priors(pairs);
        List<Comparison> comparisons = pairs.stream()
                .map(p -> compare(p.endpoint(), p.metric(), p.base(), p.latest(), p.baselineRuns(),
                        priors.get(p.metric())))
                .toList();
        return new TrendReport(planName, runs, baseline, base.stream().map(ArchiveEntry::runId).toList(), latest,
                judge(comparisons), changePoints, tolerance * 100, alpha);
    }

    private static String choosePlan(List<ArchiveEntry> entries, Optional<String> plan, String source) {
        TreeSet<String> plans = new TreeSet<>();
        entries.forEach(e -> plans.add(e.plan()));
        if (plan.isPresent()) {
            if (!plans.contains(plan.get())) {
                throw new TrendException(plans.isEmpty() ? "The archive " + source + " holds no run"
                        : "No run of plan " + plan.get() + " in " + source + "; it holds " + String.join(", ", plans),
                        plans.isEmpty() ? TrendException.NOTHING_TO_COMPARE : TrendException.BAD_OPTION);
            }
            return plan.get();
        }
        if (plans.isEmpty()) {
            throw new TrendException("The archive " + source + " holds no run", TrendException.NOTHING_TO_COMPARE);
        }
        if (plans.size() > 1) {
            throw new TrendException("The archive " + source + " holds several plans (" + String.join(", ", plans)
                    + "); choose one with --plan", TrendException.BAD_OPTION);
        }
        return plans.first();
    }

    private static List<ArchiveEntry> baselineRuns(List<ArchiveEntry> before, BaselineSpec spec, String plan,
                                                   ArchiveEntry latest, String source) {
        switch (spec.kind()) {
            case RUN -> {
                if (spec.value().equals(latest.runId())) {
                    throw new TrendException("The baseline " + spec.value() + " is the latest run itself",
                            TrendException.BAD_OPTION);
                }
                return before.stream().filter(e -> e.runId().equals(spec.value())).findFirst().map(List::of)
                        .orElseThrow(() -> new TrendException("No run " + spec.value() + " of plan " + plan
                                + " before the latest (" + latest.runId() + ") in " + source,
                                TrendException.BAD_OPTION));
            }
            case TAG -> {
                List<ArchiveEntry> tagged = before.stream().filter(ArchiveEntry::complete)
                        .filter(e -> spec.tagValue().equals(e.tags().get(spec.tagKey()))).toList();
                if (tagged.isEmpty()) {
                    throw new TrendException("No complete run of plan " + plan + " tagged " + spec.value()
                            + " before the latest (" + latest.runId() + ") in " + source,
                            TrendException.NOTHING_TO_COMPARE);
                }
                return last(tagged, MAX_BASELINE);
            }
            default -> {
                List<ArchiveEntry> complete = before.stream().filter(ArchiveEntry::complete).toList();
                if (complete.isEmpty()) {
                    throw new TrendException("Only one complete run of plan " + plan + " in " + source
                            + ": nothing to compare it with", TrendException.NOTHING_TO_COMPARE);
                }
                return last(complete, MAX_BASELINE);
            }
        }
    }

    private static List<ArchiveEntry> last(List<ArchiveEntry> runs, int count) {
        return List.copyOf(runs.subList(Math.max(0, runs.size() - count), runs.size()));
    }

    // auto: only the baseline runs after the figure's last change point among the runs before the latest.
    private static List<ArchiveEntry> sinceLastChange(List<ArchiveEntry> base, List<ArchiveEntry> complete,
                                                      ArchiveEntry latest,
                                                      Map<String, Map<TrendMetric, List<ChangePoints.Change>>> changes,
                                                      String endpoint, TrendMetric metric) {
        List<ChangePoints.Change> found = changes.getOrDefault(endpoint, Map.of()).getOrDefault(metric, List.of());
        List<ArchiveEntry> series = seriesRuns(complete, endpoint);
        int latestIndex = series.indexOf(latest);
        String firstAfter = null;
        for (ChangePoints.Change change : found) {
            if (change.index() < latestIndex) {
                firstAfter = series.get(change.index()).runId();
            }
        }
        if (firstAfter == null) {
            return base;
        }
        List<ArchiveEntry> trimmed = new ArrayList<>();
        boolean after = false;
        for (ArchiveEntry run : complete) {
            after |= run.runId().equals(firstAfter);
            if (after && base.contains(run)) {
                trimmed.add(run);
            }
        }
        return trimmed.isEmpty() ? base : trimmed;
    }

    private static List<ArchiveEntry> seriesRuns(List<ArchiveEntry> complete, String endpoint) {
        return complete.stream().filter(e -> e.endpoints().containsKey(endpoint)).toList();
    }

    private List<TrendReport.ChangePointAt> changePoints(
            List<ArchiveEntry> complete, Map<String, Map<TrendMetric, List<ChangePoints.Change>>> changes) {
        ChangePoints detector = new ChangePoints(ChangePoints.DEFAULT_P_VALUE, tolerance);
        TreeSet<String> endpoints = new TreeSet<>();
        complete.forEach(e -> endpoints.addAll(e.endpoints().keySet()));
        List<TrendReport.ChangePointAt> all = new ArrayList<>();
        for (String endpoint : endpoints) {
            List<ArchiveEntry> series = seriesRuns(complete, endpoint);
            for (TrendMetric metric : TrendMetric.values()) {
                double[] values = series.stream()
                        .mapToDouble(e -> metric.toLog(e.endpoints().get(endpoint).get(metric).value())).toArray();
                List<ChangePoints.Change> found = detector.detect(values);
                changes.computeIfAbsent(endpoint, e -> new HashMap<>()).put(metric, found);
                for (ChangePoints.Change change : found) {
                    all.add(new TrendReport.ChangePointAt(endpoint, metric, series.get(change.index()).runId(),
                            Math.expm1(change.logChange()) * 100, change.pValue()));
                }
            }
        }
        return all;
    }

    // One endpoint's figure: the latest run's estimate and its baseline runs' estimates, not yet compared.
    private record Pair(String endpoint, TrendMetric metric, List<Estimate> base, Estimate latest,
                        List<String> baselineRuns) {
    }

    // Per figure, the prior of the baseline runs' spread, fitted over the endpoints (Smyth's empirical Bayes).
    private static Map<TrendMetric, ModeratedVariance> priors(List<Pair> pairs) {
        Map<TrendMetric, ModeratedVariance> priors = new EnumMap<>(TrendMetric.class);
        for (TrendMetric metric : TrendMetric.values()) {
            List<double[]> spreads = pairs.stream().filter(p -> p.metric() == metric && p.base().size() >= 2)
                    .map(p -> new double[] {StatUtils.variance(logs(metric, p.base())), p.base().size() - 1})
                    .toList();
            priors.put(metric, ModeratedVariance.fit(spreads.stream().mapToDouble(s -> s[0]).toArray(),
                    spreads.stream().mapToDouble(s -> s[1]).toArray()));
        }
        return priors;
    }

    private static double[] logs(TrendMetric metric, List<Estimate> estimates) {
        return estimates.stream().mapToDouble(e -> metric.toLog(e.value())).toArray();
    }

    /**
     * Compares one figure of the latest run with its baseline runs (see the class comment).
     *
     * @param endpoint     the endpoint
     * @param metric       the figure
     * @param base         the baseline runs' estimates, at least one
     * @param latest       the latest run's estimate
     * @param baselineRuns the baseline runs' ids
     * @param prior        the prior of the baseline runs' spread for this figure ({@link ModeratedVariance#NONE}
     *                     for none)
     * @return the comparison, not yet judged (verdict {@link Comparison.Verdict#NO_CHANGE}, q-value 1)
     */
    static Comparison compare(String endpoint, TrendMetric metric, List<Estimate> base, Estimate latest,
                              List<String> baselineRuns, ModeratedVariance prior) {
        int k = base.size();
        double[] logs = logs(metric, base);
        double mean = StatUtils.mean(logs);
        double within = base.stream().mapToDouble(e -> e.logSe() * e.logSe()).average().orElse(0);
        double latestWithin = latest.logSe() * latest.logSe();
        double variance;
        double df;
        if (k >= 2) {
            // A run's variance about the plan's mean: the baseline runs' spread, moderated over the endpoints, and
            // never below the runs' own within-run noise (of all k + 1 runs: a latest run much shorter than the
            // others raises it).
            double ownNoise = (within * k + latestWithin) / (k + 1);
            double run = Math.max(ownNoise, prior.moderate(StatUtils.variance(logs), k - 1));
            variance = run + run / k;
            df = prior.moderatedDf(k - 1);
        } else {
            // One baseline run: no spread to measure; the two runs' own noise only (the tolerance guards the rest).
            variance = latestWithin + within;
            df = Double.POSITIVE_INFINITY;
        }
        double diff = metric.toLog(latest.value()) - mean;
        double p;
        double halfWidth;
        if (variance <= 0) {
            p = diff == 0 ? 1 : 0;
            halfWidth = 0;
        } else {
            double sd = Math.sqrt(variance);
            RealDistribution distribution = Double.isInfinite(df) ? NORMAL : new TDistribution(df);
            p = 2 * distribution.cumulativeProbability(-Math.abs(diff) / sd);
            halfWidth = distribution.inverseCumulativeProbability(0.975) * sd;
        }
        return new Comparison(endpoint, metric, metric.fromLog(mean), latest.value(), Math.expm1(diff) * 100,
                Math.expm1(diff - halfWidth) * 100, Math.expm1(diff + halfWidth) * 100, p, 1,
                Comparison.Verdict.NO_CHANGE, baselineRuns);
    }

    // Holm over every comparison, then the direction and the tolerance.
    private List<Comparison> judge(List<Comparison> comparisons) {
        int m = comparisons.size();
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, Comparator.comparingDouble(i -> comparisons.get(i).pValue()));
        double[] q = new double[m];
        double running = 0;
        for (int rank = 1; rank <= m; rank++) {
            int i = order[rank - 1];
            running = Math.max(running, Math.min(1, comparisons.get(i).pValue() * (m - rank + 1)));
            q[i] = running;
        }
        List<Comparison> judged = new ArrayList<>(m);
        double tolerancePct = tolerance * 100;
        for (int i = 0; i < m; i++) {
            Comparison c = comparisons.get(i);
            Comparison.Verdict verdict = Comparison.Verdict.NO_CHANGE;
            if (q[i] <= alpha && Math.abs(c.changePct()) > tolerancePct) {
                boolean worse = c.metric().higherIsWorse() == (c.changePct() > 0);
                verdict = worse ? Comparison.Verdict.REGRESSION : Comparison.Verdict.IMPROVEMENT;
            }
            judged.add(c.judged(q[i], verdict));
        }
        return judged;
    }
}
