package io.loadstream.reporter.threshold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loadstream.reporter.stats.Stats;
import io.loadstream.schemas.fixtures.EventFixtures;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** k6 threshold syntax: what parses, what does not and why, and pass/fail on known data. */
class ThresholdRulesTest {

    /** 1,000 requests, latencies 1..1000 ms, every 50th failed (2%), over 10 s. */
    private static final long[] LATENCIES_US = EventFixtures.spread(1000, 1_000, 1_000_000);
    private static final Stats KNOWN = Stats.of(EventFixtures.stats(LATENCIES_US, 50));
    private static final double SECONDS = 10;

    private static double nearestRank(double p) {
        double[] values = java.util.Arrays.stream(LATENCIES_US).asDoubleStream().toArray();
        return new Percentile().withEstimationType(Percentile.EstimationType.R_1).evaluate(values, p) / 1000.0;
    }

    @ParameterizedTest(name = "{0} {1} passes={2}")
    @CsvSource(delimiter = '|', value = {
        "http_req_duration | p(95)<1000    | true",
        "http_req_duration | p(95)<900     | false",
        "http_req_duration | p(99.9)<=1001 | true",
        "http_req_duration | p(50) < 600   | true",
        "http_req_duration | med<400       | false",
        "http_req_duration | avg<=500.5    | true",
        "http_req_duration | avg<500       | false",
        "http_req_duration | min>=1        | true",
        "http_req_duration | min>1         | false",
        "http_req_duration | max==1000     | true",
        "http_req_duration | max!=1000     | false",
        "http_req_failed   | rate<0.03     | true",
        "http_req_failed   | rate<0.01     | false",
        "http_req_failed   | rate==0.02    | true",
        "http_reqs         | count>=1000   | true",
        "http_reqs         | count>1000    | false",
        "http_reqs         | rate>99       | true",
        "http_reqs         | rate>100      | false",
        "checks            | rate>0.99     | true",
        "http_req_duration{endpoint:GET /x} | p(95)<1000 | true",
    })
    void evaluatesExpressionsOnKnownData(String metric, String expression, boolean passes) {
        ThresholdRule rule = ThresholdRules.parse(metric, expression, Duration.ZERO, Duration.ZERO, false,
                Duration.ZERO);

        OptionalDouble observed = rule.observe(KNOWN, SECONDS);

        assertThat(observed).isPresent();
        assertThat(rule.passes(observed.getAsDouble())).as("%s %s observed %s", metric, expression, observed)
                .isEqualTo(passes);
    }

    @Test
    void percentilesComeFromTheHistogramWithinItsPrecisionOfTheExactOracle() {
        for (double p : new double[] {50, 90, 95, 99, 99.9}) {
            ThresholdRule rule = ThresholdRules.parse("http_req_duration", "p(" + p + ")<1", Duration.ZERO,
                    Duration.ZERO, false, Duration.ZERO);
            double observed = rule.observe(KNOWN, SECONDS).getAsDouble();
            // HdrHistogram with 3 significant digits: within 0.1% of the exact nearest-rank value.
            assertThat(observed).as("p(%s)", p).isCloseTo(nearestRank(p),
                    org.assertj.core.api.Assertions.within(nearestRank(p) * 0.001 + 0.001));
        }
    }

    @Test
    void parsesScopesAndDecimals() {
        ThresholdRule endpoint = ThresholdRules.parse("http_req_duration{endpoint:GET /api/sns/analytics}",
                " p(99.9) <= 1200 ", Duration.ofSeconds(30), Duration.ofMinutes(1), true, Duration.ofSeconds(10));
        assertThat(endpoint.scope()).isEqualTo(new Scope(Scope.Kind.ENDPOINT, "GET /api/sns/analytics"));
        assertThat(endpoint.aggregation()).isEqualTo(new Aggregation(Aggregation.Kind.PERCENTILE, 99.9));
        assertThat(endpoint.operator()).isEqualTo(Operator.LE);
        assertThat(endpoint.bound()).isEqualTo(1200);
        assertThat(endpoint.windowed()).isTrue();
        assertThat(endpoint.labels()).containsEntry("endpoint", "GET /api/sns/analytics");

        ThresholdRule scenario = ThresholdRules.parse("http_req_failed{scenario: \"typical_user\"}", "rate<0.01",
                Duration.ZERO, Duration.ZERO, false, Duration.ZERO);
        assertThat(scenario.scope()).isEqualTo(new Scope(Scope.Kind.SCENARIO, "typical_user"));
        assertThat(scenario.scope().text()).isEqualTo("scenario:typical_user");
    }

