package io.loadstream.generator.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed plans, each with the error it must give: the message and where. A plan is built from a valid base
 * with one part replaced, so each case shows one mistake.
 */
class MalformedPlanTest {

    private static final String SCENARIOS = """
            scenarios:
              - name: browse
                steps:
                  - {method: GET, path: /api/items}
            """;

    private static final String VALID = """
            name: p
            target: http://127.0.0.1:8088
            load: {executor: constant-vus, vus: 5, duration: 10s}
            """ + SCENARIOS;

    static Stream<Arguments> malformedPlans() {
        return Stream.of(
                Arguments.of("not YAML at all", "name: [unclosed\n", 1, 16, "This is not valid YAML"),
                Arguments.of("empty file", "", 1, 1, "The plan is empty"),
                Arguments.of("a list at the top", "- a\n- b\n", 1, 1, "The plan must be a mapping"),
                Arguments.of("missing target", VALID.replace("target: http://127.0.0.1:8088\n", ""), 1, 1,
                        "The plan needs 'target'."),
                Arguments.of("target without scheme", VALID.replace("http://127.0.0.1:8088", "127.0.0.1:8088"), 2, 9,
                        "The target must be an http:// or https:// URL"),
                Arguments.of("misspelt top-level key", VALID + "tresholds: {}\n", 8, 1,
                        "Unknown key 'tresholds' in the plan; did you mean 'thresholds'?"),
                Arguments.of("unknown executor", VALID.replace("constant-vus", "constant-users"), 3, 18,
                        "Unknown executor 'constant-users'"),
                Arguments.of("vus of zero", VALID.replace("vus: 5", "vus: 0"), 3, 37,
                        "vus must be between 1 and 1000000, not 0."),
                Arguments.of("duration without unit", VALID.replace("duration: 10s", "duration: 10"), 3, 50,
                        "duration needs a unit: write e.g. 10s or 10ms."),
                Arguments.of("bad duration", VALID.replace("duration: 10s", "duration: 10 seconds"), 3, 50,
                        "'10 seconds' is not a duration"),
                Arguments.of("key of another executor", VALID.replace("vus: 5,", "vus: 5, rate: 10,"), 3, 40,
                        "'rate' does not apply to the constant-vus executor"),
                Arguments.of("arrival rate without max_vus", VALID.replace(
                        "{executor: constant-vus, vus: 5, duration: 10s}",
                        "{executor: constant-arrival-rate, rate: 10, duration: 10s}"), 3, 7,
                        "The constant-arrival-rate executor needs max_vus"),
                Arguments.of("ramping-vus without stages", VALID.replace(
                        "{executor: constant-vus, vus: 5, duration: 10s}", "{executor: ramping-vus}"), 3, 7,
                        "The ramping-vus executor needs 'stages'."),
                Arguments.of("stage with negative target", VALID.replace(
                        "{executor: constant-vus, vus: 5, duration: 10s}",
                        "{executor: ramping-vus, stages: [{duration: 5s, target: -3}]}"), 3, 63,
                        "target must be between 0 and 1000000, not -3."),
                Arguments.of("unknown HTTP method", VALID.replace("method: GET", "method: FETCH"), 7, 18,
                        "Unknown HTTP method 'FETCH'"),
                Arguments.of("path without leading slash", VALID.replace("path: /api/items", "path: api/items"), 7,
                        29, "A step's path starts with '/'"),
                Arguments.of("missing environment variable",
                        VALID.replace("path: /api/items", "path: /api/items, headers: {Authorization: "
                                + "\"Bearer ${env:NO_SUCH_TOKEN}\"}"), 7, 66,
                        "The environment variable NO_SUCH_TOKEN is not set"),
                Arguments.of("unclosed interpolation", VALID.replace("/api/items", "\"/api/items/${rand:1..5\""), 7,
                        29, "'${' at position 12 is never closed"),
                Arguments.of("backwards random range", VALID.replace("/api/items", "\"/api/items/${rand:9..1}\""), 7,
                        29, "'${rand:9..1}' runs backwards"),
                Arguments.of("unknown interpolation", VALID.replace("/api/items", "\"/api/${user}\""), 7, 29,
                        "'${user}' is not an interpolation loadstream knows"),
                Arguments.of("data column without data file", VALID.replace("/api/items", "\"/u/${data:id}\""), 7, 29,
                        "'${data:id}' needs a data file"),
                Arguments.of("duplicate scenario names", VALID + """
                          - name: browse
                            steps: [{method: GET, path: /}]
                        """, 8, 11, "Another scenario is already named 'browse' (line 5)"),
                Arguments.of("duplicate key", VALID + "name: q\n", 8, 1, "The key 'name' appears twice here"),
                Arguments.of("weight of text", VALID.replace("- name: browse", "- name: browse\n    weight: heavy"),
                        6, 13, "weight must be a whole number, not text ('heavy')."),
                Arguments.of("check without conditions", VALID.replace("path: /api/items", "path: /api/items, "
                        + "check: {}"), 7, 48, "A check needs status, body_contains or both."),
                Arguments.of("for without window", VALID + """
                        thresholds:
                          http_req_duration: [{threshold: "p(95)<500", for: 1m}]
                        """, 9, 48, "'for' applies to windowed thresholds"),
                Arguments.of("threshold on an endpoint no step produces", VALID + """
                        thresholds:
                          "http_req_duration{endpoint:GET /api/item}": ["p(95)<500"]
                        """, 9, 3, "names an endpoint that no step produces; did you mean 'GET /api/items'? "
                        + "Endpoints: GET /api/items."),
                Arguments.of("threshold on a missing scenario", VALID + """
                        thresholds:
                          "http_req_failed{scenario:brows}": ["rate<0.01"]
                        """, 9, 3, "names no scenario of the plan; did you mean 'browse'?"),
                Arguments.of("missing data file", VALID + "data: {file: missing.csv}\n", 8, 14,
                        "missing.csv does not exist."),
                Arguments.of("connect timeout above timeout", VALID + "defaults: {timeout: 1s, connect_timeout: 5s}\n",
                        8, 42, "connect_timeout (5s) is longer than timeout (1s)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedPlans")
    void aMalformedPlanNamesItsMistakeAndWhereItIs(String mistake, String yaml, int line, int column,
                                                  String message) {
        PlanException error = catchThrowableOfType(PlanException.class,
                () -> PlanParser.parse(yaml, "plan.yaml", Path.of("target"), Map.of(), ThresholdSyntax.ANY));

        assertThat(error).as(mistake).isNotNull();
        assertThat(error.errors()).as(mistake).anySatisfy(e -> {
            assertThat(e.message()).contains(message);
            assertThat(e.location()).isEqualTo(new Location("plan.yaml", line, column));
        });
    }
}
