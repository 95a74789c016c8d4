package io.loadstream.reporter.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loadstream.reporter.OneSegmentRunAccess;
import io.loadstream.reporter.Reporter;
import io.loadstream.reporter.ReporterConfig;
import io.loadstream.schemas.Topics;
import io.loadstream.schemas.fixtures.EventFixtures;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's {@code prometheus}, skipped when absent) scrapes the reporter's metrics endpoint
 * while the reporter follows a run; the request counter summed by endpoint equals the report's counts.
 */
@ExtendWith(KafkaExtension.class)
class RealPrometheusTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> ENDPOINTS = List.of("GET /api/items", "POST /api/orders");

    @Test
    void prometheusCountsTheRequestsOfEachEndpointAsTheReportDoes(TestKafka kafka, @TempDir Path dir)
            throws Exception {
        String runId = "prom-" + UUID.randomUUID().toString().substring(0, 6);
        RunMetrics metrics = new RunMetrics(Clock.systemUTC(), Duration.ofHours(1));
        try (MetricsEndpoint endpoint = new MetricsEndpoint("127.0.0.1", 0, metrics);
             PrometheusProcess prometheus = new PrometheusProcess(dir, "127.0.0.1:" + endpoint.port())) {
            Topics topics = OneSegmentRunAccess.publish(kafka, runId, EventFixtures.nowMs() - 120_000, ENDPOINTS,
                    (e, w) -> EventFixtures.spread(e.startsWith("GET") ? 150 + w : 40 + 3 * w, 20_000, 400_000),
                    Map.of("POST /api/orders", 9));

            new Reporter(ReporterConfig.of(kafka.bootstrapServers(), runId, dir.resolve("out")).withTopics(topics)
                    .withTimeouts(Duration.ofSeconds(120), Duration.ofSeconds(120), Duration.ofSeconds(120),
                            Duration.ofMillis(300)), metrics).run();
            JsonNode report = JSON.readTree(Files.readString(dir.resolve("out").resolve("performance_report.json")));
            Map<String, Double> expected = new HashMap<>();
            for (String name : ENDPOINTS) {
                expected.put(name, report.path("endpoint_metrics").path(name).path("requests").asDouble());
            }
            assertThat(expected.values()).allSatisfy(count -> assertThat(count).isPositive());

            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(byEndpoint(prometheus.query(
                    "sum by (endpoint) (loadstream_requests_total{run_id=\"" + runId + "\"})")))
                    .isEqualTo(expected));
            assertThat(byEndpoint(prometheus.query("sum by (endpoint) (loadstream_request_errors_total{run_id=\""
                    + runId + "\"})"))).isEqualTo(Map.of("POST /api/orders",
                    report.path("endpoint_metrics").path("POST /api/orders").path("errors").asDouble()));
        }
    }

    private static Map<String, Double> byEndpoint(JsonNode result) {
        Map<String, Double> values = new HashMap<>();
        result.forEach(r -> values.put(r.path("metric").path("endpoint").asText(),
                Double.parseDouble(r.path("value").get(1).asText())));
        return values;
    }
}
