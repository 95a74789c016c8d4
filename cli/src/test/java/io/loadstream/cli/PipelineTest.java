package io.loadstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loadstream.events.EndpointTotals;
import io.loadstream.events.ErrorClass;
import io.loadstream.events.RequestTiming;
import io.loadstream.generator.GeneratorResult;
import io.loadstream.generator.plan.Plan;
import io.loadstream.generator.plan.PlanParser;
import io.loadstream.reporter.ReporterResult;
import io.loadstream.reporter.threshold.ThresholdRules;
import io.loadstream.schemas.EventSerdes;
import io.loadstream.schemas.TopicSetup;
import io.loadstream.schemas.Topics;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import io.loadstream.testkit.TopicReader;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline in one JVM on a real broker: generator, aggregator and reporter wired by {@link LocalRun}, as
 * {@code run} wires them, against a loopback Jetty server whose latencies the test sets. The report must agree
 * with the aggregator's totals and with an exact oracle computed from every request on the topic; a windowed
 * {@code abort_on_fail} threshold must stop a real generator, and so must a reporter that fails.
 */
@ExtendWith(KafkaExtension.class)
class PipelineTest {

    private static final long FAST_MS = 5;
    private static final long SLOW_MS = 60;

    @TempDir
    Path tmp;

    private LoopbackTarget target;

    @BeforeEach
    void startTarget() throws Exception {
        target = LoopbackTarget.start(path -> path.startsWith("/fail") ? new LoopbackTarget.Answer(503, 0)
                : new LoopbackTarget.Answer(200, path.startsWith("/slow") ? SLOW_MS : FAST_MS));
    }

    @AfterEach
    void stopTarget() throws Exception {
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
        LocalRun.Outcome outcome = runPipeline(kafka, topics, runId, plan);

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
        // given: five minutes of load on an endpoint that is always slower than its windowed threshold allows
        Topics topics = Topics.withPrefix(TestKafka.uniqueTopic("abort"));
        String runId = "pipeline-abort";
        Plan plan = plan("""
                load: {executor: constant-vus, vus: 4, duration: 300s}
                scenarios:
                  - name: slow
                    steps: [{method: GET, path: /slow/report}]
                thresholds:
                  "http_req_duration{endpoint:GET /slow/report}":
                    - {threshold: "p(95)<20", window: 2s, for: 1s, abort_on_fail: true}
                report: {window: 1s, grace: 1s}
                """);

        // when
        LocalRun.Outcome outcome = runPipeline(kafka, topics, runId, plan);

        // then: the reporter aborted the run before its planned end, and the threshold failed
        assertThat(outcome.reported().aborted()).isTrue();
        assertThat(outcome.generated().aborted()).isTrue();
        assertThat(outcome.generated().elapsed()).isLessThan(plan.load().totalDuration());
        assertThat(outcome.reported().exitCode()).isEqualTo(ReporterResult.THRESHOLD_FAILED);
        JsonNode report = new ObjectMapper().readTree(outcome.reported().jsonReport().toFile());
        assertThat(report.at("/thresholds/0/passed").asBoolean(true)).isFalse();
        assertThat(report.at("/summary/total_requests").asLong()).isEqualTo(outcome.generated().requestsSent());
    }

    @Test
    void aReporterThatFailsStopsTheLoadAndTheRunFailsWithTheReportersError(TestKafka kafka) throws Exception {
        // given: five minutes of load, and a reporter that cannot create its output folder (a file is in the way)
        Topics topics = Topics.withPrefix(TestKafka.uniqueTopic("rfail"));
        Path blocked = Files.writeString(tmp.resolve("blocked"), "a file, not a folder");
        Plan plan = plan("""
                load: {executor: constant-vus, vus: 2, duration: 300s}
                scenarios:
                  - name: browse
                    steps: [{method: GET, path: /fast/items}]
                report: {window: 1s, grace: 1s}
                """);

        Path out = blocked.resolve("out");
        List<String> console = Collections.synchronizedList(new ArrayList<>());

        // when
        UserFacingException failure;
        try (LocalRun run = new LocalRun(options(kafka, topics, "pipeline-reporter-fails", out),
                new Console(console::add, console::add))) {
            failure = catchThrowableOfType(UserFacingException.class, () -> run.run(plan));
        }

        // then: the load stopped (long before its five minutes), and the run failed with the reporter's error
        assertThat(failure).as(String.join("\n", console)).isNotNull();
        assertThat(failure.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(failure.getMessage()).contains(out.toString());
        assertThat(console).anySatisfy(line -> assertThat(line).startsWith("Done: ")
                .contains("aborted: the reporter failed"));
        assertThat(console).contains("Stopping ...");
    }

    /** The options of a pipeline run on the test broker: three partitions, an aggregator of its own. */
    private LocalRunOptions options(TestKafka kafka, Topics topics, String runId, Path out) {
        return LocalRunOptions.of(runId, out)
                .withBootstrap(kafka.bootstrapServers())
                .withTopics(topics)
                .withTopicSetup(new TopicSetup(3, (short) 1))
                .withApplicationId(TestKafka.uniqueTopic("pipeline-aggregator"))
                .withStateDir(tmp.resolve("state"));
    }

    /** Runs the plan through the wiring of {@code loadstream run}, on the test broker. */
    private LocalRun.Outcome runPipeline(TestKafka kafka, Topics topics, String runId, Plan plan)
            throws Exception {
        List<String> console = Collections.synchronizedList(new ArrayList<>());
        try (LocalRun run = new LocalRun(options(kafka, topics, runId, tmp.resolve("out")),
                new Console(console::add, console::add))) {
            return run.run(plan);
        }
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
