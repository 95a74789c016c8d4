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
}
