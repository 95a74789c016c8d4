package io.loadstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loadstream.aggregator.Aggregator;
import io.loadstream.aggregator.AggregatorConfig;
import io.loadstream.events.EndpointTotals;
import io.loadstream.events.ErrorClass;
import io.loadstream.events.RequestTiming;
import io.loadstream.generator.Generator;
import io.loadstream.generator.GeneratorConfig;
import io.loadstream.generator.GeneratorResult;
import io.loadstream.generator.plan.Plan;
import io.loadstream.generator.plan.PlanParser;
import io.loadstream.reporter.Reporter;
import io.loadstream.reporter.ReporterConfig;
import io.loadstream.reporter.ReporterResult;
import io.loadstream.reporter.threshold.ThresholdRules;
import io.loadstream.schemas.EventSerdes;
import io.loadstream.schemas.TopicSetup;
import io.loadstream.schemas.Topics;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import io.loadstream.testkit.TopicReader;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline in one JVM on a real broker: generator, aggregator and reporter as {@code run} will wire
 * them, against a loopback Jetty server whose latencies the test sets. The report must agree with the
 * aggregator's totals and with an exact oracle computed from every request on the topic; a windowed
 * {@code abort_on_fail} threshold must stop a real generator.
 */
@ExtendWith(KafkaExtension.class)
class PipelineTest {

    private static final long FAST_MS = 5;
    private static final long SLOW_MS = 60;

    @TempDir
    Path tmp;

    private LoopbackTarget target;
    private Aggregator aggregator;

    @BeforeEach
    void startTarget() throws Exception {
        target = LoopbackTarget.start(path -> path.startsWith("/fail") ? new LoopbackTarget.Answer(503, 0)
                : new LoopbackTarget.Answer(200, path.startsWith("/slow") ? SLOW_MS : FAST_MS));
    }

    @AfterEach
    void stopAll() throws Exception {
        if (aggregator != null) {
            aggregator.close(Duration.ofSeconds(30));
        }
        target.close();
    }

    @Test
    void reportFiguresEqualTheAggregatorsTotalsAndTheExactPercentilesOfEveryRequest(TestKafka kafka)
            throws Exception {
        // given: a short open-model run over three endpoints, one of which always fails
        Topics topics = Topics.withPrefix(TestKafka.uniqueTopic("pipe"));
        String runId = "pipeline-figures";
        Plan plan = plan("""
                load: {executor: constant-arrival-rate, rate: 120, duration: 5s, max_vus: 30}
                scenarios:
                  - name: browse
                    weight: 3
                    steps: [{method: GET, path: /fast/items}, {method: GET, path: "/slow/items/${rand:1..9}"}]
                  - name: broken
                    steps: [{method: GET, path: /fail}]
                thresholds:
                  http_req_duration: ["p(95)<5000"]
                  http_req_failed: ["rate<0.5"]
                report: {window: 1s, grace: 1s}
                """);

        // when
        RunOutcome outcome = runPipeline(kafka, topics, runId, plan);

        // then: the generator, the topic, the aggregator and the report all count the same requests
        GeneratorResult generated = outcome.generated();
        ReporterResult reported = outcome.reported();
        assertThat(reported.exitCode()).isEqualTo(ReporterResult.OK);
        assertThat(reported.complete()).isTrue();
        List<RequestTiming> requests = readAll(kafka, topics.requests(), EventSerdes.requestTiming().deserializer());
        assertThat(requests).hasSize((int) generated.requestsSent());
        assertThat(generated.requestsSent()).isGreaterThan(400);

        JsonNode report = new ObjectMapper().readTree(reported.jsonReport().toFile());
        assertThat(report.at("/summary/total_requests").asLong()).isEqualTo(generated.requestsSent());
        long failed = requests.stream().filter(r -> r.getErrorClass() != ErrorClass.NONE).count();
        assertThat(report.at("/summary/total_errors").asLong()).isEqualTo(failed);

        Map<String, EndpointTotals> totals = finalTotals(kafka, topics, runId);
        assertThat(totals.keySet()).containsExactlyInAnyOrder("*", "GET /fast/items", "GET /slow/items/{id}",
                "GET /fail");
        Map<String, List<Long>> latencies = new HashMap<>();
        for (RequestTiming r : requests) {
            latencies.computeIfAbsent(r.getEndpoint(), e -> new ArrayList<>()).add(r.getLatencyUs());
        }
        for (Map.Entry<String, List<Long>> entry : latencies.entrySet()) {
            String endpoint = entry.getKey();
            JsonNode metrics = report.path("endpoint_metrics").path(endpoint);
            EndpointTotals total = totals.get(endpoint);
            assertThat(metrics.path("requests").asLong()).as(endpoint).isEqualTo(entry.getValue().size())
                    .isEqualTo(total.getStats().getCount());
            Histogram histogram = Histogram.decodeFromCompressedByteBuffer(
                    ByteBuffer.wrap(total.getStats().getHistogram().array()), 0);
            for (String p : List.of("50", "95", "99")) {
                double fromTotals = histogram.getValueAtPercentile(Double.parseDouble(p)) / 1000.0;
                double exact = nearestRank(entry.getValue(), Double.parseDouble(p)) / 1000.0;
                double inReport = metrics.path("p" + p + "_ms").asDouble();
                assertThat(inReport).as(endpoint + " p" + p).isCloseTo(fromTotals, org.assertj.core.data.Offset
                        .offset(0.001));
                assertThat(inReport).as(endpoint + " p" + p + " against the exact value")
                        .isCloseTo(exact, org.assertj.core.data.Percentage.withPercentage(1));
            }
        }
        // The injected latencies show through: the slow endpoint's median is at least its delay.
        assertThat(report.path("endpoint_metrics").path("GET /slow/items/{id}").path("p50_ms").asDouble())
                .isGreaterThanOrEqualTo(SLOW_MS);
        assertThat(report.path("endpoint_metrics").path("GET /fail").path("errors").asLong())
                .isEqualTo(latencies.get("GET /fail").size());
    }

