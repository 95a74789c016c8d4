package io.loadstream.reporter.threshold;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The k6 metrics a threshold can name, with the aggregations each allows (as k6 allows them: a trend takes
 * {@code avg min max med p(N)}, a counter {@code count rate}, a rate {@code rate}).
 */
public enum Metric {
    /** Latency of each request, from its intended start to the end of the response, in milliseconds. */
    HTTP_REQ_DURATION("http_req_duration", "trend", EnumSet.of(Aggregation.Kind.AVG, Aggregation.Kind.MIN,
            Aggregation.Kind.MAX, Aggregation.Kind.MED, Aggregation.Kind.PERCENTILE, Aggregation.Kind.DRIFT_P95,
            Aggregation.Kind.DRIFT_P99)),
    /** Whether each request failed: {@code rate} is the fraction of failed requests. */
    HTTP_REQ_FAILED("http_req_failed", "rate", EnumSet.of(Aggregation.Kind.RATE)),
    /** Requests sent: {@code count} in total, {@code rate} per second. */
    HTTP_REQS("http_reqs", "counter", EnumSet.of(Aggregation.Kind.COUNT, Aggregation.Kind.RATE)),
    /** Checks: {@code rate} is the fraction of requests that did not fail a check. */
    CHECKS("checks", "rate", EnumSet.of(Aggregation.Kind.RATE));

    private final String key;
    private final String type;
    private final Set<Aggregation.Kind> aggregations;

    Metric(String key, String type, Set<Aggregation.Kind> aggregations) {
        this.key = key;
        this.type = type;
        this.aggregations = aggregations;
    }

    /** The name as written in a plan, e.g. {@code http_req_duration}. */
    public String key() {
        return key;
    }

    /** k6's metric type: {@code trend}, {@code rate} or {@code counter}. */
    public String type() {
        return type;
    }

    /** Whether a threshold on this metric may use the aggregation. */
    public boolean allows(Aggregation.Kind kind) {
        return aggregations.contains(kind);
    }

    /** The aggregations this metric allows, as written in a plan, e.g. {@code avg, min, max, med, p(N)}. */
    public String allowedText() {
        StringBuilder text = new StringBuilder();
        for (Aggregation.Kind kind : aggregations) {
            if (text.length() > 0) {
                text.append(", ");
            }
            text.append(kind.text());
        }
        return text.toString();
    }

    /**
     * Finds a metric by its plan name.
     *
     * @param key e.g. {@code http_req_duration}
     * @return the metric, or empty when loadstream does not know it
     */
    public static Optional<Metric> byKey(String key) {
        for (Metric metric : values()) {
            if (metric.key.equals(key)) {
                return Optional.of(metric);
            }
        }
        return Optional.empty();
    }
}
