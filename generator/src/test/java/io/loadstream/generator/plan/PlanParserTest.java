package io.loadstream.generator.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A valid plan parses into the model, defaults applied; secrets never show in what the model prints. */
class PlanParserTest {

    static final String DESIGN_EXAMPLE = """
            name: softfactory-weekly
            target: http://127.0.0.1:8088
            defaults:
              headers: {Authorization: "Bearer ${env:API_TOKEN}", Content-Type: application/json}
              timeout: 10s
              think_time: 1s
            load:
              executor: ramping-vus
              stages: [{duration: 1m, target: 10}, {duration: 1m, target: 50}, {duration: 2m, target: 100}, \
            {duration: 1m, target: 0}]
            scenarios:
              - name: typical_user
                weight: 50
                steps:
                  - {method: GET, path: "/api/review/campaigns?page=${rand:1..5}", name: "GET /api/review/campaigns"}
                  - {method: POST, path: /api/sns/posts, body: '{"text":"hi"}', check: {status: 201}}
                  - {method: GET, path: /api/sns/posts/42}
            thresholds:
              http_req_duration: ["p(95)<500", "p(99)<1000"]
              http_req_failed: ["rate<0.01"]
              "http_req_duration{endpoint:GET /api/review/campaigns}": [{threshold: "p(95)<900", window: 30s, \
            for: 1m, abort_on_fail: true}]
            report:
              slow_request_ms: 1000
              slow_endpoint_p95_ms: 500
            """;

    private static final Map<String, String> ENV = Map.of("API_TOKEN", "s3cr3t-token-value");

