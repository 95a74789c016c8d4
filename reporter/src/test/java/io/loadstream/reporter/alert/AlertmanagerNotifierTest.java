package io.loadstream.reporter.alert;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loadstream.events.Alert;
import io.loadstream.schemas.fixtures.EventFixtures;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Alertmanager subscriber against real HTTP servers on 127.0.0.1 standing in for Alertmanagers: what it posts,
 * the periodic re-send, the end of a run, retries, and a failing Alertmanager beside a working one. Every body it
 * posts is checked against Alertmanager's {@code postableAlerts} schema ({@link AlertmanagerSchemas}).
 */
class AlertmanagerNotifierTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "Bearer am-t0ken-never-logged";
    private static final Duration WAIT = Duration.ofSeconds(90);

    private final long now = EventFixtures.nowMs();
    private final Clock clock = Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC);
    private final List<String> gaveUp = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private LoopbackReceiver receiver(java.util.function.IntUnaryOperator statusOf) throws Exception {
        LoopbackReceiver receiver = new LoopbackReceiver(statusOf);
        open.add(receiver);
        return receiver;
    }

    private AlertmanagerNotifier notifier(Duration resend, URI... urls) {
        AlertmanagerSettings settings = AlertmanagerSettings.DEFAULT.withUrls(List.of(urls))
                .withAuthorization(Optional.of(TOKEN))
                .withTimings(resend, Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(10))
                .withGeneratorUrl("file:///tmp/out/report.html");
        AlertmanagerNotifier notifier = new AlertmanagerNotifier(settings, clock, f -> gaveUp.add(f.message()));
        open.add(0, notifier);
        return notifier;
    }

    /** Every alert of every accepted post, in order, each body validated against the schema first. */
    private static List<JsonNode> postedAlerts(LoopbackReceiver receiver) throws Exception {
        List<JsonNode> alerts = new ArrayList<>();
        for (LoopbackReceiver.Received r : receiver.received()) {
            assertThat(AlertmanagerSchemas.postableAlerts(r.body())).as(r.body()).isEmpty();
            if (r.answeredWith() == 200) {
                JSON.readTree(r.body()).forEach(alerts::add);
            }
        }
        return alerts;
    }

    @Test
    void postsEachChangeToTheAlertsApiWithTheRoutingLabelsAndTheAuthorization() throws Exception {
        LoopbackReceiver am = receiver(n -> 200);
        AlertmanagerNotifier notifier = notifier(Duration.ofHours(1), am.base());

        notifier.accept(TestAlerts.firing("weekly-42", "p(95)<900", now - 20_000));
        await().atMost(WAIT).until(() -> am.received().size() == 1);
        notifier.accept(TestAlerts.resolved("weekly-42", "p(95)<900", now - 20_000, now));
        assertThat(notifier.awaitIdle(WAIT)).isTrue();

        assertThat(am.received()).extracting(LoopbackReceiver.Received::path).containsOnly("/api/v2/alerts");
        assertThat(am.received()).extracting(LoopbackReceiver.Received::authorization).containsOnly(TOKEN);
        List<JsonNode> alerts = postedAlerts(am);
        assertThat(alerts).hasSize(2);
        JsonNode firing = alerts.get(0);
        assertThat(firing.path("labels").path("alertname").asText()).isEqualTo(Alerts.ALERT_NAME);
        assertThat(firing.path("labels").path("run_id").asText()).isEqualTo("weekly-42");
        assertThat(firing.path("labels").path("plan").asText()).isEqualTo(TestAlerts.PLAN);
        assertThat(firing.path("labels").path("endpoint").asText()).isEqualTo(TestAlerts.ENDPOINT);
        assertThat(firing.path("labels").path("metric").asText()).isEqualTo("http_req_duration");
        assertThat(firing.path("labels").path("severity").asText()).isEqualTo("critical");
        assertThat(firing.path("annotations").path("expression").asText()).isEqualTo("p(95)<900");
        assertThat(firing.path("annotations").path("observed").asText()).isEqualTo("1240.5");
        assertThat(firing.path("annotations").path("summary").asText()).contains("failed");
        assertThat(firing.path("generatorURL").asText()).isEqualTo("file:///tmp/out/report.html");
        assertThat(Instant.parse(firing.path("startsAt").asText()).toEpochMilli()).isEqualTo(now - 20_000);
        assertThat(firing.has("endsAt")).as("a firing alert has no end").isFalse();
        JsonNode resolved = alerts.get(1);
        assertThat(resolved.path("labels")).isEqualTo(firing.path("labels"));
        assertThat(Instant.parse(resolved.path("endsAt").asText()).toEpochMilli()).isEqualTo(now);
    }

    @Test
    void activeAlertsArePostedAgainUntilTheyResolveAndNoLonger() throws Exception {
        LoopbackReceiver am = receiver(n -> 200);
        AlertmanagerNotifier notifier = notifier(Duration.ofMillis(100), am.base());
        Alert slow = TestAlerts.firing("weekly-42", "p(95)<900", now - 20_000);
        Alert failing = TestAlerts.firing("weekly-42", "p(99)<1500", now - 10_000);

        notifier.accept(slow);
        await().atMost(WAIT).until(() -> postedAlerts(am).size() >= 3);
        notifier.accept(TestAlerts.resolved("weekly-42", "p(95)<900", now - 20_000, now));
        assertThat(notifier.awaitIdle(WAIT)).isTrue();
        notifier.accept(failing);
        int before = am.received().size();
        await().atMost(WAIT).until(() -> am.received().size() >= before + 3);

        List<JsonNode> posted = postedAlerts(am);
        List<JsonNode> after = posted.subList(posted.size() - 2, posted.size());
        assertThat(after).allSatisfy(a -> assertThat(a.path("annotations").path("expression").asText())
                .as("only the alert still firing is re-sent").isEqualTo("p(99)<1500"));
    }

    @Test
    void theEndOfTheRunEndsEveryAlertStillFiring() throws Exception {
        LoopbackReceiver am = receiver(n -> 200);
        AlertmanagerNotifier notifier = notifier(Duration.ofSeconds(60), am.base());
        notifier.accept(TestAlerts.firing("weekly-42", "p(95)<900", now - 600_000));
        notifier.accept(TestAlerts.firing("weekly-42", "p(99)<1500", now - 1_000));

        notifier.endActive();
        notifier.accept(TestAlerts.firing("weekly-42", "p(90)<800", now));
        assertThat(notifier.awaitIdle(WAIT)).isTrue();

        List<JsonNode> alerts = postedAlerts(am);
        JsonNode old = last(alerts, "p(95)<900");
        JsonNode recent = last(alerts, "p(99)<1500");
        assertThat(Instant.parse(old.path("endsAt").asText()).toEpochMilli()).isEqualTo(now);
        assertThat(Instant.parse(recent.path("endsAt").asText()).toEpochMilli())
                .as("one re-send interval after it fired, to outlive group_wait").isEqualTo(now - 1_000 + 60_000);
        assertThat(alerts).noneSatisfy(a -> assertThat(a.path("annotations").path("expression").asText())
                .isEqualTo("p(90)<800"));
    }

    @Test
    void aFailedPostIsRetriedWithBackoffUntilTheAlertmanagerAnswers() throws Exception {
        LoopbackReceiver am = receiver(n -> n <= 3 ? 503 : 200);
        AlertmanagerNotifier notifier = notifier(Duration.ofHours(1), am.base());

        notifier.accept(TestAlerts.firing("weekly-42", "p(95)<900", now - 20_000));
        assertThat(notifier.awaitIdle(WAIT)).isTrue();

        assertThat(am.received()).extracting(LoopbackReceiver.Received::answeredWith).containsExactly(503, 503, 503,
                200);
        assertThat(postedAlerts(am)).hasSize(1);
        assertThat(notifier.delivered()).isEqualTo(1);
        assertThat(gaveUp).isEmpty();
        assertThat(notifier.backoff(1)).isEqualTo(Duration.ofMillis(20));
        assertThat(notifier.backoff(3)).isEqualTo(Duration.ofMillis(80));
        assertThat(notifier.backoff(30)).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void anAlertmanagerThatRefusesThePayloadIsReportedWithoutTheCredentials() throws Exception {
        LoopbackReceiver am = receiver(n -> 400);
        AlertmanagerNotifier notifier = notifier(Duration.ofHours(1), am.base());

        notifier.accept(TestAlerts.firing("weekly-42", "p(95)<900", now - 20_000));
        assertThat(notifier.awaitIdle(WAIT)).isTrue();

        assertThat(am.received()).hasSize(1);
        // The give-up is reported from the subscriber's thread, possibly just after the queue went idle.
        await().atMost(WAIT).untilAsserted(() -> assertThat(gaveUp).hasSize(1));
        assertThat(gaveUp).singleElement().satisfies(message -> {
            assertThat(message).contains("refused", "HTTP status 400");
            assertThat(message).doesNotContain("t0ken");
        });
        assertThat(notifier.failures()).isEqualTo(gaveUp);
    }

    @Test
    void anUnreachableAlertmanagerDelaysNeitherTheCallerNorAnotherAlertmanager() throws Exception {
        LoopbackReceiver down = receiver(n -> 503);
        LoopbackReceiver up = receiver(n -> 200);
        AlertmanagerNotifier notifier = notifier(Duration.ofHours(1), down.base(), up.base());

        notifier.accept(TestAlerts.firing("weekly-42", "p(95)<900", now - 20_000));
        notifier.accept(TestAlerts.resolved("weekly-42", "p(95)<900", now - 20_000, now));

        await().atMost(WAIT).until(() -> postedAlerts(up).stream().anyMatch(a -> a.has("endsAt")));
        await().atMost(WAIT).until(() -> down.received().size() >= 3);
        assertThat(notifier.awaitIdle(Duration.ofMillis(1))).as("the failing one still retries").isFalse();
        assertThat(gaveUp).isEmpty();
    }

    @Test
    void theWebhookPayloadHasAlertmanagersVersion4ShapeAndTheSchemaCheckCatchesAnythingElse() {
        Alert firing = TestAlerts.firing("weekly-42", "p(95)<900", now - 20_000);
        Alert resolved = TestAlerts.resolved("weekly-42", "p(95)<900", now - 20_000, now);
        String webhookFiring = new String(AlertmanagerPayload.bytes(firing, ""), UTF_8);
        String webhookResolved = new String(AlertmanagerPayload.bytes(resolved, "http://ci/report"),
                UTF_8);

        assertThat(AlertmanagerSchemas.webhookV4(webhookFiring)).isEmpty();
        assertThat(AlertmanagerSchemas.webhookV4(webhookResolved)).isEmpty();
        assertThat(AlertmanagerSchemas.postableAlerts(new String(AlertmanagerPayload.postable(List.of(firing,
                resolved), ""), UTF_8))).isEmpty();
        // The checks are not vacuous: each finds what breaks the format.
        assertThat(AlertmanagerSchemas.webhookV4(webhookFiring.replace("\"fingerprint\"", "\"fp\""))).isNotEmpty();
        assertThat(AlertmanagerSchemas.webhookV4(webhookFiring.replace("\"version\":\"4\"", "\"version\":4")))
                .isNotEmpty();
        assertThat(AlertmanagerSchemas.postableAlerts("[{\"annotations\":{}}]")).isNotEmpty();
        assertThat(AlertmanagerSchemas.postableAlerts("[{\"labels\":{\"bad-name\":\"x\"}}]")).isNotEmpty();
        assertThat(AlertmanagerSchemas.postableAlerts("[{\"labels\":{\"a\":\"x\"},\"endsAt\":\"yesterday\"}]"))
                .isNotEmpty();
    }

    private static JsonNode last(List<JsonNode> alerts, String expression) {
        JsonNode found = null;
        for (JsonNode alert : alerts) {
            if (alert.path("annotations").path("expression").asText().equals(expression)) {
                found = alert;
            }
        }
        assertThat(found).as("an alert of " + expression).isNotNull();
        return found;
    }
}
