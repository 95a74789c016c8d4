package io.loadstream.reporter.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loadstream.reporter.stats.Stats;
import io.loadstream.reporter.threshold.Aggregation;
import io.loadstream.reporter.threshold.ThresholdEngine;
import io.loadstream.reporter.threshold.ThresholdOutcome;
import io.loadstream.reporter.threshold.ThresholdRule;
import io.loadstream.reporter.threshold.ThresholdRules;
import io.loadstream.reporter.threshold.ThresholdSyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** {@code drift_p95_ms_per_h<50}: parsed, refused where it cannot mean anything, judged at the end on the slope. */
class DriftThresholdTest {

    private static ThresholdRule rule(String metric, String expression) {
        return ThresholdRules.parse(metric, expression, Duration.ZERO, Duration.ZERO, false, Duration.ZERO);
    }

    @Test
    void parsesDriftAggregationsOfTheLatency() {
        ThresholdRule p95 = rule("http_req_duration{endpoint:GET /x}", "drift_p95_ms_per_h<50");
        ThresholdRule p99 = rule("http_req_duration", "drift_p99_ms_per_h <= 120.5");

        assertThat(p95.aggregation().kind()).isEqualTo(Aggregation.Kind.DRIFT_P95);
        assertThat(p95.aggregation().drift()).isTrue();
        assertThat(p99.aggregation().kind()).isEqualTo(Aggregation.Kind.DRIFT_P99);
        assertThat(p99.bound()).isEqualTo(120.5);
    }

    @Test
    void refusesDriftOnOtherMetricsAndWithAWindowOrAbort() {
        assertThat(ThresholdRules.problem("http_req_failed", "drift_p95_ms_per_h<50")).get().asString()
                .contains("rate metric");
        assertThatThrownBy(() -> ThresholdRules.parse("http_req_duration", "drift_p95_ms_per_h<50",
                Duration.ofMinutes(5), Duration.ZERO, false, Duration.ZERO))
                .isInstanceOf(ThresholdSyntaxException.class).hasMessageContaining("at the end of the run");
        assertThatThrownBy(() -> ThresholdRules.parse("http_req_duration", "drift_p95_ms_per_h<50", Duration.ZERO,
                Duration.ZERO, true, Duration.ZERO))
                .isInstanceOf(ThresholdSyntaxException.class).hasMessageContaining("no abort_on_fail");
    }

    @Test
    void judgesTheSlopeAtTheEndAndPassesWithoutAnEstimate() {
        ThresholdEngine engine = new ThresholdEngine(List.of(
                rule("http_req_duration", "drift_p95_ms_per_h<50"),
                rule("http_req_duration", "drift_p99_ms_per_h<50"),
                rule("http_req_duration{endpoint:GET /quiet}", "drift_p95_ms_per_h<50")), 0);

        List<ThresholdOutcome> outcomes = engine.finish(scope -> Stats.EMPTY, 3600, (scope, kind) ->
                scope.value().equals("GET /quiet") ? OptionalDouble.empty()
                        : OptionalDouble.of(kind == Aggregation.Kind.DRIFT_P95 ? 12 : 75));

        assertThat(outcomes).extracting(ThresholdOutcome::passed).containsExactly(true, false, true);
        assertThat(outcomes.get(1).observed()).isEqualTo(75);
        assertThat(outcomes.get(2).observed()).isNaN();
    }
}
