package io.loadstream.generator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Plans mutated at random (a token replaced by an extreme or odd value, a character deleted, inserted or changed):
 * the parser either accepts the plan or rejects it with plan errors that each have a sentence and a line, never
 * with any other exception. This is what makes {@code validate} and {@code run} exit 0 or 104, with no stack trace.
 */
class MutatedPlanPropertyTest {

    private static final String PLAN = """
            name: weekly
            target: http://127.0.0.1:8088
            defaults:
              timeout: 10s
              think_time: {min: 100ms, max: 2s}
              headers: {Authorization: "Bearer ${env:TOKEN}"}
            load:
              executor: ramping-arrival-rate
              start_rate: 5
              time_unit: 1s
              pre_allocated_vus: 10
              max_vus: 50
              stages: [{duration: 30s, target: 20}, {duration: 1m, target: 20}]
            scenarios:
              - name: browse
                weight: 3
                steps:
                  - {method: GET, path: "/api/items/${rand:1..100}", check: {status: [200, 204]}}
                  - {method: POST, path: /api/items, body: {name: x, count: 3, price: 1.5}}
            thresholds:
              http_req_duration: ["p(95)<500"]
              "http_req_duration{endpoint:GET /api/items/{id}}": [{threshold: "p(99)<900", window: 30s, for: 1m}]
            report: {window: 10s, grace: 2s}
            """;

    /** Values that have broken parsers: overflows, YAML 1.1 oddities, empties, nesting. */
    private static final List<String> ODD = List.of("9223372036854775807", "-9223372036854775808",
            "99999999999999999999999", "0x7fffffff", "0b101", "0o17", "1_000", ".inf", "-.inf", ".nan", "1e400",
            "-1", "0", "1.5e-300", "''", "~", "null", "[]", "{}", "[[[]]]", "2562047788015216h",
            "9223372036854775807ms", "0s", "1.5.5s", "1m-5s", "yes", "\"${env:}\"", "\"${rand:9..1}\"", "&a",
            "*a", "!!binary AAAA", "\"\\u0000\"", "'%'");

    @Property(tries = 500)
    void aMutatedPlanIsAcceptedOrRejectedWithSentencesNeverAnException(@ForAll("mutatedPlans") String yaml) {
        try {
            PlanParser.parse(yaml, "plan.yaml", Path.of("target"), Map.of("TOKEN", "t0ken-value"),
                    ThresholdSyntax.ANY);
        } catch (PlanException e) {
            assertThat(e.errors()).isNotEmpty().allSatisfy(error -> {
                assertThat(error.message()).isNotBlank().doesNotContain("Exception").doesNotContain("\tat ");
                assertThat(error.location().line()).isGreaterThanOrEqualTo(0);
            });
        }
    }

    @Provide
    Arbitrary<String> mutatedPlans() {
        Arbitrary<String> replaced = Combinators.combine(Arbitraries.integers().between(0, PLAN.length() - 1),
                Arbitraries.of(ODD)).as(MutatedPlanPropertyTest::replaceTokenAt);
        Arbitrary<String> edited = Combinators.combine(Arbitraries.integers().between(0, PLAN.length() - 1),
                Arbitraries.chars().with(':', '-', '[', ']', '{', '}', ',', '"', '\'', ' ', '\n', '#', '$', '9', 'h'),
                Arbitraries.integers().between(0, 2)).as(MutatedPlanPropertyTest::edit);
        return Arbitraries.oneOf(replaced, edited);
    }

    /** Replaces the value token (a run of non-separator characters) around {@code at} by {@code value}. */
    private static String replaceTokenAt(int at, String value) {
        int start = at;
        while (start > 0 && !isSeparator(PLAN.charAt(start - 1))) {
            start--;
        }
        int end = at;
        while (end < PLAN.length() && !isSeparator(PLAN.charAt(end))) {
            end++;
        }
        return PLAN.substring(0, start) + value + PLAN.substring(end);
    }

    private static boolean isSeparator(char c) {
        return c == ' ' || c == '\n' || c == ',' || c == '[' || c == ']' || c == '{' || c == '}' || c == ':';
    }

    /** Deletes (0), inserts (1) or replaces (2) one character. */
    private static String edit(int at, char c, int kind) {
        return switch (kind) {
            case 0 -> PLAN.substring(0, at) + PLAN.substring(at + 1);
            case 1 -> PLAN.substring(0, at) + c + PLAN.substring(at);
            default -> PLAN.substring(0, at) + c + PLAN.substring(at + 1);
        };
    }
}
