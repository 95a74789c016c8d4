package io.loadstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loadstream.generator.plan.Plan;
import io.loadstream.generator.plan.PlanParser;
import io.loadstream.reporter.ReporterResult;
import io.loadstream.reporter.threshold.ThresholdRules;
import io.loadstream.schemas.TopicSetup;
import io.loadstream.schemas.Topics;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drift and capacity end to end, through the wiring of {@code loadstream run} on a real broker, against loopback
 * servers whose behaviour is known: one whose latency grows by a fixed amount every second, and one with a fixed
 * number of workers and a fixed service time, whose ceiling is workers / service time.
 */
@ExtendWith(KafkaExtension.class)
class DriftAndCapacityPipelineTest {

    @TempDir
    Path tmp;

    @Test
    void aServerWhoseLatencyGrowsSteadilyIsReportedWithASignificantSlopeOfItsSize(TestKafka kafka)
            throws Exception {
        // given: 10 ms, plus 3 ms for every second since the first request: 10,800 ms per hour. A closed model, so
        // that a generator starved of CPU at start-up waits instead of counting its own backlog as latency.
        long[] firstMs = {0};
        try (LoopbackTarget target = LoopbackTarget.start(path -> {
            synchronized (firstMs) {
                if (firstMs[0] == 0) {
                    firstMs[0] = System.currentTimeMillis();
                }
            }
            double seconds = (System.currentTimeMillis() - firstMs[0]) / 1000.0;
            return new LoopbackTarget.Answer(200, Math.round(10 + 3 * seconds));
        })) {
            Plan plan = plan(target.url(), """
                    load: {executor: constant-vus, vus: 4, duration: 32s}
                    scenarios:
                      - name: grow
                        steps: [{method: GET, path: /grow}]
                    thresholds:
                      http_req_duration: ["drift_p95_ms_per_h<1000"]
                    report: {window: 1s, grace: 1s}
                    """);

            // when
            ReporterResult result = run(kafka, "drift-e2e", plan);

            // then: the slope is significant, near 10,800 ms/h, and fails the drift threshold
            JsonNode drift = new ObjectMapper().readTree(result.jsonReport().toFile()).path("drift");
            JsonNode endpoint = drift.path("endpoints").path("GET /grow");
            assertThat(endpoint.path("significant").asBoolean()).as(drift.toString()).isTrue();
            assertThat(endpoint.path("p95_slope_ms_per_h").asDouble()).as(drift.toString())
                    .isBetween(10_800 * 0.8, 10_800 * 1.2);
            assertThat(endpoint.path("p95_ci95").get(0).asDouble()).isPositive();
            assertThat(result.exitCode()).isEqualTo(ReporterResult.THRESHOLD_FAILED);
        }
    }

    @Test
    void aServerWithAFixedNumberOfWorkersIsReportedWithACapacityNearItsCeiling(TestKafka kafka) throws Exception {
        // given: 4 workers, 50 ms each: at most 80 requests per second; the VUs step 1, 2, 3, 4, 6, 8, 12
        try (FixedWorkers target = new FixedWorkers(4, 50)) {
            StringBuilder stages = new StringBuilder();
            for (int vus : new int[] {1, 2, 3, 4, 6, 8, 12}) {
                stages.append("{duration: 1s, target: ").append(vus).append("}, {duration: 6s, target: ")
                        .append(vus).append("}, ");
            }
            Plan plan = plan(target.url(), "load: {executor: ramping-vus, start_vus: 1, stages: ["
                    + stages.substring(0, stages.length() - 2) + "]}\n" + """
                    scenarios:
                      - name: work
                        steps: [{method: GET, path: /work}]
                    report: {window: 1s, grace: 1s}
                    """);

            // when
            ReporterResult result = run(kafka, "capacity-e2e", plan);

            // then
            JsonNode capacity = new ObjectMapper().readTree(result.jsonReport().toFile()).path("capacity");
            assertThat(capacity.path("model").asText()).as(capacity.toString()).isEqualTo("usl");
            assertThat(capacity.path("max_throughput_rps").asDouble()).as(capacity.toString()).isBetween(80 * 0.8,
                    80 * 1.2);
            assertThat(capacity.path("points").size()).isGreaterThanOrEqualTo(5);
            assertThat(result.exitCode()).isEqualTo(ReporterResult.OK);
        }
    }

    private ReporterResult run(TestKafka kafka, String runId, Plan plan) throws Exception {
        Topics topics = Topics.withPrefix(TestKafka.uniqueTopic(runId));
        LocalRunOptions options = LocalRunOptions.of(runId, tmp.resolve(runId))
                .withBootstrap(kafka.bootstrapServers())
                .withTopics(topics)
                .withTopicSetup(new TopicSetup(3, (short) 1))
                .withApplicationId(TestKafka.uniqueTopic(runId + "-aggregator"))
                .withStateDir(tmp.resolve(runId + "-state"));
        List<String> console = Collections.synchronizedList(new ArrayList<>());
        try (LocalRun run = new LocalRun(options, new Console(console::add, console::add))) {
            return run.run(plan).reported();
        }
    }

    private Plan plan(String url, String body) throws Exception {
        return PlanParser.parse("name: soak-e2e\ntarget: " + url + "\n" + body, "soak.yaml", tmp, Map.of(),
                ThresholdRules::problem);
    }

    /** A Jetty server on 127.0.0.1 serving at most {@code workers} requests at once, each for a fixed time. */
    private static final class FixedWorkers implements AutoCloseable {
        private final Server server = new Server();
        private final ServerConnector connector = new ServerConnector(server, 1, 1);
        private final Queue<Runnable> waiting = new ArrayDeque<>();
        private int busy;

        FixedWorkers(int workers, long serviceMs) throws Exception {
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            server.addConnector(connector);
            server.setHandler(new Handler.Abstract() {
                @Override
                public boolean handle(Request request, Response response, Callback callback) {
                    Runnable job = new Runnable() {
                        @Override
                        public void run() {
                            server.getScheduler().schedule(() -> {
                                Content.Sink.write(response, true, "ok", callback);
                                Runnable next;
                                synchronized (waiting) {
                                    next = waiting.poll();
                                    if (next == null) {
                                        busy--;
                                    }
                                }
                                if (next != null) {
                                    next.run();
                                }
                            }, serviceMs, TimeUnit.MILLISECONDS);
                        }
                    };
                    boolean start;
                    synchronized (waiting) {
                        start = busy < workers;
                        if (start) {
                            busy++;
                        } else {
                            waiting.add(job);
                        }
                    }
                    if (start) {
                        job.run();
                    }
                    return true;
                }
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + connector.getLocalPort();
        }

        @Override
        public void close() {
            try {
                server.stop();
            } catch (Exception e) {
                throw new IllegalStateException("Cannot stop the test server", e);
            }
        }
    }
}
