package io.loadstream.reporter.threshold;

import io.loadstream.events.ThresholdSpec;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Parses k6 threshold syntax: a metric key such as {@code http_req_duration} or
 * {@code http_req_duration{endpoint:GET /api/x}}, and an expression such as {@code p(95)<500}.
 *
 * <p>The plan parser calls {@link #problem(String, String)} to validate a plan (it adds line and column); the
 * reporter calls {@link #parse(ThresholdSpec)} to get rules it can evaluate. Stateless and thread-safe.
 *
 * <p>Grammar: {@code AGGREGATION OPERATOR NUMBER}, spaces allowed between the parts, where the aggregation is
 * {@code avg min max med p(N) rate count} (N from 0 to 100, decimals allowed), or for {@code http_req_duration} the
 * drift slopes {@code drift_p95_ms_per_h} and {@code drift_p99_ms_per_h} (judged at the end only), the operator one of
 * {@code < <= > >= == !=}, and the number a plain decimal (milliseconds for {@code http_req_duration}, a fraction
 * for rates, per second for {@code http_reqs rate}).
 */
public final class ThresholdRules {

    private static final String EXAMPLE = "write it as AGGREGATION OPERATOR NUMBER, e.g. p(95)<500";

    private ThresholdRules() {
    }

    /**
     * Says what is wrong with a threshold, if anything.
     *
     * @param metricKey  the key of the plan's {@code thresholds} map, e.g. {@code http_req_failed} or
     *                   {@code http_req_duration{scenario:browse}}
     * @param expression one threshold expression of that key, e.g. {@code rate<0.01}
     * @return one sentence describing the problem (no location), or empty when the threshold is valid
     */
    public static Optional<String> problem(String metricKey, String expression) {
        return problem(metricKey, expression, Duration.ZERO, Duration.ZERO, false, Duration.ZERO);
    }

    /**
     * Says what is wrong with a threshold and the options of its object form, if anything: what {@link
     * #parse(ThresholdSpec)} would refuse at the end of the run, said before it starts.
     *
     * @param metricKey      the key of the plan's {@code thresholds} map
     * @param expression     one threshold expression of that key
     * @param window         the {@code window} option; zero when absent
     * @param forDuration    the {@code for} option; zero when absent
     * @param abortOnFail    the {@code abort_on_fail} option
     * @param delayAbortEval the {@code delay_abort_eval} option; zero when absent
     * @return one sentence describing the problem (no location), or empty when the threshold is valid
     */
    public static Optional<String> problem(String metricKey, String expression, Duration window,
                                           Duration forDuration, boolean abortOnFail, Duration delayAbortEval) {
        try {
            parse(metricKey, expression, window, forDuration, abortOnFail, delayAbortEval);
            return Optional.empty();
        } catch (ThresholdSyntaxException e) {
            return Optional.of(e.getMessage());
        }
    }

    /**
     * Says what is wrong with the options of a threshold's object form, if anything.
     *
     * @param window         the {@code window} option; zero when absent
     * @param forDuration    the {@code for} option; zero when absent
     * @param delayAbortEval the {@code delay_abort_eval} option; zero when absent
     * @return one sentence describing the problem (no location), or empty when the options are valid
     */
    public static Optional<String> optionsProblem(Duration window, Duration forDuration, Duration delayAbortEval) {
        if (window.isNegative() || forDuration.isNegative() || delayAbortEval.isNegative()) {
            return Optional.of("Threshold durations (window, for, delay_abort_eval) cannot be negative.");
        }
        if (window.isZero() && !forDuration.isZero()) {
            return Optional.of("The option 'for' needs a 'window': it says how long a windowed threshold must "
                    + "fail before it fires.");
        }
        return Optional.empty();
    }

    /**
     * Parses a threshold as the generator publishes it in {@code STARTED}.
     *
     * @param spec the threshold spec
     * @return the rule
     * @throws ThresholdSyntaxException when the metric, the expression or an option is invalid
     */
    public static ThresholdRule parse(ThresholdSpec spec) {
        return parse(spec.getMetric(), spec.getExpression(), Duration.ofMillis(spec.getWindowMs()),
                Duration.ofMillis(spec.getForMs()), spec.getAbortOnFail(),
                Duration.ofMillis(spec.getDelayAbortEvalMs()));
    }

    /**
     * Parses a threshold.
     *
     * @param metricKey      the metric key, with an optional {@code {endpoint:...}} or {@code {scenario:...}}
     * @param expression     the expression, e.g. {@code p(99.9)<=1200}
     * @param window         sliding window for a windowed threshold; zero for the whole run
     * @param forDuration    how long a windowed threshold must fail before it fires; zero for at once
     * @param abortOnFail    whether a failure aborts the run
     * @param delayAbortEval time after the start before a failure may abort the run
     * @return the rule
     * @throws ThresholdSyntaxException when the metric, the expression or an option is invalid
     */
    public static ThresholdRule parse(String metricKey, String expression, Duration window, Duration forDuration,
                                      boolean abortOnFail, Duration delayAbortEval) {
        if (metricKey == null || metricKey.isBlank()) {
            throw new ThresholdSyntaxException("The threshold has no metric; use http_req_duration, "
                    + "http_req_failed, http_reqs or checks.");
        }
        String key = metricKey.trim();
        String metricName = key;
        Scope scope = Scope.ALL;
        int brace = key.indexOf('{');
        if (brace >= 0) {
            metricName = key.substring(0, brace).trim();
            scope = scope(key, key.substring(brace));
        } else if (key.indexOf('}') >= 0) {
            throw new ThresholdSyntaxException("The metric '" + key + "' has a '}' without a '{'.");
        }
        String name = metricName;
        if (name.equals("http_req_waiting")) {
            throw new ThresholdSyntaxException("loadstream's aggregates do not keep http_req_waiting (time to first "
                    + "byte); use http_req_duration.");
        }
        Metric metric = Metric.byKey(name).orElseThrow(() -> new ThresholdSyntaxException("Unknown metric '" + name
                + "': use http_req_duration, http_req_failed, http_reqs or checks."));
        if (expression == null || expression.isBlank()) {
            throw new ThresholdSyntaxException("The threshold of " + name + " is empty; " + EXAMPLE + ".");
        }
        String text = expression.trim();
        int opStart = indexOfOperator(text);
        if (opStart < 0) {
            throw new ThresholdSyntaxException("The threshold '" + text + "' has no comparison; " + EXAMPLE + ".");
        }
        String opText = operatorAt(text, opStart);
        Aggregation aggregation = aggregation(text, text.substring(0, opStart).trim(), metric);
        double bound = number(text, text.substring(opStart + opText.length()).trim(), metric);
        Optional<String> options = optionsProblem(window, forDuration, delayAbortEval);
        if (options.isPresent()) {
            throw new ThresholdSyntaxException(options.get());
        }
        if (aggregation.drift() && (!window.isZero() || abortOnFail)) {
            throw new ThresholdSyntaxException("The drift threshold '" + text + "' is judged once, at the end of the "
                    + "run, on the slope after the warm-up: it takes no window and no abort_on_fail.");
        }
        return new ThresholdRule(key, text, metric, scope, aggregation, Operator.of(opText), bound, window,
                forDuration, abortOnFail, delayAbortEval);
    }

    private static Scope scope(String key, String filter) {
        if (!filter.endsWith("}")) {
            throw new ThresholdSyntaxException("The filter of the metric '" + key + "' does not end with '}'.");
        }
        String inner = filter.substring(1, filter.length() - 1);
        int colon = inner.indexOf(':');
        if (colon < 0) {
            throw new ThresholdSyntaxException("The filter '" + filter + "' has no ':'; write {endpoint:NAME} or "
                    + "{scenario:NAME}.");
        }
        String tag = inner.substring(0, colon).trim();
        String value = unquote(inner.substring(colon + 1).trim());
        Scope.Kind kind = switch (tag) {
            case "endpoint" -> Scope.Kind.ENDPOINT;
            case "scenario" -> Scope.Kind.SCENARIO;
            default -> throw new ThresholdSyntaxException("Unknown tag '" + tag + "' in the filter '" + filter
                    + "': use {endpoint:NAME} or {scenario:NAME}.");
        };
        if (value.isEmpty()) {
            throw new ThresholdSyntaxException("The filter '" + filter + "' names no " + tag + ".");
        }
        return new Scope(kind, value);
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                || value.startsWith("'") && value.endsWith("'"))) {
            return value.substring(1, value.length() - 1).trim();
        }
        return value;
    }

    private static int indexOfOperator(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '<' || c == '>' || c == '=' || c == '!') {
                return i;
            }
        }
        return -1;
    }

    private static String operatorAt(String text, int start) {
        String two = start + 2 <= text.length() ? text.substring(start, start + 2) : "";
        if (two.equals("<=") || two.equals(">=") || two.equals("==") || two.equals("!=")) {
            return two;
        }
        char c = text.charAt(start);
        if (c == '<' || c == '>') {
            return String.valueOf(c);
        }
        throw new ThresholdSyntaxException("'" + c + "' is not an operator in '" + text
                + "': use <, <=, >, >=, == or !=.");
    }

    private static Aggregation aggregation(String text, String left, Metric metric) {
        if (left.isEmpty()) {
            throw new ThresholdSyntaxException("The threshold '" + text + "' has nothing before its operator; "
                    + EXAMPLE + ".");
        }
        Aggregation aggregation;
        String lower = left.toLowerCase(Locale.ROOT);
        if (!left.equals(lower)) {
            throw new ThresholdSyntaxException("Write the aggregation '" + left + "' in lower case, as k6 does: '"
                    + lower + "'.");
        }
        switch (lower) {
            case "avg" -> aggregation = new Aggregation(Aggregation.Kind.AVG, 0);
            case "min" -> aggregation = new Aggregation(Aggregation.Kind.MIN, 0);
            case "max" -> aggregation = new Aggregation(Aggregation.Kind.MAX, 0);
            case "med" -> aggregation = new Aggregation(Aggregation.Kind.MED, 0);
            case "rate" -> aggregation = new Aggregation(Aggregation.Kind.RATE, 0);
            case "count" -> aggregation = new Aggregation(Aggregation.Kind.COUNT, 0);
            case "drift_p95_ms_per_h" -> aggregation = new Aggregation(Aggregation.Kind.DRIFT_P95, 0);
            case "drift_p99_ms_per_h" -> aggregation = new Aggregation(Aggregation.Kind.DRIFT_P99, 0);
            default -> aggregation = percentile(text, left, metric);
        }
        if (!metric.allows(aggregation.kind())) {
            throw new ThresholdSyntaxException(metric.key() + " is a " + metric.type() + " metric: use "
                    + metric.allowedText() + ", not " + left + ".");
        }
        return aggregation;
    }

    private static Aggregation percentile(String text, String left, Metric metric) {
        if (!left.startsWith("p")) {
            throw new ThresholdSyntaxException("Unknown aggregation '" + left + "' in '" + text + "': "
                    + metric.key() + " allows " + metric.allowedText() + ".");
        }
        String rest = left.substring(1).trim();
        if (!rest.startsWith("(") || !rest.endsWith(")")) {
            throw new ThresholdSyntaxException("Write a percentile as p(N), e.g. p(95) or p(99.9), not '" + left
                    + "'.");
        }
        String number = rest.substring(1, rest.length() - 1).trim();
        BigDecimal value;
        try {
            value = new BigDecimal(number);
        } catch (NumberFormatException e) {
            throw new ThresholdSyntaxException("The percentile '" + number + "' in '" + left
                    + "' is not a number; write e.g. p(95) or p(99.9).");
        }
        if (value.signum() < 0 || value.compareTo(BigDecimal.valueOf(100)) > 0) {
            throw new ThresholdSyntaxException("The percentile " + number + " in '" + left
                    + "' is outside 0 to 100.");
        }
        return new Aggregation(Aggregation.Kind.PERCENTILE, value.doubleValue());
    }

    private static double number(String text, String right, Metric metric) {
        if (right.isEmpty()) {
            throw new ThresholdSyntaxException("The threshold '" + text + "' has no number after its operator; "
                    + EXAMPLE + ".");
        }
        try {
            return new BigDecimal(right).doubleValue();
        } catch (NumberFormatException e) {
            String unit = metric == Metric.HTTP_REQ_DURATION ? " (milliseconds for " + metric.key() + ")" : "";
            throw new ThresholdSyntaxException("'" + right + "' in '" + text + "' is not a number: thresholds "
                    + "compare plain numbers" + unit + ".");
        }
    }
}
