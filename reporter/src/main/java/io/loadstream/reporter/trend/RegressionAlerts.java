package io.loadstream.reporter.trend;

import io.loadstream.events.Alert;
import io.loadstream.events.AlertStatus;
import io.loadstream.reporter.alert.Alerts;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * A regression found by {@code trend}, as an alert on the same path as threshold breaches (the alerts topic and the
 * webhooks), so that the subscribers of a plan hear about it. One firing alert per regressed endpoint and figure,
 * labelled {@code alertname=}{@value #ALERT_NAME}, {@code plan}, {@code run_id} (the latest run), {@code endpoint},
 * {@code metric} and {@code severity=warning}.
 */
public final class RegressionAlerts {

    /** The {@code alertname} label. */
    public static final String ALERT_NAME = "LoadstreamTrendRegression";

    private RegressionAlerts() {
    }

    /**
     * The alerts of a report's regressions.
     *
     * @param report the report
     * @param nowMs  when they fire, epoch milliseconds
     * @return one alert per regression; empty when there is none
     */
    public static List<Alert> of(TrendReport report, long nowMs) {
        List<Alert> alerts = new ArrayList<>();
        String runId = report.latest().runId();
        for (Comparison c : report.regressions()) {
            Map<String, String> labels = new TreeMap<>();
            labels.put("alertname", ALERT_NAME);
            labels.put("plan", report.plan());
            labels.put("run_id", runId);
            labels.put("endpoint", c.endpoint());
            labels.put("metric", c.metric().jsonName());
            labels.put("severity", "warning");
            String expression = String.format(Locale.ROOT, "%s within %.0f%% of the baseline", c.metric().jsonName(),
                    report.tolerancePct());
            String summary = String.format(Locale.ROOT, "%s of %s regressed by %+.1f%% (95%% CI %+.1f%% to %+.1f%%, "
                            + "p = %.2g) in run %s of %s: %s against a baseline of %s.", c.metric().jsonName(),
                    c.endpoint(), c.changePct(), c.ci95LowPct(), c.ci95HighPct(), c.pValue(), runId, report.plan(),
                    Alerts.number(c.latest()), Alerts.number(c.baseline()));
            alerts.add(Alert.newBuilder()
                    .setRunId(runId)
                    .setFingerprint(fingerprint(report.plan() + "|" + runId + "|" + c.endpoint() + "|"
                            + c.metric().jsonName()))
                    .setRule("trend " + c.metric().jsonName())
                    .setMetric(c.metric().jsonName() + "{endpoint:" + c.endpoint() + "}")
                    .setExpression(expression)
                    .setScope("endpoint:" + c.endpoint())
                    .setStatus(AlertStatus.FIRING)
                    .setObserved(c.latest())
                    .setStartsAtMs(nowMs)
                    .setEndsAtMs(0)
                    .setWindowMs(0)
                    .setForMs(0)
                    .setAbortOnFail(false)
                    .setSummary(summary)
                    .setLabels(labels)
                    .build());
        }
        return alerts;
    }

    private static String fingerprint(String text) {
        CRC32 crc = new CRC32();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        return String.format(Locale.ROOT, "%08x", crc.getValue());
    }
}
