package io.loadstream.reporter.trend;

import java.util.List;

/**
 * One figure of one endpoint: the latest run against its baseline.
 *
 * @param endpoint     the endpoint
 * @param metric       the figure
 * @param baseline     the baseline's value (geometric mean of the baseline runs), in the figure's unit
 * @param latest       the latest run's value, in the figure's unit
 * @param changePct    the relative change, percent (for the error rate, of the rate plus its 0.1 % floor)
 * @param ci95LowPct   lower end of the change's 95 % confidence interval, percent
 * @param ci95HighPct  upper end, percent
 * @param pValue       the two-sided p-value of no change
 * @param qValue       the p-value adjusted by Holm's method over every pair compared in this report
 * @param verdict      the verdict
 * @param baselineRuns the runs this pair was compared with
 */
public record Comparison(String endpoint, TrendMetric metric, double baseline, double latest, double changePct,
                         double ci95LowPct, double ci95HighPct, double pValue, double qValue, Verdict verdict,
                         List<String> baselineRuns) {

    /** What the comparison says. */
    public enum Verdict {
        /** Significantly worse, by more than the tolerance. */
        REGRESSION,
        /** Significantly better, by more than the tolerance. */
        IMPROVEMENT,
        /** Neither. */
        NO_CHANGE
    }

    /** Copies the list. */
    public Comparison {
        baselineRuns = List.copyOf(baselineRuns);
    }

    /** A copy with the adjusted p-value and the verdict. */
    Comparison judged(double q, Verdict value) {
        return new Comparison(endpoint, metric, baseline, latest, changePct, ci95LowPct, ci95HighPct, pValue, q,
                value, baselineRuns);
    }
}
