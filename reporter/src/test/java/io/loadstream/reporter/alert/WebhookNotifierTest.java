package io.loadstream.reporter.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loadstream.events.Alert;
import io.loadstream.events.AlertStatus;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Webhooks against a real Jetty receiver on 127.0.0.1: the payload, the signature, retries and giving up. */
class WebhookNotifierTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long STARTS = 1_764_000_060_000L;

    /** One request as the receiver saw it. */
    record Received(int answeredWith, String body, String signature) {
    }

    private Server server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private WebhookNotifier notifier;

    /** Starts a receiver that answers the n-th request (from 1) with {@code statusOf.applyAsInt(n)}. */
    private URI receiver(IntUnaryOperator statusOf) throws Exception {
        AtomicInteger requests = new AtomicInteger();
        server = new Server(new InetSocketAddress("127.0.0.1", 0));
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String body = Content.Source.asString(request, StandardCharsets.UTF_8);
                int status = statusOf.applyAsInt(requests.incrementAndGet());
                received.add(new Received(status, body, request.getHeaders().get(WebhookNotifier.SIGNATURE_HEADER)));
                response.setStatus(status);
                callback.succeeded();
                return true;
            }
        });
        server.start();
        int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
        return URI.create("http://127.0.0.1:" + port + "/hooks/loadstream");
    }

    @AfterEach
    void stop() throws Exception {
        if (notifier != null) {
            notifier.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    private static Alert alert(AlertStatus status) {
        return Alert.newBuilder()
                .setRunId("weekly-42")
                .setFingerprint("0123456789abcdef")
                .setRule("http_req_duration{endpoint:GET /api/sns/analytics} p(95)<900")
                .setMetric("http_req_duration{endpoint:GET /api/sns/analytics}")
                .setExpression("p(95)<900")
                .setScope("endpoint:GET /api/sns/analytics")
                .setStatus(status)
                .setObserved(status == AlertStatus.FIRING ? 1240.5 : 310)
                .setStartsAtMs(STARTS)
                .setEndsAtMs(status == AlertStatus.FIRING ? 0 : STARTS + 90_000)
                .setWindowMs(30_000)
                .setForMs(60_000)
                .setAbortOnFail(true)
                .setSummary(status == AlertStatus.FIRING ? "it is slow" : "it is fast again")
                .setLabels(Map.of("alertname", "LoadstreamThreshold", "run_id", "weekly-42",
                        "endpoint", "GET /api/sns/analytics", "severity", "critical"))
                .build();
    }

    private WebhookSettings settings(URI url, String secret, int attempts) {
        return WebhookSettings.DEFAULT.withUrls(List.of(url))
                .withSecret(secret.getBytes(StandardCharsets.UTF_8))
                .withRetries(attempts, Duration.ofMillis(20), Duration.ofMillis(80), Duration.ofSeconds(5));
    }

    @Test
    void theReceiverGetsTheExactAlertmanagerPayloadSigned() throws Exception {
        URI url = receiver(n -> 200);
        notifier = new WebhookNotifier(settings(url, "s3cret", 3), message -> { });

        notifier.accept(alert(AlertStatus.FIRING));

        assertThat(notifier.awaitIdle(Duration.ofSeconds(60))).isTrue();
        assertThat(received).hasSize(1);
        JsonNode expected = JSON.readTree("""
                {"version":"4","groupKey":"{}:{run_id=\\"weekly-42\\"}","truncatedAlerts":0,"status":"firing",
                 "receiver":"loadstream","groupLabels":{"run_id":"weekly-42"},
                 "commonLabels":{"alertname":"LoadstreamThreshold","endpoint":"GET /api/sns/analytics",
                                 "run_id":"weekly-42","severity":"critical"},
                 "commonAnnotations":{"expression":"p(95)<900","for":"60s","observed":"1240.5",
                   "rule":"http_req_duration{endpoint:GET /api/sns/analytics} p(95)<900",
                   "summary":"it is slow","window":"30s"},
                 "externalURL":"",
                 "alerts":[{"status":"firing",
                   "labels":{"alertname":"LoadstreamThreshold","endpoint":"GET /api/sns/analytics",
                             "run_id":"weekly-42","severity":"critical"},
                   "annotations":{"expression":"p(95)<900","for":"60s","observed":"1240.5",
                     "rule":"http_req_duration{endpoint:GET /api/sns/analytics} p(95)<900",
                     "summary":"it is slow","window":"30s"},
                   "startsAt":"2025-11-24T16:01:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"",
                   "fingerprint":"0123456789abcdef"}]}
                """);
        Received request = received.get(0);
        assertThat(JSON.readTree(request.body())).isEqualTo(expected);
        assertThat(AlertmanagerSchemas.webhookV4(request.body())).isEmpty();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("s3cret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String hex = HexFormat.of().formatHex(mac.doFinal(request.body().getBytes(StandardCharsets.UTF_8)));
        assertThat(request.signature()).isEqualTo("sha256=" + hex);
    }

    @Test
    void aReceiverThatFailsTwiceGetsEachStateExactlyOnceInOrder() throws Exception {
        // given: the first two requests fail with 500, every later one succeeds
        URI url = receiver(n -> n <= 2 ? 500 : 200);
        notifier = new WebhookNotifier(settings(url, "", 5), message -> { });

        // when: firing (twice, as a replay would), then resolved (twice)
        notifier.accept(alert(AlertStatus.FIRING));
        notifier.accept(alert(AlertStatus.FIRING));
        notifier.accept(alert(AlertStatus.RESOLVED));
        notifier.accept(alert(AlertStatus.RESOLVED));

        // then: two failed attempts, then firing and resolved accepted once each, in that order
        assertThat(notifier.awaitIdle(Duration.ofSeconds(60))).isTrue();
        List<String> accepted = received.stream().filter(r -> r.answeredWith() == 200)
                .map(r -> status(r.body())).toList();
        assertThat(accepted).containsExactly("firing", "resolved");
        assertThat(received).hasSize(4);
        assertThat(received.subList(0, 2)).allSatisfy(r -> assertThat(status(r.body())).isEqualTo("firing"));
        assertThat(received.get(0).signature()).isNull();
        assertThat(notifier.delivered()).isEqualTo(2);
        assertThat(notifier.failures()).isEmpty();
    }

    @Test
    void itGivesUpLoudlyAfterTheLastAttempt() throws Exception {
        URI url = receiver(n -> 503);
        List<String> told = new CopyOnWriteArrayList<>();
        notifier = new WebhookNotifier(settings(url, "", 3), told::add);

        notifier.accept(alert(AlertStatus.FIRING));

        assertThat(notifier.awaitIdle(Duration.ofSeconds(60))).isTrue();
        assertThat(received).hasSize(3);
        assertThat(notifier.attempts()).isEqualTo(3);
        assertThat(told).singleElement().asString().contains("Gave up").contains("after 3 attempts")
                .contains("HTTP status 503").contains(url.toString());
        assertThat(notifier.failures()).isEqualTo(told);
    }

    @Test
    void backoffDoublesUpToItsCap() throws Exception {
        notifier = new WebhookNotifier(settings(URI.create("http://127.0.0.1:9/"), "", 5), message -> { });

        assertThat(List.of(notifier.backoff(1), notifier.backoff(2), notifier.backoff(3), notifier.backoff(4)))
                .containsExactly(Duration.ofMillis(20), Duration.ofMillis(40), Duration.ofMillis(80),
                        Duration.ofMillis(80));
    }

    private static String status(String body) {
        try {
            return JSON.readTree(body).get("status").asText();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
