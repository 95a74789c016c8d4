package io.loadstream.reporter.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loadstream.events.Alert;
import io.loadstream.events.AlertStatus;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
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
    /** A retry time no test reaches. */
    private static final Duration LONG = Duration.ofMinutes(10);
    private static final Duration WAIT = Duration.ofSeconds(90);

    /** One request as the receiver saw it. */
    record Received(int answeredWith, String body, String signature, String idempotencyKey) {
    }

    private Server server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> open = new ArrayList<>();
    private WebhookNotifier notifier;

    /** Starts a receiver that answers the n-th request (from 1) with {@code statusOf.applyAsInt(n)}. */
    private URI receiver(IntUnaryOperator statusOf) throws Exception {
        server = start(0, statusOf, received, n -> { });
        return url(server);
    }

    /**
     * Starts a receiver on a port (0: any free one) that records into {@code into}; before answering the n-th
     * request it runs {@code before.accept(n)} (which may block: a hanging receiver).
     */
    private static Server start(int port, IntUnaryOperator statusOf, List<Received> into,
                                java.util.function.IntConsumer before) throws Exception {
        AtomicInteger requests = new AtomicInteger();
        Server started = new Server(new InetSocketAddress("127.0.0.1", port));
        started.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String body = Content.Source.asString(request, StandardCharsets.UTF_8);
                int n = requests.incrementAndGet();
                before.accept(n);
                int status = statusOf.applyAsInt(n);
                into.add(new Received(status, body, request.getHeaders().get(WebhookNotifier.SIGNATURE_HEADER),
                        request.getHeaders().get(WebhookNotifier.IDEMPOTENCY_HEADER)));
                response.setStatus(status);
                callback.succeeded();
                return true;
            }
        });
        started.start();
        return started;
    }

    private static URI url(Server server) {
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
        for (AutoCloseable c : open) {
            c.close();
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

    private WebhookSettings settings(URI url, String secret, Duration retryFor) {
        return WebhookSettings.DEFAULT.withUrls(List.of(url))
                .withSecret(secret.getBytes(StandardCharsets.UTF_8))
                .withRetries(retryFor, Duration.ofMillis(20), Duration.ofMillis(80), Duration.ofSeconds(5));
    }

    @Test
    void theReceiverGetsTheExactAlertmanagerPayloadSigned() throws Exception {
        URI url = receiver(n -> 200);
        notifier = new WebhookNotifier(settings(url, "s3cret", LONG), failure -> { });

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
        assertThat(request.idempotencyKey()).isEqualTo("0123456789abcdef-firing-" + STARTS);
    }

    @Test
    void aReceiverThatFailsTwiceGetsEachStateExactlyOnceInOrder() throws Exception {
        // given: the first two requests fail with 500, every later one succeeds
        URI url = receiver(n -> n <= 2 ? 500 : 200);
        notifier = new WebhookNotifier(settings(url, "", LONG), failure -> { });

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
    void aDeadReceiverIsRetriedForItsRetryTimeThenGivenUpOnceAndItsResolvedIsNeverSent() throws Exception {
        // given: a receiver that always answers 503, retried for 300 ms
        URI url = receiver(n -> 503);
        List<DeliveryFailure> told = new CopyOnWriteArrayList<>();
        notifier = new WebhookNotifier(settings(url, "", Duration.ofMillis(300)), told::add);

        // when: the alert fires, then resolves while the firing is still retried
        notifier.accept(alert(AlertStatus.FIRING));
        notifier.accept(alert(AlertStatus.RESOLVED));

        // then: only the firing was tried (several times); both are given up in one failure that names the URL
        assertThat(notifier.awaitIdle(WAIT)).isTrue();
        assertThat(received.size()).isGreaterThanOrEqualTo(2);
        assertThat(received).allSatisfy(r -> assertThat(status(r.body())).isEqualTo("firing"));
        assertThat(told).singleElement().satisfies(f -> {
            assertThat(f.notifications()).isEqualTo(2);
            assertThat(f.subscriber()).isEqualTo(url.toString());
            assertThat(f.message()).contains("Gave up", "HTTP status 503", url.toString());
        });
        assertThat(notifier.failures()).containsExactly(told.get(0).message());
    }

    @Test
    void aResolvedThatComesAfterItsFiringWasGivenUpIsWithheldAndCounted() throws Exception {
        URI url = receiver(n -> 503);
        List<DeliveryFailure> told = new CopyOnWriteArrayList<>();
        notifier = new WebhookNotifier(settings(url, "", Duration.ofMillis(300)), told::add);
        notifier.accept(alert(AlertStatus.FIRING));
        await().atMost(WAIT).until(() -> told.size() == 1);
        int tried = received.size();

        notifier.accept(alert(AlertStatus.RESOLVED));

        assertThat(notifier.awaitIdle(WAIT)).isTrue();
        assertThat(received).hasSize(tried);
        assertThat(told).extracting(DeliveryFailure::notifications).containsExactly(1, 1);
        assertThat(told.get(1).message()).contains("its firing was not delivered");
    }

    @Test
    void retriesOutlastARestartOfTheReceiverWhichThenGetsFiringAndResolvedInOrder() throws Exception {
        // given: a receiver that is down (its port refuses connections)
        Server first = start(0, n -> 200, received, n -> { });
        URI url = url(first);
        int port = url.getPort();
        first.stop();
        notifier = new WebhookNotifier(settings(url, "", LONG), failure -> fail("nothing is given up: " + failure));

        // when: the alert fires and resolves while it is down, and it comes back on the same port
        notifier.accept(alert(AlertStatus.FIRING));
        notifier.accept(alert(AlertStatus.RESOLVED));
        await().atMost(WAIT).until(() -> notifier.attempts() >= 3);
        assertThat(received).isEmpty();
        server = start(port, n -> 200, received, n -> { });

        // then: it gets firing, then resolved, once each
        assertThat(notifier.awaitIdle(WAIT)).isTrue();
        assertThat(received).extracting(r -> status(r.body())).containsExactly("firing", "resolved");
        assertThat(notifier.delivered()).isEqualTo(2);
    }

    @Test
    void aHangingReceiverGetsEveryRetryWithTheSameIdempotencyKeyAndDelaysNoOtherReceiver() throws Exception {
        // given: a receiver whose first request hangs until the test lets it go, and one that answers at once
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        List<Received> hanging = new CopyOnWriteArrayList<>();
        Server slow = start(0, n -> 200, hanging, n -> {
            if (n == 1) {
                try {
                    release.await(60, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        open.add(slow::stop);
        URI fast = receiver(n -> 200);
        WebhookSettings both = WebhookSettings.DEFAULT.withUrls(List.of(url(slow), fast))
                .withRetries(LONG, Duration.ofMillis(20), Duration.ofMillis(80), Duration.ofMillis(500));
        notifier = new WebhookNotifier(both, failure -> fail("nothing is given up: " + failure));

        // when
        notifier.accept(alert(AlertStatus.FIRING));

        // then: the other receiver has it while the first still hangs; the hanging one gets it again after its
        // timeout (a timeout is not a refusal), with the same key each time
        await().atMost(WAIT).until(() -> received.size() == 1);
        assertThat(release.getCount()).isEqualTo(1);
        await().atMost(WAIT).until(() -> !hanging.isEmpty());
        release.countDown();
        assertThat(notifier.awaitIdle(WAIT)).isTrue();
        await().atMost(WAIT).until(() -> hanging.size() >= 2);
        assertThat(hanging).extracting(Received::idempotencyKey).containsOnly("0123456789abcdef-firing-" + STARTS);
        assertThat(received).singleElement().extracting(Received::idempotencyKey)
                .isEqualTo("0123456789abcdef-firing-" + STARTS);
    }

    @Test
    void aRefusalIsGivenUpAtOnceWithItsResolved() throws Exception {
        URI url = receiver(n -> 400);
        List<DeliveryFailure> told = new CopyOnWriteArrayList<>();
        notifier = new WebhookNotifier(settings(url, "", LONG), told::add);

        notifier.accept(alert(AlertStatus.FIRING));
        await().atMost(WAIT).until(() -> !told.isEmpty());
        notifier.accept(alert(AlertStatus.RESOLVED));

        assertThat(notifier.awaitIdle(WAIT)).isTrue();
        assertThat(received).singleElement().extracting(r -> status(r.body())).isEqualTo("firing");
        assertThat(told).extracting(DeliveryFailure::notifications).containsExactly(1, 1);
        assertThat(told.get(0).message()).contains("refused", "HTTP status 400");
        assertThat(told.get(1).message()).contains("its firing was not delivered");
    }

    @Test
    void aGivenUpReceiverIsAlertedToTheOthersOnceAndResolvedAtTheEnd() throws Exception {
        // given: a dead receiver and a live one, with the reporter's failure collector
        URI live = receiver(n -> 200);
        List<Received> deadReceived = new CopyOnWriteArrayList<>();
        Server deadServer = start(0, n -> 503, deadReceived, n -> { });
        open.add(deadServer::stop);
        URI dead = url(deadServer);
        List<String> console = new CopyOnWriteArrayList<>();
        DeliveryFailures failures = new DeliveryFailures("weekly-42", java.time.Clock.systemUTC(), console::add);
        notifier = new WebhookNotifier(WebhookSettings.DEFAULT.withUrls(List.of(dead, live))
                .withRetries(Duration.ofMillis(300), Duration.ofMillis(20), Duration.ofMillis(80),
                        Duration.ofSeconds(5)), failures);
        AlertFanOut fanOut = new AlertFanOut(List.of(notifier), console::add);
        failures.publishTo(fanOut, List.of());

        // when: an alert fires and resolves, then the run ends
        fanOut.emit(alert(AlertStatus.FIRING));
        fanOut.emit(alert(AlertStatus.RESOLVED));
        await().atMost(WAIT).until(() -> failures.count() == 2);
        failures.resolveAll();
        notifier.awaitIdle(WAIT);

        // then: the live receiver got the threshold's two changes and the delivery alert naming the dead one,
        // firing then resolved; the dead one was never sent a delivery alert; the count is what it missed
        List<JsonNode> bodies = new ArrayList<>();
        for (Received r : received) {
            bodies.add(JSON.readTree(r.body()));
        }
        assertThat(bodies).extracting(b -> b.path("commonLabels").path("alertname").asText() + " "
                + b.path("status").asText()).containsExactly("LoadstreamThreshold firing",
                "LoadstreamThreshold resolved", DeliveryFailures.ALERT_NAME + " firing",
                DeliveryFailures.ALERT_NAME + " resolved");
        assertThat(bodies.get(2).path("commonLabels").path("subscriber").asText()).isEqualTo(dead.toString());
        assertThat(AlertmanagerSchemas.webhookV4(received.get(2).body())).isEmpty();
        assertThat(deadReceived).noneSatisfy(r -> assertThat(r.body()).contains(DeliveryFailures.ALERT_NAME));
        assertThat(failures.count()).isEqualTo(received.stream()
                .filter(r -> r.body().contains("LoadstreamThreshold")).count());
        assertThat(console).hasSize(1);
    }

    @Test
    void backoffDoublesUpToItsCap() throws Exception {
        notifier = new WebhookNotifier(settings(URI.create("http://127.0.0.1:9/"), "", LONG), failure -> { });

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
