package io.loadstream.reporter.threshold;

/**
 * The left-hand side of a threshold expression: what to compute from the metric.
 *
 * @param kind       which aggregation
 * @param percentile for {@link Kind#PERCENTILE}, 0 to 100 with decimals (e.g. 99.9); otherwise 0
 */
public record Aggregation(Kind kind, double percentile) {

    /** The aggregations of k6 thresholds. */
    public enum Kind {
        /** Mean. */
        AVG("avg"),
        /** Smallest value. */
        MIN("min"),
        /** Largest value. */
        MAX("max"),
        /** Median, the same as {@code p(50)}. */
        MED("med"),
        /** A percentile, {@code p(N)}. */
        PERCENTILE("p(N)"),
        /** A fraction (rate metrics) or per second (counters). */
        RATE("rate"),
        /** A total count (counters). */
        COUNT("count"),
        /** The slope of the windows' p95 after the warm-up, milliseconds per hour; judged at the end of the run. */
        DRIFT_P95("drift_p95_ms_per_h"),
        /** The slope of the windows' p99 after the warm-up, milliseconds per hour; judged at the end of the run. */
        DRIFT_P99("drift_p99_ms_per_h");

        private final String text;

        Kind(String text) {
            this.text = text;
        }

        /** As written in a plan. */
        public String text() {
            return text;
        }
    }

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException when a percentile is outside 0..100
     */
    public Aggregation {
        if (kind == Kind.PERCENTILE && !(percentile >= 0 && percentile <= 100)) {
            throw new IllegalArgumentException("A percentile is between 0 and 100, not " + percentile);
        }
    }

    /** Whether this is a drift slope, which only the end of the run can judge (see {@code drift.DriftAnalysis}). */
    public boolean drift() {
        return kind == Kind.DRIFT_P95 || kind == Kind.DRIFT_P99;
    }

    /** As written in a plan, e.g. {@code p(99.9)}. */
    public String text() {
        if (kind == Kind.PERCENTILE) {
            return "p(" + ThresholdRule.formatNumber(percentile) + ")";
        }
        return kind.text();
    }
}
