package io.loadstream.reporter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loadstream.events.Alert;
import io.loadstream.events.AlertStatus;
import io.loadstream.events.ThresholdSpec;
import io.loadstream.reporter.alert.AlertFanOut;
import io.loadstream.reporter.alert.AlertHistory;
import io.loadstream.reporter.alert.AlertTopicSink;
import io.loadstream.reporter.alert.DeliveryFailure;
import io.loadstream.reporter.alert.DeliveryFailures;
import io.loadstream.reporter.alert.LoopbackReceiver;
import io.loadstream.reporter.alert.WebhookSettings;
import io.loadstream.schemas.Topics;
import io.loadstream.schemas.fixtures.EventFixtures;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A delivery-failure alert (issue 15) is an alert of the run's history like a threshold's: on the alerts topic, in
 * {@code alerts.jsonl} and in the report, firing then resolved at the end of the run, never sent to the subscriber
 * it is about, and never twice, whether the reporter restarts or replays the finished run. Real broker, real webhook
 * receivers on 127.0.0.1: one that refuses every post (400, given up at once), one that accepts.
 */
@ExtendWith(KafkaExtension.class)
class DeliveryFailureAlertTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long WINDOW = 10_000;
    private static final int WINDOWS = 6;
    private static final String ENDPOINT = "GET /api/slow-sometimes";

    private final long t0 = EventFixtures.nowMs() - Duration.ofMinutes(2).toMillis();
    private final String runId = "delivery-" + UUID.randomUUID().toString().substring(0, 6);

    @Test
    void aGivenUpSubscriberIsInTheHistoryOnTheTopicAndTheReplayWritesTheSameHistory(TestKafka kafka,
                                                                                   @TempDir Path dir)
            throws Exception {
        // given: a run whose p95 fires and resolves in windows 1 and 2 and fails the whole run; one refusing and
        // one accepting webhook
        Topics topics = run(kafka);
        try (LoopbackReceiver refusing = new LoopbackReceiver(n -> 400);
             LoopbackReceiver accepting = LoopbackReceiver.accepting()) {
            URI dead = refusing.base().resolve("/hook");
            WebhookSettings webhooks = WebhookSettings.DEFAULT.withUrls(List.of(dead,
                    accepting.base().resolve("/hook")));

            // when: the reporter follows the run, then replays the finished run with the same subscribers
            ReporterResult live = new Reporter(config(kafka, topics, dir.resolve("live"), webhooks)).run();
            int liveReceived = accepting.received().size();
            int deadReceived = refusing.received().size();
            ReporterResult replay = new Reporter(config(kafka, topics, dir.resolve("replay"), webhooks)).run();

            // then: the accepting subscriber heard of the refusing one, firing then resolved; the refusing one never
            List<Alert> delivery = ofDelivery(live.report().alerts());
            assertThat(delivery).extracting(Alert::getStatus)
                    .containsExactly(AlertStatus.FIRING, AlertStatus.RESOLVED);
            assertThat(delivery).allSatisfy(a ->
                    assertThat(a.getLabels()).containsEntry("subscriber", dead.toString()));
            assertThat(delivery.get(1).getEndsAtMs()).isGreaterThan(delivery.get(1).getStartsAtMs());
            assertThat(statuses(accepting.received().subList(0, liveReceived)))
                    .containsSubsequence(DeliveryFailures.ALERT_NAME + " firing",
                            DeliveryFailures.ALERT_NAME + " resolved")
                    .filteredOn(s -> s.startsWith(DeliveryFailures.ALERT_NAME)).hasSize(2);
            assertThat(refusing.received()).noneSatisfy(r ->
                    assertThat(r.body()).contains(DeliveryFailures.ALERT_NAME));
            assertThat(live.report().deliveryFailureCount()).isPositive();
            // and it is in alerts.jsonl and on the compacted topic, latest state resolved
            assertThat(Files.readAllLines(live.alertsFile())).hasSize(live.report().alerts().size())
                    .filteredOn(l -> l.contains(DeliveryFailures.ALERT_NAME)).hasSize(2);
            assertThat(onTheTopic(kafka, topics).get(delivery.get(0).getFingerprint())).isEqualTo(delivery.get(1));
            // and the replay notified nobody, and wrote exactly the live history
            assertThat(accepting.received()).hasSize(liveReceived);
            assertThat(refusing.received()).hasSize(deadReceived);
            assertThat(replay.report().alerts()).isEqualTo(live.report().alerts());
            assertThat(Files.readAllLines(replay.alertsFile())).isEqualTo(Files.readAllLines(live.alertsFile()));
        }
    }

    @Test
    void aRestartedReporterTakesBackAFiringDeliveryAlertAndOnlyResolvesIt(TestKafka kafka, @TempDir Path dir)
            throws Exception {
        // given: the run, and on the alerts topic the firing delivery-failure alert that a reporter killed during
        // the run had published about the refusing subscriber
        Topics topics = run(kafka);
        try (LoopbackReceiver refusing = new LoopbackReceiver(n -> 400);
             LoopbackReceiver accepting = LoopbackReceiver.accepting()) {
            URI dead = refusing.base().resolve("/hook");
            Alert firing = publishedByAnEarlierReporter(kafka, topics, dead);

            // when: a reporter of the run starts again; the refusing subscriber refuses again
            ReporterResult restarted = new Reporter(config(kafka, topics, dir.resolve("restarted"),
                    WebhookSettings.DEFAULT.withUrls(List.of(dead, accepting.base().resolve("/hook"))))).run();

            // then: no second firing anywhere; the firing is in the history as it was, and resolved once
            List<Alert> delivery = ofDelivery(restarted.report().alerts());
            assertThat(delivery.get(0)).isEqualTo(firing);
            assertThat(delivery).extracting(Alert::getStatus)
                    .containsExactly(AlertStatus.FIRING, AlertStatus.RESOLVED);
            assertThat(delivery.get(1).getStartsAtMs()).isEqualTo(firing.getStartsAtMs());
            assertThat(statuses(accepting.received()))
                    .filteredOn(s -> s.startsWith(DeliveryFailures.ALERT_NAME))
                    .containsExactly(DeliveryFailures.ALERT_NAME + " resolved");
            // and the earlier reporter's give-up is counted again, first, with its time
            assertThat(restarted.report().deliveryFailures()).first().satisfies(f -> {
                assertThat(f.subscriber()).isEqualTo(dead.toString());
                assertThat(f.atMs()).isEqualTo(firing.getStartsAtMs());
                assertThat(f.notifications()).isEqualTo(1);
            });
            assertThat(restarted.report().deliveryFailureCount()).isPositive();
            assertThat(onTheTopic(kafka, topics).get(firing.getFingerprint())).isEqualTo(delivery.get(1));
        }
    }

    /** Publishes through the real path (fan-out, topic sink) the firing alert a first give-up raises. */
    private Alert publishedByAnEarlierReporter(TestKafka kafka, Topics topics, URI dead) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(TestTopics.producer(kafka))) {
            AlertFanOut fanOut = new AlertFanOut(List.of(new AlertTopicSink(producer, topics.alerts())),
                    warning -> { });
            DeliveryFailures earlier = new DeliveryFailures(runId, Clock.systemUTC(), line -> { });
            earlier.publishTo(fanOut, List.of());
            earlier.accept(new DeliveryFailure(dead.toString(), 1, "HTTP status 400", EventFixtures.nowMs(),
                    dead + " refused 1 alert notification(s): HTTP status 400"));
            producer.flush();
            return fanOut.alerts().get(0);
        }
    }

    private Map<String, Alert> onTheTopic(TestKafka kafka, Topics topics) throws InterruptedException {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                KafkaClients.consumer(ReporterConfig.of(kafka.bootstrapServers(), runId, Path.of("unused"))))) {
            return AlertHistory.read(consumer, topics.alerts(), runId, Duration.ofSeconds(90));
        }
    }

    private static List<Alert> ofDelivery(List<Alert> alerts) {
        return alerts.stream().filter(a -> DeliveryFailures.ALERT_NAME.equals(a.getLabels().get("alertname")))
                .toList();
    }

    /** Each post as {@code alertname status}. */
    private static List<String> statuses(List<LoopbackReceiver.Received> received) throws Exception {
        List<String> out = new ArrayList<>();
        for (LoopbackReceiver.Received r : received) {
            JsonNode body = JSON.readTree(r.body());
            out.add(body.path("commonLabels").path("alertname").asText() + " " + body.path("status").asText());
        }
        return out;
    }

    private ReporterConfig config(TestKafka kafka, Topics topics, Path out, WebhookSettings webhooks) {
        return ReporterConfig.of(kafka.bootstrapServers(), runId, out)
                .withTopics(topics)
                .withWebhooks(webhooks)
                .withTimeouts(Duration.ofSeconds(120), Duration.ofSeconds(120), Duration.ofSeconds(120),
                        Duration.ofMillis(300));
    }

    /** The run's records on fresh topics: p95 over its bound in windows 1 and 2, and over p99's on the whole run. */
    private Topics run(TestKafka kafka) throws Exception {
        Topics topics = TestTopics.create(kafka, "delivery");
        List<ThresholdSpec> thresholds = List.of(
                ThresholdSpec.newBuilder().setMetric("http_req_duration").setExpression("p(95)<500")
                        .setWindowMs(WINDOW).setForMs(0).setAbortOnFail(false).setDelayAbortEvalMs(0).build(),
                ThresholdSpec.newBuilder().setMetric("http_req_duration").setExpression("p(99)<500")
                        .setWindowMs(0).setForMs(0).setAbortOnFail(false).setDelayAbortEvalMs(0).build());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(TestTopics.producer(kafka))) {
            List<ProducerRecord<String, byte[]>> records = new OneSegmentRun(runId, "delivery", t0, WINDOW, WINDOWS,
                    List.of(ENDPOINT), (endpoint, w) -> w == 1 || w == 2
                            ? EventFixtures.spread(100, 600_000, 1_200_000)
                            : EventFixtures.spread(100, 50_000, 150_000), Map.of(), thresholds)
                    .records(producer, topics);
            TestTopics.sendAll(producer, records);
        }
        return topics;
    }
}
