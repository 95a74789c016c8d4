package io.loadstream.reporter.threshold;

import io.loadstream.reporter.stats.Stats;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * One parsed threshold of a plan, ready to evaluate. Made by {@link ThresholdRules#parse}; immutable.
 *
 * <p>Durations are in milliseconds, rates are fractions 0..1, {@code http_reqs rate} is per second.
 *
 * @param metricKey        the metric key as written in the plan, e.g. {@code http_req_duration{endpoint:GET /x}}
 * @param expression       the expression as written, e.g. {@code p(95)<500}
 * @param metric           the metric
 * @param scope            what part of the run it covers
 * @param aggregation      what is computed
 * @param operator         how it is compared
 * @param bound            the number it is compared with
 * @param window           sliding window it is evaluated over on every closed window; zero for the whole run only
 * @param forDuration      how long a windowed threshold must fail before it fires; zero fires at once
 * @param abortOnFail      whether a failure aborts the run
 * @param delayAbortEval   time after the start of the run before a failure may abort it
 */
public record ThresholdRule(String metricKey, String expression, Metric metric, Scope scope, Aggregation aggregation,
                            Operator operator, double bound, Duration window, Duration forDuration,
                            boolean abortOnFail, Duration delayAbortEval) {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException when a field is null or a duration negative
     */
    public ThresholdRule {
        if (metricKey == null || expression == null || metric == null || scope == null || aggregation == null
                || operator == null || window == null || forDuration == null || delayAbortEval == null) {
            throw new IllegalArgumentException("Every field of a threshold rule is required");
        }
        if (window.isNegative() || forDuration.isNegative() || delayAbortEval.isNegative()) {
            throw new IllegalArgumentException("Threshold durations cannot be negative");
        }
    }

    /** Whether the rule is evaluated on every closed window (a {@code window} was given). */
    public boolean windowed() {
        return !window.isZero();
    }

    /** Metric and expression, e.g. {@code http_req_duration{endpoint:GET /x} p(95)<500}. */
    public String name() {
        return metricKey + " " + expression;
    }

    /** Whether the rule compares a rate per second ({@code http_reqs rate}), which depends on the time covered. */
    public boolean perSecond() {
        return metric == Metric.HTTP_REQS && aggregation.kind() == Aggregation.Kind.RATE;
    }

    /**
     * Computes the value the rule compares, from statistics of its scope.
     *
     * @param stats           merged statistics of the requests in scope
     * @param durationSeconds length of the period they cover, in seconds (for {@code http_reqs rate})
     * @return the value in the metric's unit, or empty when there is nothing to compare (no request, for any
     *         aggregation but {@code count})
     */
    public OptionalDouble observe(Stats stats, double durationSeconds) {
        if (metric == Metric.HTTP_REQS) {
            if (aggregation.kind() == Aggregation.Kind.COUNT) {
                return OptionalDouble.of(stats.count());
            }
            return durationSeconds > 0 ? OptionalDouble.of(stats.count() / durationSeconds) : OptionalDouble.empty();
        }
        if (stats.count() == 0 || aggregation.drift()) {
            // A drift is a slope over the run's windows, not a figure of merged statistics: the engine's finish
            // reads it from the drift analysis.
            return OptionalDouble.empty();
        }
        return switch (metric) {
            case HTTP_REQ_FAILED -> OptionalDouble.of(stats.errorRate());
            case CHECKS -> {
                long failedChecks = stats.errorsByClass().getOrDefault("CHECK", 0L);
                yield OptionalDouble.of((double) (stats.count() - failedChecks) / stats.count());
            }
            case HTTP_REQ_DURATION -> OptionalDouble.of(switch (aggregation.kind()) {
                case AVG -> stats.meanMs();
                case MIN -> stats.minMs();
                case MAX -> stats.maxMs();
                case MED -> stats.percentileMs(50);
                case PERCENTILE -> stats.percentileMs(aggregation.percentile());
                default -> throw new IllegalStateException("Unreachable: " + aggregation.text() + " on a trend");
            });
            default -> throw new IllegalStateException("Unreachable metric " + metric);
        };
    }

    /**
     * Whether an observed value passes.
     *
     * @param observed the value from {@link #observe}
     * @return whether {@code observed OP bound} holds
     */
    public boolean passes(double observed) {
        return operator.test(observed, bound);
    }

    /**
     * A stable identifier of this rule in a run: 16 hex digits of a SHA-256 over run id, metric key, expression,
     * window and for. The same rule of the same run always has the same fingerprint.
     *
     * @param runId the run id
     * @return 16 lower-case hex digits
     */
    public String fingerprint(String runId) {
        String text = String.join("\n", runId, metricKey, expression, Long.toString(window.toMillis()),
                Long.toString(forDuration.toMillis()));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java has SHA-256", e);
        }
    }

    /** Labels for alert routing: metric, scope, and the endpoint or scenario. */
    public Map<String, String> labels() {
        return switch (scope.kind()) {
            case ALL -> Map.of("metric", metric.key(), "scope", scope.text());
            case ENDPOINT -> Map.of("metric", metric.key(), "scope", scope.text(), "endpoint", scope.value());
            case SCENARIO -> Map.of("metric", metric.key(), "scope", scope.text(), "scenario", scope.value());
        };
    }

    /** Formats a number without a trailing {@code .0} or exponent, e.g. {@code 500}, {@code 99.9}, {@code 0.01}. */
    static String formatNumber(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return Double.toString(value);
        }
        return new BigDecimal(Double.toString(value)).stripTrailingZeros().toPlainString();
    }
}
