package io.loadstream.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The demo target on a real Jetty server on 127.0.0.1: its catalogue, the token, and its answers. */
class DemoTargetTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<DemoTarget> started = new ArrayList<>();

    @AfterEach
    void stopTargets() {
        started.forEach(DemoTarget::close);
    }

    private DemoTarget start(DemoTargetOptions options) {
        DemoTarget target = DemoTarget.start(options);
        started.add(target);
        return target;
    }

    private static DemoTargetOptions onAFreePort() {
        return DemoTargetOptions.defaults().withPort(0).withSeed(42);
    }

    @Test
    void theCatalogueHasFiftyOrMoreEndpointsAcrossTheFiveServices() {
        List<DemoEndpoint> catalogue = DemoCatalogue.standard();

        assertThat(catalogue).hasSizeGreaterThanOrEqualTo(50);
        assertThat(catalogue.stream().map(DemoEndpoint::service).collect(Collectors.toSet()))
                .isEqualTo(EnumSet.allOf(DemoService.class));
        assertThat(catalogue.stream().map(DemoEndpoint::name).collect(Collectors.toSet())).hasSize(catalogue.size());
        for (DemoEndpoint endpoint : catalogue) {
            assertThat(endpoint.errorRate()).as(endpoint.name()).isBetween(0.0, 0.01);
            String prefix = switch (endpoint.service()) {
                case REVIEW -> "/api/review/";
                case SNS -> "/api/sns/";
                case DASHBOARD -> "/api/dashboard/";
                case USER -> "/api/users";
                case PUBLIC -> endpoint.path().equals("/health") ? "/health" : "/api/public/";
            };
            assertThat(endpoint.path()).as(endpoint.name()).startsWith(prefix);
        }
    }

    @Test
    void startsOnAFreePortAndReportsItsBaseUrlAndCatalogue() {
        DemoTarget target = start(onAFreePort());

        assertThat(target.port()).isPositive();
        assertThat(target.baseUrl().toString()).isEqualTo("http://127.0.0.1:" + target.port());
        assertThat(target.endpoints()).isEqualTo(DemoCatalogue.standard());
    }

    @Test
    void aTakenPortFailsWithOneSentence() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();

            assertThatThrownBy(() -> start(onAFreePort().withPort(port)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("Port " + port + " on 127.0.0.1 is already in use (or not allowed); stop what uses "
                            + "it or choose another port.");
        }
    }

    @Test
    void withoutTheRightTokenEveryApiAnswers401WithAJsonReason() throws Exception {
        DemoTarget target = start(onAFreePort());
        DemoHttp http = new DemoHttp(target);

        DemoHttp.Answer missing = http.send("GET", "/api/review/campaigns", null);
        DemoHttp.Answer wrong = http.send("GET", "/api/review/campaigns", "not-the-token");
        DemoHttp.Answer unknownPathWithoutToken = http.send("GET", "/api/nothing", null);

        assertThat(missing.status()).isEqualTo(401);
        assertThat(JSON.readTree(missing.body()).get("message").asText())
                .startsWith("The Authorization header is missing.");
        assertThat(missing.response().headers().firstValue("WWW-Authenticate")).hasValue(
                "Bearer realm=\"loadstream-demo\"");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(JSON.readTree(wrong.body()).get("message").asText()).startsWith("The Bearer token is wrong.");
        assertThat(unknownPathWithoutToken.status()).isEqualTo(401);
    }

    @Test
    void withTheRightTokenAnEndpointAnswers200WithJson() throws Exception {
        DemoTarget target = start(onAFreePort().withToken("s3cret"));
        DemoHttp http = new DemoHttp(target);

        DemoHttp.Answer list = http.send("GET", "/api/public/home", "s3cret");
        DemoHttp.Answer one = http.send("GET", "/api/users/0042/profile?fields=all", "s3cret");

        // The injected error rate of these endpoints is 0.1-0.2 %; seed 42 gives none in these two requests.
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.response().headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(JSON.readTree(list.body()).get("endpoint").asText()).isEqualTo("GET /api/public/home");
        assertThat(one.status()).isEqualTo(200);
        assertThat(JSON.readTree(one.body()).get("id").asLong()).isEqualTo(42);
    }

    @Test
    void theHealthCheckNeedsNoToken() throws Exception {
        DemoTarget target = start(onAFreePort());

        DemoHttp.Answer health = new DemoHttp(target).send("GET", "/health", null);

        assertThat(health.status()).isEqualTo(200);
        assertThat(JSON.readTree(health.body()).get("status").asText()).isEqualTo("UP");
    }

    @Test
    void anUnknownPathIs404AndAnotherMethodIs405WithAllow() throws Exception {
        DemoTarget target = start(onAFreePort());
        DemoHttp http = new DemoHttp(target);
        String token = DemoTarget.DEFAULT_TOKEN;

        DemoHttp.Answer unknown = http.send("GET", "/api/review/nothing", token);
        DemoHttp.Answer notAnId = http.send("GET", "/api/review/campaigns/abc", token);
        DemoHttp.Answer wrongMethod = http.send("PATCH", "/api/review/campaigns/7", token);

        assertThat(unknown.status()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).get("error").asText()).isEqualTo("not found");
        assertThat(notAnId.status()).isEqualTo(404);
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.response().headers().firstValue("Allow")).hasValue("DELETE, GET, PUT");
    }

    @Test
    void everyEndpointOfTheCatalogueAnswersItsMethod() throws Exception {
        DemoTarget target = start(onAFreePort().withWorkers(100));
        DemoHttp http = new DemoHttp(target);
        Map<DemoEndpoint, CompletableFuture<DemoHttp.Answer>> answers = new java.util.LinkedHashMap<>();

        for (DemoEndpoint endpoint : target.endpoints()) {
            answers.put(endpoint, http.sendAsync(endpoint.method(), endpoint.path().replace("{id}", "17"),
                    DemoTarget.DEFAULT_TOKEN));
        }

        Set<Long> createdIds = new HashSet<>();
        for (Map.Entry<DemoEndpoint, CompletableFuture<DemoHttp.Answer>> entry : answers.entrySet()) {
            DemoEndpoint endpoint = entry.getKey();
            DemoHttp.Answer answer = entry.getValue().get(60, TimeUnit.SECONDS);
            if (answer.status() >= 500) {
                // An injected error; those endpoints' rates are below 1 %.
                assertThat(answer.status()).as(endpoint.name()).isIn(500, 503);
                continue;
            }
            switch (endpoint.method()) {
                case "POST" -> {
                    assertThat(answer.status()).as(endpoint.name()).isEqualTo(201);
                    JsonNode body = JSON.readTree(answer.body());
                    assertThat(body.get("id").isIntegralNumber()).as(endpoint.name()).isTrue();
                    assertThat(createdIds.add(body.get("id").asLong())).as("ids are unique").isTrue();
                }
                case "DELETE" -> assertThat(answer.status()).as(endpoint.name()).isEqualTo(204);
                default -> {
                    assertThat(answer.status()).as(endpoint.name()).isEqualTo(200);
                    assertThat(JSON.readTree(answer.body()).isObject()).as(endpoint.name()).isTrue();
                }
            }
        }
        assertThat(createdIds).isNotEmpty();
    }

    @Test
    void optionsRejectValuesOutOfRange() {
        DemoTargetOptions options = DemoTargetOptions.defaults();

        assertThat(options.host()).isEqualTo("127.0.0.1");
        assertThat(options.port()).isEqualTo(8088);
        assertThat(options.token()).isEqualTo(DemoTarget.DEFAULT_TOKEN);
        assertThatThrownBy(() -> options.withPort(65_536)).hasMessageContaining("between 1 and 65535");
        assertThatThrownBy(() -> options.withWorkers(0)).hasMessageContaining("between 1 and");
        assertThatThrownBy(() -> options.withToken("a b")).hasMessageContaining("without spaces");
        assertThatThrownBy(() -> options.withHost(" ")).hasMessageContaining("host");
    }

    @Test
    void aTemplateMatchesNumericIdsOnlyWhereItSaysId() {
        DemoEndpoint endpoint = new DemoEndpoint("get", "/api/sns/analytics/posts/{id}", DemoService.SNS,
                LatencyProfile.fixed(1), 0);

        assertThat(endpoint.method()).isEqualTo("GET");
        assertThat(endpoint.name()).isEqualTo("GET /api/sns/analytics/posts/{id}");
        assertThat(endpoint.matchesPath("/api/sns/analytics/posts/42")).isTrue();
        assertThat(endpoint.matchesPath("/api/sns/analytics/posts/")).isFalse();
        assertThat(endpoint.matchesPath("/api/sns/analytics/posts/4x")).isFalse();
        assertThat(endpoint.matchesPath("/api/sns/analytics/posts/42/")).isFalse();
        assertThat(endpoint.matchesPath("/api/sns/analytics/accounts/42")).isFalse();
        assertThat(endpoint.matchesPath("/api/sns/analytics/posts")).isFalse();
    }

    @Test
    void aLatencyProfileStaysWithinItsBoundsAndAFixedOneNeverMoves() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        LatencyProfile profile = DemoCatalogue.SNS_ANALYTICS;

        for (int i = 0; i < 10_000; i++) {
            assertThat(profile.sampleMs(random)).isBetween(profile.minMs(), profile.maxMs());
            assertThat(LatencyProfile.fixed(200).sampleMs(random)).isEqualTo(200);
        }
        assertThatThrownBy(() -> new LatencyProfile(10, 5, 20, 30, 0)).hasMessageContaining("min <= median");
    }

    @Test
    void aLatencyProfileDrawsItsDeclaredMedianAndNinetyFifthPercentile() {
        // given: the public page's profile and a fixed seed
        LatencyProfile profile = DemoCatalogue.PUBLIC_PAGE;
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        int draws = 20_000;

        // when
        double[] samplesMs = new double[draws];
        for (int i = 0; i < draws; i++) {
            samplesMs[i] = profile.sampleMs(random);
        }

        // then: the sample's median and 95th percentile are the declared ones within 4 standard errors of a
        // lognormal sample quantile (sigma * sqrt(p (1 - p) / n) / phi(z_p) in the logarithm; phi(0) = 0.3989,
        // phi(z_0.95) = 0.1031); the rare outliers lie above the 95th percentile and barely move either
        var percentile = new org.apache.commons.math3.stat.descriptive.rank.Percentile();
        double medianTolerance = Math.exp(4 * profile.sigma() * Math.sqrt(0.25 / draws) / 0.3989);
        double p95Tolerance = Math.exp(4 * profile.sigma() * Math.sqrt(0.95 * 0.05 / draws) / 0.1031);
        assertThat(percentile.evaluate(samplesMs, 50))
                .isBetween(profile.medianMs() / medianTolerance, profile.medianMs() * medianTolerance);
        assertThat(percentile.evaluate(samplesMs, 95))
                .isBetween(profile.p95Ms() / p95Tolerance, profile.p95Ms() * p95Tolerance);
    }
}
