package io.loadstream.reporter.trend;

import io.loadstream.reporter.archive.ArchiveEntry;
import java.util.List;

/**
 * The outcome of {@code trend}: the runs of a plan, the latest run against its baseline, and the change points.
 * Immutable.
 *
 * @param plan          the plan
 * @param runs          every archived run of the plan, oldest first (incomplete ones included, marked)
 * @param baseline      how the baseline was chosen
 * @param baselineRuns  the baseline runs before any per-figure trimming at a change point, oldest first
 * @param latest        the latest complete run
 * @param comparisons   every endpoint and figure of the latest run against its baseline
 * @param changePoints  the change points over the complete runs
 * @param tolerancePct  the tolerance, percent
 * @param alpha         the family-wise error rate controlled across the comparisons (Holm)
 */
public record TrendReport(String plan, List<ArchiveEntry> runs, BaselineSpec baseline, List<String> baselineRuns,
                          ArchiveEntry latest, List<Comparison> comparisons, List<ChangePointAt> changePoints,
                          double tolerancePct, double alpha) {

    /**
     * A change point of one endpoint's figure.
     *
     * @param endpoint  the endpoint
     * @param metric    the figure
     * @param runId     the first run after the change
     * @param changePct the change of the mean from the segment before to the segment after, percent
     * @param pValue    the t-test's p-value
     */
    public record ChangePointAt(String endpoint, TrendMetric metric, String runId, double changePct,
                                double pValue) {
    }

    /** Copies the lists. */
    public TrendReport {
        runs = List.copyOf(runs);
        baselineRuns = List.copyOf(baselineRuns);
        comparisons = List.copyOf(comparisons);
        changePoints = List.copyOf(changePoints);
    }

    /** The regressions, in comparison order. */
    public List<Comparison> regressions() {
        return comparisons.stream().filter(c -> c.verdict() == Comparison.Verdict.REGRESSION).toList();
    }

    /** The improvements, in comparison order. */
    public List<Comparison> improvements() {
        return comparisons.stream().filter(c -> c.verdict() == Comparison.Verdict.IMPROVEMENT).toList();
    }

    /** Whether the latest run has a regression. */
    public boolean hasRegression() {
        return !regressions().isEmpty();
    }
}