    @Test
    void aThresholdWithNoDataPassesExceptForCounts() {
        ThresholdRule p95 = ThresholdRules.parse("http_req_duration", "p(95)<1", Duration.ZERO, Duration.ZERO,
                false, Duration.ZERO);
        ThresholdRule count = ThresholdRules.parse("http_reqs", "count>0", Duration.ZERO, Duration.ZERO, false,
                Duration.ZERO);

        assertThat(p95.observe(Stats.EMPTY, 10)).isEmpty();
        assertThat(count.observe(Stats.EMPTY, 10)).hasValue(0);
        assertThat(count.passes(0)).isFalse();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "http_req_durations | p(95)<500 | Unknown metric 'http_req_durations'",
        "http_req_duration{name:x} | p(95)<500 | Unknown tag 'name'",
        "http_req_duration{endpoint:} | p(95)<500 | names no endpoint",
        "http_req_duration{endpoint:x | p(95)<500 | does not end with '}'",
        "http_req_duration | p95<500 | Write a percentile as p(N)",
        "http_req_duration | p(abc)<500 | is not a number",
        "http_req_duration | p(101)<500 | outside 0 to 100",
        "http_req_duration | p(95)=500 | '=' is not an operator",
        "http_req_duration | p(95) 500 | has no comparison",
        "http_req_duration | p(95)< | has no number after its operator",
        "http_req_duration | p(95)<500ms | '500ms' in 'p(95)<500ms' is not a number",
        "http_req_duration | <500 | nothing before its operator",
        "http_req_duration | rate<0.1 | use avg, min, max, med, p(N), drift_p95_ms_per_h, drift_p99_ms_per_h",
        "http_req_failed | p(95)<0.1 | http_req_failed is a rate metric: use rate, not p(95)",
        "http_reqs | avg<3 | http_reqs is a counter metric: use rate, count, not avg",
        "http_req_duration | P(95)<500 | in lower case",
        "http_req_duration | mean<500 | Unknown aggregation 'mean'",
        "http_req_waiting | p(95)<500 | do not keep http_req_waiting",
    })
    void explainsWhatIsWrongInOneSentence(String metric, String expression, String message) {
        assertThat(ThresholdRules.problem(metric, expression)).hasValueSatisfying(problem -> {
            assertThat(problem).contains(message);
            assertThat(problem).doesNotContain("\n");
        });
    }

    @Test
    void validThresholdsHaveNoProblem() {
        for (Map.Entry<String, List<String>> entry : Map.of(
                "http_req_duration", List.of("p(95)<500", "p(99)<1000", "avg<200", "med<=100", "max<5000"),
                "http_req_failed", List.of("rate<0.01"),
                "http_reqs", List.of("count>100", "rate>=10"),
                "checks", List.of("rate>0.99"),
                "http_req_duration{endpoint:GET /api/sns/analytics}", List.of("p(95)<900")).entrySet()) {
            for (String expression : entry.getValue()) {
                assertThat(ThresholdRules.problem(entry.getKey(), expression)).as(expression).isEmpty();
            }
        }
    }

    @Test
    void forWithoutAWindowIsAnError() {
        assertThat(ThresholdRules.optionsProblem(Duration.ZERO, Duration.ofSeconds(30), Duration.ZERO))
                .hasValueSatisfying(p -> assertThat(p).contains("needs a 'window'"));
        assertThatThrownBy(() -> ThresholdRules.parse("http_req_duration", "p(95)<1", Duration.ZERO,
                Duration.ofSeconds(1), false, Duration.ZERO)).isInstanceOf(ThresholdSyntaxException.class);
    }

    @Test
    void fingerprintsAreStablePerRunAndRule() {
        ThresholdRule a = ThresholdRules.parse("http_req_duration", "p(95)<500", Duration.ZERO, Duration.ZERO, false,
                Duration.ZERO);
        ThresholdRule b = ThresholdRules.parse("http_req_duration", "p(95)<500", Duration.ZERO, Duration.ZERO, true,
                Duration.ZERO);
        ThresholdRule c = ThresholdRules.parse("http_req_duration", "p(99)<500", Duration.ZERO, Duration.ZERO, false,
                Duration.ZERO);

        assertThat(a.fingerprint("r1")).hasSize(16).isEqualTo(b.fingerprint("r1"))
                .isNotEqualTo(a.fingerprint("r2")).isNotEqualTo(c.fingerprint("r1"));
    }
}
