package io.loadstream.reporter.threshold;

import io.loadstream.reporter.stats.Stats;

/** The data a threshold is evaluated on: statistics of a scope over a period, from the closed windows. */
public interface ScopeData {

    /**
     * Merges the closed windows of a scope that lie within a period.
     *
     * @param scope  all, an endpoint or a scenario
     * @param fromMs start of the period, inclusive, epoch milliseconds
     * @param toMs   end of the period, exclusive, epoch milliseconds
     * @return merged statistics of the windows whose start and end fall within {@code [fromMs, toMs]}
     */
    Stats between(Scope scope, long fromMs, long toMs);

    /**
     * How much of a period the run covered (its start and end cut the first and last windows short), for rates per
     * second over the period.
     *
     * @param fromMs start of the period, inclusive, epoch milliseconds
     * @param toMs   end of the period, exclusive, epoch milliseconds
     * @return milliseconds, 0 to {@code toMs - fromMs}; by default the whole period
     */
    default long coveredMs(long fromMs, long toMs) {
        return Math.max(0, toMs - fromMs);
    }
}
