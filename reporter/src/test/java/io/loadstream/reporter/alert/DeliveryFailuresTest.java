package io.loadstream.reporter.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loadstream.events.Alert;
import io.loadstream.events.AlertStatus;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delivery-failure alerts in the fan-out: where they stand in the run's history, how a resolved one gives back its
 * firing, and that subscribers that all refuse hear of each other once and then nothing more (no loop). Real webhook
 * receivers on 127.0.0.1.
 */
class DeliveryFailuresTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String RUN = "weekly-42";

    @Test
    void everySubscriberRefusingHearsOfTheOthersOnceAndNothingLoops(@TempDir Path dir) throws Exception {
        // given: two webhook receivers that refuse every post, behind the reporter's fan-out
        try (LoopbackReceiver first = new LoopbackReceiver(n -> 400);
             LoopbackReceiver second = new LoopbackReceiver(n -> 400);
             AlertsFile file = new AlertsFile(dir.resolve("alerts.jsonl"))) {
            URI firstUrl = first.base().resolve("/hook");
            URI secondUrl = second.base().resolve("/hook");
            List<String> console = new CopyOnWriteArrayList<>();
            DeliveryFailures failures = new DeliveryFailures(RUN, Clock.systemUTC(), console::add);
            WebhookNotifier webhooks = new WebhookNotifier(WebhookSettings.DEFAULT.withUrls(List.of(firstUrl,
                    secondUrl)), failures);
            try {
                AlertFanOut fanOut = new AlertFanOut(List.of(webhooks, file), console::add);
                failures.publishTo(fanOut, List.of());

                // when: a threshold fires; both refuse it, then each refuses the alert about the other; the run ends
                fanOut.emit(TestAlerts.firing(RUN, "p(95)<900", Instant.now().toEpochMilli()));
                await().atMost(WAIT).until(() -> failures.failures().size() == 4);
                assertThat(webhooks.awaitIdle(WAIT)).isTrue();
                failures.resolveAll();
                assertThat(webhooks.awaitIdle(WAIT)).isTrue();

                // then: each got the threshold's firing and one alert naming the other, nothing more; the history
                // holds both delivery-failure alerts, firing and resolved, and so does the file
                assertThat(posts(first)).containsExactly("LoadstreamThreshold firing ",
                        DeliveryFailures.ALERT_NAME + " firing " + secondUrl);
                assertThat(posts(second)).containsExactly("LoadstreamThreshold firing ",
                        DeliveryFailures.ALERT_NAME + " firing " + firstUrl);
                List<Alert> delivery = fanOut.alerts().stream()
                        .filter(a -> a.getLabels().get("alertname").equals(DeliveryFailures.ALERT_NAME)).toList();
                assertThat(delivery).extracting(Alert::getStatus).containsExactly(AlertStatus.FIRING,
                        AlertStatus.FIRING, AlertStatus.RESOLVED, AlertStatus.RESOLVED);
                file.rewrite(fanOut.alerts());
                assertThat(Files.readAllLines(dir.resolve("alerts.jsonl"))).hasSize(5);
                // the resolved alerts were withheld from receivers that never got their firing, and counted
                assertThat(failures.failures()).hasSize(6);
            } finally {
                webhooks.close();
            }
        }
    }

    @Test
    void theHistoryPlacesEachDeliveryChangeBeforeTheFirstLaterThresholdChange() {
        // given: a threshold firing at 10 s and resolving at 30 s, a subscriber given up at 20 s, the run over at 40 s
        long t0 = Instant.now().toEpochMilli();
        DeliveryFailures failures = new DeliveryFailures(RUN, Clock.fixed(Instant.ofEpochMilli(t0 + 40_000),
                ZoneOffset.UTC), line -> { });
        AlertFanOut fanOut = new AlertFanOut(List.of(), warning -> { });
        failures.publishTo(fanOut, List.of());
        Alert firing = TestAlerts.firing(RUN, "p(95)<900", t0 + 10_000);
        Alert resolved = TestAlerts.resolved(RUN, "p(95)<900", t0 + 10_000, t0 + 30_000);

        // when: the threshold's changes are judged, with the give-up coming between them in wall-clock time
        fanOut.emit(firing);
        failures.accept(new DeliveryFailure("http://127.0.0.1:9/hook", 1, "HTTP status 503", t0 + 20_000,
                "Gave up 1 alert notification(s) to http://127.0.0.1:9/hook"));
        fanOut.emit(resolved);
        failures.resolveAll();

        // then: in the order of their changes; the resolved gives back its firing exactly
        List<Alert> history = fanOut.alerts();
        assertThat(history).hasSize(4);
        assertThat(history.get(0)).isEqualTo(firing);
        assertThat(history.get(1).getStartsAtMs()).isEqualTo(t0 + 20_000);
        assertThat(history.get(2)).isEqualTo(resolved);
        assertThat(history.get(3).getEndsAtMs()).isEqualTo(t0 + 40_000);
        assertThat(DeliveryFailures.firingOf(history.get(3))).isEqualTo(history.get(1));
    }

    /** Each post as {@code alertname status subscriber}. */
    private static List<String> posts(LoopbackReceiver receiver) throws Exception {
        List<String> out = new ArrayList<>();
        for (LoopbackReceiver.Received r : receiver.received()) {
            JsonNode labels = JSON.readTree(r.body()).path("commonLabels");
            out.add(labels.path("alertname").asText() + " " + JSON.readTree(r.body()).path("status").asText() + " "
                    + labels.path("subscriber").asText());
        }
        return out;
    }
}