    @Test
    void aWindowedAbortOnFailThresholdStopsARealGeneratorAndFailsTheRun(TestKafka kafka) throws Exception {
        // given: a minute of load on an endpoint that is always slower than its windowed threshold allows
        Topics topics = Topics.withPrefix(TestKafka.uniqueTopic("abort"));
        String runId = "pipeline-abort";
        Plan plan = plan("""
                load: {executor: constant-vus, vus: 4, duration: 60s}
                scenarios:
                  - name: slow
                    steps: [{method: GET, path: /slow/report}]
                thresholds:
                  "http_req_duration{endpoint:GET /slow/report}":
                    - {threshold: "p(95)<20", window: 2s, for: 1s, abort_on_fail: true}
                report: {window: 1s, grace: 1s}
                """);

        // when
        RunOutcome outcome = runPipeline(kafka, topics, runId, plan);

        // then: the reporter aborted the run long before its minute was up, and the threshold failed
        assertThat(outcome.reported().aborted()).isTrue();
        assertThat(outcome.generated().aborted()).isTrue();
        assertThat(outcome.generated().elapsed()).isLessThan(Duration.ofSeconds(40));
        assertThat(outcome.reported().exitCode()).isEqualTo(ReporterResult.THRESHOLD_FAILED);
        JsonNode report = new ObjectMapper().readTree(outcome.reported().jsonReport().toFile());
        assertThat(report.at("/thresholds/0/passed").asBoolean(true)).isFalse();
        assertThat(report.at("/summary/total_requests").asLong()).isEqualTo(outcome.generated().requestsSent());
    }

    private record RunOutcome(GeneratorResult generated, ReporterResult reported) {
    }

    private RunOutcome runPipeline(TestKafka kafka, Topics topics, String runId, Plan plan) throws Exception {
        Properties admin = new Properties();
        admin.put("bootstrap.servers", kafka.bootstrapServers());
        new TopicSetup(3, (short) 1).ensure(admin, topics);
        aggregator = Aggregator.start(AggregatorConfig.defaults(kafka.bootstrapServers())
                .withApplicationId(TestKafka.uniqueTopic("pipeline-aggregator"))
                .withStateDir(tmp.resolve("state"))
                .withTopics(topics)
                .withPartitions(3));
        aggregator.awaitRunning(Duration.ofSeconds(60));
        List<String> console = java.util.Collections.synchronizedList(new ArrayList<>());
        Reporter reporter = new Reporter(ReporterConfig.of(kafka.bootstrapServers(), runId, tmp.resolve("out"))
                .withTopics(topics)
                .withTimeouts(Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(30),
                        Duration.ofSeconds(1))
                .withConsole(console::add));
        CompletableFuture<ReporterResult> reported = CompletableFuture.supplyAsync(reporter::run);
        GeneratorResult generated = new Generator(GeneratorConfig.of(kafka.bootstrapServers(), runId)
                .withTopics(topics)
                .withProgress(line -> { })).run(plan);
        return new RunOutcome(generated, reported.get(120, TimeUnit.SECONDS));
    }

    private Plan plan(String body) throws Exception {
        String yaml = "name: pipeline\ntarget: http://127.0.0.1:" + target.port() + "\n" + body;
        return PlanParser.parse(yaml, "pipeline.yaml", tmp, Map.of(), ThresholdRules::problem);
    }

    private static <T> List<T> readAll(TestKafka kafka, String topic,
                                       org.apache.kafka.common.serialization.Deserializer<T> values) {
        return TopicReader.values(TopicReader.readAll(kafka, topic, 0), bytes -> values.deserialize(topic, bytes));
    }

    private static Map<String, EndpointTotals> finalTotals(TestKafka kafka, Topics topics, String runId) {
        Map<String, EndpointTotals> totals = new HashMap<>();
        for (EndpointTotals t : readAll(kafka, topics.totals(), EventSerdes.endpointTotals().deserializer())) {
            if (t.getRunId().equals(runId) && t.getComplete()) {
                totals.put(t.getEndpoint(), t);
            }
        }
        return totals;
    }

    /** The exact nearest-rank percentile: the smallest value with at least p% of the values at or below it. */
    private static long nearestRank(List<Long> values, double percentile) {
        long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }
}
