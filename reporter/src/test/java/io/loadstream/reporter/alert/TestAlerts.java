package io.loadstream.reporter.alert;

import io.loadstream.events.Alert;
import io.loadstream.reporter.threshold.ThresholdRule;
import io.loadstream.reporter.threshold.ThresholdRules;
import io.loadstream.reporter.threshold.WindowedRule;
import java.time.Duration;

/** Alerts as the reporter makes them ({@link Alerts#of}), from a real windowed rule scoped to one endpoint. */
final class TestAlerts {

    static final String ENDPOINT = "GET /api/sns/analytics";
    static final String PLAN = "softfactory-weekly";

    private TestAlerts() {
    }

    /** The rule {@code http_req_duration{endpoint:GET /api/sns/analytics} p(95)<900}, 30 s window, for 20 s. */
    static ThresholdRule rule(String expression) {
        return ThresholdRules.parse("http_req_duration{endpoint:" + ENDPOINT + "}", expression,
                Duration.ofSeconds(30), Duration.ofSeconds(20), true, Duration.ZERO);
    }

    /** The rule fired at {@code startsAtMs}. */
    static Alert firing(String runId, String expression, long startsAtMs) {
        return Alerts.of(runId, PLAN, new WindowedRule.Transition(rule(expression), true, 1240.5, startsAtMs,
                startsAtMs));
    }

    /** The rule, fired at {@code startsAtMs}, resolved at {@code endsAtMs}. */
    static Alert resolved(String runId, String expression, long startsAtMs, long endsAtMs) {
        return Alerts.of(runId, PLAN, new WindowedRule.Transition(rule(expression), false, 310, endsAtMs,
                startsAtMs));
    }
}