    @Test
    void parsesTheDesignExampleWithDefaultsApplied() throws Exception {
        Plan plan = PlanParser.parse(DESIGN_EXAMPLE, "plan.yaml", Path.of("."), ENV, ThresholdSyntax.ANY);

        assertThat(plan.name()).isEqualTo("softfactory-weekly");
        assertThat(plan.target()).isEqualTo(URI.create("http://127.0.0.1:8088"));
        assertThat(plan.defaults().timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(plan.defaults().connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(plan.defaults().thinkTime()).isEqualTo(ThinkTime.fixed(Duration.ofSeconds(1)));
        assertThat(plan.defaults().headers().get("Authorization").render(null)).isEqualTo("Bearer s3cr3t-token-value");
        assertThat(plan.load().executor()).isEqualTo(Executor.RAMPING_VUS);
        assertThat(plan.load().stages()).extracting(Stage::target).containsExactly(10.0, 50.0, 100.0, 0.0);
        assertThat(plan.load().totalDuration()).isEqualTo(Duration.ofMinutes(5));
        assertThat(plan.load().peakVus()).isEqualTo(100);
        assertThat(plan.load().gracefulStop()).isEqualTo(Duration.ofSeconds(30));

        Scenario scenario = plan.scenarios().get(0);
        assertThat(scenario.weight()).isEqualTo(50);
        assertThat(scenario.steps()).extracting(Step::endpoint)
                .containsExactly("GET /api/review/campaigns", "POST /api/sns/posts", "GET /api/sns/posts/{id}");
        Step post = scenario.steps().get(1);
        assertThat(post.check().statuses()).containsExactly(201);
        assertThat(post.body().render(null)).isEqualTo("{\"text\":\"hi\"}");
        assertThat(post.location().line()).isEqualTo(15);
        assertThat(scenario.steps().get(0).path().isConstant()).isFalse();

        assertThat(plan.thresholds()).hasSize(4);
        ThresholdDef windowed = plan.thresholds().get(3);
        assertThat(windowed.metric()).isEqualTo("http_req_duration{endpoint:GET /api/review/campaigns}");
        assertThat(windowed.expression()).isEqualTo("p(95)<900");
        assertThat(windowed.window()).isEqualTo(Duration.ofSeconds(30));
        assertThat(windowed.forDuration()).isEqualTo(Duration.ofMinutes(1));
        assertThat(windowed.abortOnFail()).isTrue();
        assertThat(plan.report()).isEqualTo(ReportSettings.DEFAULT);
    }

    @Test
    void randomRangesRenderWithinTheirBoundsOnEveryRequest() throws Exception {
        Plan plan = PlanParser.parse(DESIGN_EXAMPLE, "plan.yaml", Path.of("."), ENV, ThresholdSyntax.ANY);
        Template path = plan.scenarios().get(0).steps().get(0).path();
        java.util.Random random = new java.util.Random(7);
        Template.Context context = new Template.Context() {
            @Override
            public long randomBetween(long min, long max) {
                return min + (long) (random.nextDouble() * (max - min + 1));
            }

            @Override
            public String data(String column) {
                throw new AssertionError("no data in this plan");
            }
        };
        java.util.Set<String> seen = new java.util.TreeSet<>();
        for (int i = 0; i < 200; i++) {
            seen.add(path.render(context));
        }
        assertThat(seen).containsExactly("/api/review/campaigns?page=1", "/api/review/campaigns?page=2",
                "/api/review/campaigns?page=3", "/api/review/campaigns?page=4", "/api/review/campaigns?page=5");
    }

    @Test
    void secretsNeverShowInDisplayOrToStringAndTheRedactorMasksThem() throws Exception {
        Plan plan = PlanParser.parse(DESIGN_EXAMPLE, "plan.yaml", Path.of("."), ENV, ThresholdSyntax.ANY);

        assertThat(plan.toString()).doesNotContain("s3cr3t-token-value");
        assertThat(plan.defaults().headers().get("Authorization").display()).isEqualTo("Bearer ${env:API_TOKEN}");
        Redactor redactor = Redactor.forPlan(plan);
        assertThat(redactor.redact("header Authorization: Bearer s3cr3t-token-value failed"))
                .isEqualTo("header Authorization: *** failed");
        assertThat(String.join("\n", PlanSummary.lines(plan))).doesNotContain("s3cr3t");
    }

    @Test
    void readsDataFeedersAndRefersToTheirColumns(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("users.csv"), "user,password\nalice,a1\nbob,\"b,2\"\n");
        Path planFile = dir.resolve("plan.yaml");
        Files.writeString(planFile, """
                name: feeder
                target: https://localhost:8443
                data: {file: users.csv, mode: once}
                load: {executor: constant-arrival-rate, rate: 50, duration: 10s, max_vus: 20}
                scenarios:
                  - name: login
                    steps:
                      - method: post
                        path: /login
                        query: {user: "${data:user}"}
                        body: {user: "${data:user}", password: "${data:password}"}
                        check: {status: [200, 204], body_contains: ok}
                        think_time: {min: 500ms, max: 1.5s}
                """);

        Plan plan = PlanParser.parse(planFile, Map.of(), ThresholdSyntax.ANY);

        assertThat(plan.data().columns()).containsExactly("user", "password");
        assertThat(plan.data().rows()).containsExactly(List.of("alice", "a1"), List.of("bob", "b,2"));
        assertThat(plan.data().mode()).isEqualTo(DataSource.Mode.ONCE);
        Step step = plan.scenarios().get(0).steps().get(0);
        assertThat(step.endpoint()).isEqualTo("POST /login");
        Template.Context bob = new Template.Context() {
            @Override
            public long randomBetween(long min, long max) {
                return min;
            }

            @Override
            public String data(String column) {
                return column.equals("user") ? "bob" : "b,2";
            }
        };
        assertThat(step.path().render(bob)).isEqualTo("/login?user=bob");
        assertThat(step.body().render(bob)).isEqualTo("{\"user\":\"bob\",\"password\":\"b,2\"}");
        assertThat(step.check().statuses()).containsExactlyInAnyOrder(200, 204);
        assertThat(step.thinkTime()).isEqualTo(new ThinkTime(Duration.ofMillis(500), Duration.ofMillis(1500)));
        assertThat(plan.load().maxVus()).isEqualTo(20);
        assertThat(plan.load().preAllocatedVus()).isEqualTo(20);
        assertThat(plan.load().timeUnit()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void thresholdSyntaxErrorsArePlanErrorsAtTheExpression() {
        ThresholdSyntax strict = (metric, expression) -> expression.startsWith("p(95)")
                ? Optional.empty() : Optional.of("the aggregation is unknown.");

        assertThatThrownBy(() -> PlanParser.parse(DESIGN_EXAMPLE, "plan.yaml", Path.of("."), ENV, strict))
                .isInstanceOfSatisfying(PlanException.class, e -> assertThat(e.errors())
                        .extracting(PlanError::toString)
                        .contains("plan.yaml:18:36: Threshold 'http_req_duration: p(99)<1000': the aggregation is"
                                + " unknown.",
                                "plan.yaml:19:21: Threshold 'http_req_failed: rate<0.01': the aggregation is "
                                        + "unknown."));
    }

    @Test
    void aPathThatMakesNoValidUrlIsAPlanErrorThatDoesNotShowTheSecretInIt() {
        String plan = """
                name: p
                target: http://127.0.0.1:8080
                load: {executor: constant-vus, vus: 1, duration: 1s}
                scenarios: [{name: s, steps: [{method: GET, path: "/items/${env:ITEM}"}, {method: GET, path: "/a b"}]}]
                """;

        assertThatThrownBy(() -> PlanParser.parse(plan, "plan.yaml", Path.of("."), Map.of("ITEM", "secret value"),
                ThresholdSyntax.ANY))
                .isInstanceOfSatisfying(PlanException.class, e -> assertThat(e.errors()).hasSize(2))
                .hasMessageContaining("plan.yaml:4:")
                .hasMessageContaining("The path /items/${env:ITEM} does not make a valid URL (illegal character in "
                        + "path); a value from the environment in a path must be percent-encoded")
                .hasMessageContaining("The path /a b does not make a valid URL")
                .hasMessageNotContaining("secret value");
    }

    @Test
    void aMissingFileIsAnErrorNamingIt(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> PlanParser.parse(missing, Map.of(), ThresholdSyntax.ANY))
                .isInstanceOf(PlanException.class).hasMessage(missing + ":0:0: There is no such file.");
    }
}
