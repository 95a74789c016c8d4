package io.loadstream.reporter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.loadstream.events.ThresholdSpec;
import io.loadstream.reporter.alert.AlertmanagerSchemas;
import io.loadstream.reporter.alert.LoopbackReceiver;
import io.loadstream.reporter.alert.WebhookSettings;
import io.loadstream.schemas.Topics;
import io.loadstream.schemas.fixtures.EventFixtures;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reporter that restarts (here: a second reporter of the same run, which replays the run's windows from the
 * beginning and so meets every alert transition again) notifies no subscriber twice: it resumes from the compacted
 * alerts topic what its predecessor notified. Counted at a real webhook receiver on 127.0.0.1.
 */
@ExtendWith(KafkaExtension.class)
class ReporterRestartTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long WINDOW = 10_000;
    private static final int WINDOWS = 6;
    private static final String ENDPOINT = "GET /api/slow-sometimes";

    private final long t0 = EventFixtures.nowMs() - Duration.ofMinutes(2).toMillis();
    private final String runId = "restart-" + UUID.randomUUID().toString().substring(0, 6);

    @Test
    void aRestartedReporterNotifiesNoAlertTransitionAgain(TestKafka kafka, @TempDir Path dir) throws Exception {
        // given: a run whose p95 breaks its bound in windows 1 and 2 (fires, then resolves) and fails the whole run
        Topics topics = TestTopics.create(kafka, "restart");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(TestTopics.producer(kafka))) {
            TestTopics.sendAll(producer, runRecords(producer, topics));
        }
        try (LoopbackReceiver receiver = LoopbackReceiver.accepting()) {
            WebhookSettings webhook = WebhookSettings.DEFAULT.withUrls(List.of(receiver.base().resolve("/hook")));

            // when: the reporter follows the run, then follows it again
            ReporterResult first = new Reporter(config(kafka, topics, dir.resolve("first"), webhook)).run();
            int afterFirst = receiver.received().size();
            ReporterResult second = new Reporter(config(kafka, topics, dir.resolve("second"), webhook)).run();

            // then: three transitions were notified once each, and the second reporter notified nothing
            assertThat(first.exitCode()).isEqualTo(ReporterResult.THRESHOLD_FAILED);
            assertThat(afterFirst).isEqualTo(3);
            assertThat(receiver.received()).hasSize(afterFirst);
            assertThat(receiver.received()).allSatisfy(r ->
                    assertThat(AlertmanagerSchemas.webhookV4(r.body())).isEmpty());
            assertThat(receiver.received()).extracting(r -> JSON.readTree(r.body()).path("status").asText())
                    .containsExactly("firing", "resolved", "firing");
            // The second reporter's own files are still complete.
            assertThat(second.exitCode()).isEqualTo(ReporterResult.THRESHOLD_FAILED);
            assertThat(Files.readAllLines(dir.resolve("second").resolve("alerts.jsonl"))).hasSize(3);
        }
    }

    private ReporterConfig config(TestKafka kafka, Topics topics, Path out, WebhookSettings webhook) {
        return ReporterConfig.of(kafka.bootstrapServers(), runId, out)
                .withTopics(topics)
                .withWebhooks(webhook)
                .withTimeouts(Duration.ofSeconds(120), Duration.ofSeconds(120), Duration.ofSeconds(120),
                        Duration.ofMillis(300));
    }

    private static long[] latencies(int window) {
        return window == 1 || window == 2 ? EventFixtures.spread(100, 600_000, 1_200_000)
                : EventFixtures.spread(100, 50_000, 150_000);
    }

    private List<ProducerRecord<String, byte[]>> runRecords(KafkaProducer<String, byte[]> producer, Topics topics) {
        List<ThresholdSpec> thresholds = List.of(
                ThresholdSpec.newBuilder().setMetric("http_req_duration").setExpression("p(95)<500")
                        .setWindowMs(WINDOW).setForMs(0).setAbortOnFail(false).setDelayAbortEvalMs(0).build(),
                ThresholdSpec.newBuilder().setMetric("http_req_duration").setExpression("p(99)<500")
                        .setWindowMs(0).setForMs(0).setAbortOnFail(false).setDelayAbortEvalMs(0).build());
        return new OneSegmentRun(runId, "restart", t0, WINDOW, WINDOWS, List.of(ENDPOINT),
                (endpoint, w) -> latencies(w), java.util.Map.of(), thresholds).records(producer, topics);
    }
}
