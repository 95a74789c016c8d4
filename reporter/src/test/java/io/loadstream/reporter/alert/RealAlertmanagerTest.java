package io.loadstream.reporter.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loadstream.events.Alert;
import io.loadstream.schemas.fixtures.EventFixtures;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * loadstream as a client of a real Alertmanager (Debian's {@code prometheus-alertmanager}, skipped when absent):
 * Alertmanager accepts what loadstream posts, groups the alerts as its configuration says, and notifies its
 * webhook receiver of them firing and then resolved. Every notification the real Alertmanager sends is also checked
 * against the version-4 webhook schema that loadstream's own webhooks follow, so the schema check is itself checked
 * against the real program.
 */
class RealAlertmanagerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void routesLoadstreamAlertsGroupedByRunToItsReceiverFiringThenResolved(@TempDir Path dir) throws Exception {
        long now = EventFixtures.nowMs();
        try (LoopbackReceiver receiver = LoopbackReceiver.accepting();
             AlertmanagerProcess alertmanager = new AlertmanagerProcess(dir,
                     receiver.base().resolve("/hook"), "[alertname, run_id]");
             AlertmanagerNotifier notifier = new AlertmanagerNotifier(AlertmanagerSettings.DEFAULT
                     .withUrls(List.of(alertmanager.base()))
                     .withAuthorization(Optional.empty())
                     .withGeneratorUrl("http://ci.example/weekly-42/report.html"),
                     Clock.systemUTC(), message -> { })) {
            Alert slow = TestAlerts.firing("weekly-42", "p(95)<900", now - 20_000);
            Alert verySlow = TestAlerts.firing("weekly-42", "p(99)<1500", now - 20_000);
            Alert otherRun = TestAlerts.firing("daily-7", "p(95)<900", now - 20_000);

            notifier.accept(slow);
            notifier.accept(verySlow);
            notifier.accept(otherRun);
            await().atMost(WAIT).until(() -> firingAlerts(receiver, "weekly-42") == 2);
            notifier.accept(TestAlerts.resolved("weekly-42", "p(95)<900", now - 20_000, now));
            notifier.accept(TestAlerts.resolved("weekly-42", "p(99)<1500", now - 20_000, now));
            await().atMost(WAIT).until(() -> notifications(receiver).stream().anyMatch(n ->
                    n.path("status").asText().equals("resolved")
                            && n.path("groupLabels").path("run_id").asText().equals("weekly-42")));

            List<JsonNode> notifications = notifications(receiver);
            // The two firings are posted one after the other: when the second reaches Alertmanager after the group's
            // group_wait (1 s), a first notification holds one alert and the next both. The group's fullest
            // notification shows the grouping.
            JsonNode firing = notifications.stream()
                    .filter(n -> n.path("groupLabels").path("run_id").asText().equals("weekly-42"))
                    .filter(n -> n.path("status").asText().equals("firing"))
                    .max(java.util.Comparator.comparingInt(n -> n.path("alerts").size())).orElseThrow();
            assertThat(firing.path("alerts")).as("grouped by alertname and run: one notification").hasSize(2);
            assertThat(firing.path("groupLabels").path("alertname").asText()).isEqualTo(Alerts.ALERT_NAME);
            JsonNode labels = firing.path("alerts").get(0).path("labels");
            assertThat(labels.path("plan").asText()).isEqualTo(TestAlerts.PLAN);
            assertThat(labels.path("endpoint").asText()).isEqualTo(TestAlerts.ENDPOINT);
            assertThat(labels.path("metric").asText()).isEqualTo("http_req_duration");
            assertThat(labels.path("severity").asText()).isEqualTo("critical");
            assertThat(firing.path("alerts").get(0).path("generatorURL").asText())
                    .isEqualTo("http://ci.example/weekly-42/report.html");
            assertThat(firing.path("commonAnnotations").path("observed").asText()).isEqualTo("1240.5");
            JsonNode resolved = notifications.stream()
                    .filter(n -> n.path("groupLabels").path("run_id").asText().equals("weekly-42"))
                    .filter(n -> n.path("status").asText().equals("resolved"))
                    .max(java.util.Comparator.comparingInt(n -> n.path("alerts").size())).orElseThrow();
            assertThat(resolved.path("alerts")).hasSize(2)
                    .allSatisfy(a -> assertThat(a.path("status").asText()).isEqualTo("resolved"));
            assertThat(notifications).anySatisfy(n -> assertThat(n.path("groupLabels").path("run_id").asText())
                    .as("another run is another group").isEqualTo("daily-7"));
        }
    }

    /** Every notification, each first checked against the version-4 webhook schema. */
    private static List<JsonNode> notifications(LoopbackReceiver receiver) throws Exception {
        List<JsonNode> all = new ArrayList<>();
        for (LoopbackReceiver.Received r : receiver.received()) {
            assertThat(AlertmanagerSchemas.webhookV4(r.body())).as(r.body()).isEmpty();
            all.add(JSON.readTree(r.body()));
        }
        return all;
    }

    private static int firingAlerts(LoopbackReceiver receiver, String runId) throws Exception {
        return notifications(receiver).stream()
                .filter(n -> n.path("status").asText().equals("firing"))
                .filter(n -> n.path("groupLabels").path("run_id").asText().equals(runId))
                .mapToInt(n -> n.path("alerts").size()).max().orElse(0);
    }
}
