package io.loadstream.reporter.trend;

import java.util.Locale;

/**
 * The figures of an endpoint that the trend compares from run to run, each judged on its own.
 *
 * <p>Every figure is compared on a log scale, so that changes are relative (a percent) and a run's spread is
 * symmetric: {@code log(value)} for latencies and throughput, and {@code log(rate + 0.001)} for the error rate,
 * whose floor of 0.1 % keeps a rate of 0 finite and keeps a move from 0 % to 0.01 % from looking like an infinite
 * change.
 */
public enum TrendMetric {
    /** Median latency, milliseconds. */
    P50_MS(50, true),
    /** 90th percentile latency, milliseconds. */
    P90_MS(90, true),
    /** 95th percentile latency, milliseconds. */
    P95_MS(95, true),
    /** 99th percentile latency, milliseconds. */
    P99_MS(99, true),
    /** Failed requests over all requests, 0 to 1. */
    ERROR_RATE(Double.NaN, true),
    /** Requests per second over the time the run covered. */
    RPS(Double.NaN, false);

    /** The error rate's floor on the log scale: 0.1 %. */
    public static final double ERROR_RATE_FLOOR = 0.001;

    private final double percentile;
    private final boolean higherIsWorse;

    TrendMetric(double percentile, boolean higherIsWorse) {
        this.percentile = percentile;
        this.higherIsWorse = higherIsWorse;
    }

    /** The name in {@code trend_report.json}, e.g. {@code p99_ms}. */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The latency percentile (0 to 100) for the latency figures; NaN for the others. */
    public double percentile() {
        return percentile;
    }

    /** Whether the figure is a latency percentile. */
    public boolean isLatency() {
        return !Double.isNaN(percentile);
    }

    /** Whether a higher value is worse (latency, errors) rather than better (throughput). */
    public boolean higherIsWorse() {
        return higherIsWorse;
    }

    /**
     * The figure on the scale it is compared on.
     *
     * @param value the figure in its unit; at least 0
     * @return its logarithm (after the floor for the error rate); for a latency or throughput of 0, the log of
     *         0.001
     */
    public double toLog(double value) {
        if (this == ERROR_RATE) {
            return Math.log(Math.max(0, value) + ERROR_RATE_FLOOR);
        }
        return Math.log(Math.max(value, 0.001));
    }

    /**
     * The inverse of {@link #toLog(double)}.
     *
     * @param log a value on the log scale
     * @return the figure in its unit
     */
    public double fromLog(double log) {
        return this == ERROR_RATE ? Math.max(0, Math.exp(log) - ERROR_RATE_FLOOR) : Math.exp(log);
    }

    /**
     * Finds a metric by its JSON name.
     *
     * @param jsonName e.g. {@code p99_ms}
     * @return the metric
     * @throws IllegalArgumentException for an unknown name
     */
    public static TrendMetric ofJsonName(String jsonName) {
        for (TrendMetric metric : values()) {
            if (metric.jsonName().equals(jsonName)) {
                return metric;
            }
        }
        throw new IllegalArgumentException("Unknown trend metric '" + jsonName + "'");
    }
}
