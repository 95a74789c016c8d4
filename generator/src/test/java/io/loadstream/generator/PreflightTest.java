package io.loadstream.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.generator.http.Preflight;
import io.loadstream.generator.plan.Defaults;
import io.loadstream.generator.plan.Plan;
import io.loadstream.generator.plan.Scenario;
import io.loadstream.generator.plan.Template;
import io.loadstream.generator.plan.ThinkTime;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The preflight request against real loopback servers: each common misconfiguration gets a sentence that names
 * its likely cause, and a server that answers passes.
 */
@ExtendWith(LoopbackExtension.class)
class PreflightTest {

    private Loopback server;

    @BeforeEach
    void start(Loopback target) {
        server = target;
    }

    @Test
    void aServerThatAnswersPasses() {
        Preflight.Outcome outcome = Preflight.check(plan(server.url(), Plans.defaults(Duration.ofSeconds(5)),
                "/status/200"));

        assertThat(outcome.passed()).isTrue();
        assertThat(outcome.status()).isEqualTo(200);
        assertThat(outcome.message()).startsWith("Preflight: GET " + server.url() + "/status/200 answered 200 in");
    }

    @Test
    void aSecretInThePathOrQueryIsMaskedInTheLine() throws Exception {
        Plan plan = io.loadstream.generator.plan.PlanParser.parse("""
                name: p
                target: %s
                load: {executor: constant-vus, vus: 1, duration: 1s}
                scenarios:
                  - name: s
                    steps:
                      - {method: GET, path: "/status/200?token=${env:TOKEN}&key=${env:KEY}"}
                """.formatted(server.url()), "plan.yaml", java.nio.file.Path.of("."),
                Map.of("TOKEN", "canary-7f3a9", "KEY", "k/e+y1"), io.loadstream.generator.plan.ThresholdSyntax.ANY);

        Preflight.Outcome outcome = Preflight.check(plan);

        assertThat(outcome.passed()).isTrue();
        assertThat(outcome.message()).contains("?token=***&key=***").doesNotContain("canary-7f3a9")
                .doesNotContain("k/e+y1");
    }

    @Test
    void aServerErrorIsReportedButDoesNotStopTheRun() {
        Preflight.Outcome outcome = Preflight.check(plan(server.url(), Plans.defaults(Duration.ofSeconds(5)),
                "/status/503"));

        assertThat(outcome.passed()).isTrue();
        assertThat(outcome.message()).contains("answered 503").contains("the load starts anyway");
    }

    @Test
    void a401WithoutAnAuthorizationHeaderSaysThePlanSendsNone() {
        Preflight.Outcome outcome = Preflight.check(plan(server.url(), Plans.defaults(Duration.ofSeconds(5)),
                "/status/401"));

        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.status()).isEqualTo(401);
        assertThat(outcome.message()).contains("answered 401 Unauthorized")
                .contains("the plan sends no Authorization header");
    }

    @Test
    void a401WithAnAuthorizationHeaderBlamesTheToken() {
        Defaults withToken = new Defaults(Map.of("Authorization", Template.literal("Bearer wrong")),
                Duration.ofSeconds(5), Duration.ofSeconds(2), ThinkTime.NONE, false, false,
                Defaults.DEFAULT_MAX_RESPONSE_BYTES);

        Preflight.Outcome outcome = Preflight.check(plan(server.url(), withToken, "/status/401"));

        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.message()).contains("refused the credentials").contains("Bearer <token>");
    }

    @Test
    void aRefusedConnectionAsksWhetherTheServerRuns() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        Preflight.Outcome outcome = Preflight.check(plan("http://127.0.0.1:" + closedPort,
                Plans.defaults(Duration.ofSeconds(5)), "/"));

        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.message()).contains("the connection to 127.0.0.1:" + closedPort + " was refused")
                .contains("is the server running");
    }

    @Test
    void httpsAgainstAPlainPortIsATlsFailure() {
        String https = server.url().replace("http://", "https://");

        Preflight.Outcome outcome = Preflight.check(plan(https, Plans.defaults(Duration.ofSeconds(5)), "/"));

        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.message()).contains("the TLS handshake with 127.0.0.1:" + server.port() + " failed");
    }

    @Test
    void aServerThatDoesNotAnswerInTimeIsATimeout() {
        Preflight.Outcome outcome = Preflight.check(plan(server.url(), Plans.defaults(Duration.ofMillis(300)),
                "/hang"));

        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.message()).contains("no answer within the plan's timeout of 300 ms");
    }

    @Test
    void anUnknownHostNamesTheHost() {
        // No name is looked up: the explanation of the resolver's failure is what is checked.
        Plan plan = plan("http://no-such-host.invalid:8080", Plans.defaults(Duration.ofSeconds(5)), "/");

        String sentence = Preflight.explain(new java.nio.channels.UnresolvedAddressException(),
                plan.target(), plan);

        assertThat(sentence).contains("the host 'no-such-host.invalid' is unknown");
    }

    @Test
    void theFirstGetStepIsTheOneSent() {
        Plan plan = Plans.plan(server.url(), Plans.defaults(Duration.ofSeconds(5)), Plans.constantVus(1,
                Duration.ofSeconds(1)), List.of(
                        new Scenario("writes", 1, List.of(Plans.step("POST", "/status/201", null,
                                io.loadstream.generator.plan.Check.NONE)), null),
                        new Scenario("reads", 1, List.of(Plans.step("POST", "/status/202", null,
                                io.loadstream.generator.plan.Check.NONE), Plans.get("/status/200")), null)));

        Preflight.Outcome outcome = Preflight.check(plan);

        assertThat(outcome.method()).isEqualTo("GET");
        assertThat(outcome.uri().getPath()).isEqualTo("/status/200");
    }

    private static Plan plan(String target, Defaults defaults, String path) {
        return Plans.plan(target, defaults, Plans.constantVus(1, Duration.ofSeconds(1)),
                List.of(new Scenario("main", 1, List.of(Plans.get(path)), null)));
    }
}
