package io.loadstream.reporter.alert;

import io.loadstream.events.Alert;
import io.loadstream.events.AlertStatus;
import io.loadstream.reporter.threshold.ThresholdOutcome;
import io.loadstream.reporter.threshold.ThresholdRule;
import io.loadstream.reporter.threshold.WindowedRule;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds {@link Alert} records from threshold changes. Stateless. */
public final class Alerts {

    /** The {@code alertname} label of every loadstream alert. */
    public static final String ALERT_NAME = "LoadstreamThreshold";

    private Alerts() {
    }

    /**
     * The alert for a windowed threshold that started firing or resolved.
     *
     * @param runId      the run
     * @param planName   the plan's name (a label); may be empty
     * @param transition the change
     * @return the alert, with fingerprint, labels and a one-sentence summary
     */
    public static Alert of(String runId, String planName, WindowedRule.Transition transition) {
        ThresholdRule rule = transition.rule();
        String summary;
        if (transition.firing()) {
            summary = rule.name() + " failed over the last " + seconds(rule.window().toMillis())
                    + (rule.forDuration().isZero() ? "" : " for at least " + seconds(rule.forDuration().toMillis()))
                    + ": observed " + observed(rule, transition.observed()) + ".";
        } else if (Double.isNaN(transition.observed())) {
            summary = rule.name() + " resolved: no requests in its window.";
        } else {
            summary = rule.name() + " passes again: observed " + observed(rule, transition.observed()) + ".";
        }
        return base(runId, planName, rule)
                .setStatus(transition.firing() ? AlertStatus.FIRING : AlertStatus.RESOLVED)
                .setObserved(Double.isNaN(transition.observed()) ? 0 : transition.observed())
                .setStartsAtMs(transition.startsAtMs())
                .setEndsAtMs(transition.firing() ? 0 : transition.atMs())
                .setSummary(summary)
                .build();
    }

    /**
     * The alert for a whole-run threshold that failed on the final totals: firing, as of the end of the run.
     *
     * @param runId    the run
     * @param planName the plan's name; may be empty
     * @param outcome  the failed outcome
     * @param atMs     end of the run, epoch milliseconds
     * @return the alert
     */
    public static Alert ofFailedRun(String runId, String planName, ThresholdOutcome outcome, long atMs) {
        ThresholdRule rule = outcome.rule();
        return base(runId, planName, rule)
                .setStatus(AlertStatus.FIRING)
                .setObserved(Double.isNaN(outcome.observed()) ? 0 : outcome.observed())
                .setStartsAtMs(atMs)
                .setEndsAtMs(0)
                .setSummary(rule.name() + " failed on the whole run: observed " + number(outcome.observed()) + ".")
                .build();
    }

    private static Alert.Builder base(String runId, String planName, ThresholdRule rule) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("alertname", ALERT_NAME);
        labels.put("run_id", runId);
        if (planName != null && !planName.isEmpty()) {
            labels.put("plan", planName);
        }
        labels.putAll(rule.labels());
        labels.put("threshold", rule.expression());
        labels.put("severity", rule.abortOnFail() ? "critical" : "warning");
        return Alert.newBuilder()
                .setRunId(runId)
                .setFingerprint(rule.fingerprint(runId))
                .setRule(rule.name())
                .setMetric(rule.metricKey())
                .setExpression(rule.expression())
                .setScope(rule.scope().text())
                .setWindowMs(rule.window().toMillis())
                .setForMs(rule.forDuration().toMillis())
                .setAbortOnFail(rule.abortOnFail())
                .setLabels(labels);
    }

    /** A number with at most 6 significant digits and no exponent, e.g. {@code 812.345} or {@code 0.0123}. */
    public static String number(double value) {
        if (Double.isNaN(value)) {
            return "no data";
        }
        if (Double.isInfinite(value)) {
            return Double.toString(value);
        }
        return new BigDecimal(value).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }

    /**
     * An observed value in its metric's unit, as the report's tables show it: a percentage for rates
     * ({@code http_req_failed}, {@code checks}), milliseconds for durations, per second for {@code http_reqs rate}.
     *
     * @param rule  the threshold
     * @param value the observed value
     * @return e.g. {@code 2.51%}, {@code 1240.5 ms}, {@code 38.2/s}, or {@code no data}
     */
    public static String observed(ThresholdRule rule, double value) {
        if (Double.isNaN(value)) {
            return "no data";
        }
        return switch (rule.metric()) {
            case HTTP_REQ_FAILED, CHECKS -> String.format(java.util.Locale.ROOT, "%.2f%%", value * 100);
            case HTTP_REQ_DURATION -> number(value) + " ms";
            case HTTP_REQS -> rule.perSecond() ? number(value) + "/s" : number(value);
        };
    }

    private static String seconds(long ms) {
        return number(ms / 1000.0) + " s";
    }
}
