package io.loadstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loadstream.events.ErrorClass;
import io.loadstream.events.RequestTiming;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Time to first byte, service time and checks through the whole pipeline of {@code run} ({@link LocalRun}) on a real
 * broker, against a loopback server that injects the phases: {@code /split} sends its status and headers at once
 * and its body {@value #BODY_DELAY_MS} ms later; {@code /created} answers every fourth request with 200 instead of
 * the 201 its step's check wants.
 */
@ExtendWith(KafkaExtension.class)
class RequestPhasesPipelineTest {

    private static final long BODY_DELAY_MS = 200;
    private static final String SPLIT = "GET /split";
    private static final String CREATED = "POST /created";

    @TempDir
    Path tmp;

    private Server server;
    private ServerConnector connector;
    private final AtomicLong created = new AtomicLong();

    @BeforeEach
    void startServer() throws Exception {
        server = new Server();
        connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                String path = Request.getPathInContext(request);
                if (path.startsWith("/split")) {
                    response.setStatus(200);
                    // Commit and flush the status line and headers now; the body follows after the delay.
                    response.write(false, ByteBuffer.allocate(0), Callback.from(() -> server.getScheduler()
                            .schedule(() -> Content.Sink.write(response, true, "the body", callback), BODY_DELAY_MS,
                                    TimeUnit.MILLISECONDS), callback::failed));
                } else {
                    boolean wrong = created.incrementAndGet() % 4 == 0;
                    response.setStatus(wrong ? 200 : 201);
                    Content.Sink.write(response, true, "{\"id\": 7}", callback);
                }
                return true;
            }
        });
        server.start();
    }

    @AfterEach
    void stopServer() throws Exception {
        server.stop();
    }

    @Test
    void ttfbServiceTimeAndChecksInTheReportAreThoseOfEveryRequestSent(TestKafka kafka) throws Exception {
        // given: two VUs, each iteration a split response and a checked POST
        Topics topics = Topics.withPrefix(TestKafka.uniqueTopic("phases"));
        String runId = "phases";
        Plan plan = PlanParser.parse("""
                name: phases
                target: http://127.0.0.1:%d
                load: {executor: constant-vus, vus: 2, duration: 3s}
                scenarios:
                  - name: flow
                    steps:
                      - {method: GET, path: /split}
                      - {method: POST, path: /created, body: "{}", check: {status: 201, body_contains: '"id"'}}
                report: {window: 1s, grace: 1s}
                """.formatted(connector.getLocalPort()), "phases.yaml", tmp, Map.of(), ThresholdRules::problem);

        // when
        ReporterResult reported;
        List<String> console = Collections.synchronizedList(new ArrayList<>());
        try (LocalRun run = new LocalRun(LocalRunOptions.of(runId, tmp.resolve("out"))
                .withBootstrap(kafka.bootstrapServers())
                .withTopics(topics)
                .withTopicSetup(new TopicSetup(3, (short) 1))
                .withApplicationId(TestKafka.uniqueTopic("phases-aggregator"))
                .withStateDir(tmp.resolve("state")), new Console(console::add, console::add))) {
            reported = run.run(plan).reported();
        }

        // then: the report's figures are the exact ones of the requests on the topic, to the histograms' 0.1%
        assertThat(reported.complete()).isTrue();
        JsonNode report = new ObjectMapper().readTree(reported.jsonReport().toFile());
        List<RequestTiming> requests = TopicReader.values(TopicReader.readAll(kafka, topics.requests(), 0),
                bytes -> EventSerdes.requestTiming().deserializer().deserialize(topics.requests(), bytes));
        List<RequestTiming> split = requests.stream().filter(r -> r.getEndpoint().equals(SPLIT)).toList();
        // (a request cut by the end of the load may have failed: it has a service time, and a TTFB if it had headers)
        assertThat(split).hasSizeGreaterThan(5);
        JsonNode splitMetrics = report.path("endpoint_metrics").path(SPLIT);
        assertThat(splitMetrics.path("ttfb_requests").asLong())
                .isEqualTo(split.stream().filter(r -> r.getTimeToFirstByteUs() >= 0).count());
        for (String p : List.of("50", "95", "99")) {
            double exactTtfb = exactMs(split.stream().mapToLong(RequestTiming::getTimeToFirstByteUs)
                    .filter(us -> us >= 0), p);
            double exactService = exactMs(split.stream().mapToLong(RequestTiming::getServiceTimeUs), p);
            assertThat(splitMetrics.path("ttfb_p" + p + "_ms").asDouble()).as("ttfb p" + p)
                    .isCloseTo(exactTtfb, within(exactTtfb / 1000 + 0.002));
            assertThat(splitMetrics.path("service_time_p" + p + "_ms").asDouble()).as("service p" + p)
                    .isCloseTo(exactService, within(exactService / 1000 + 0.002));
        }
        // and: the injected gap shows between the first byte and the end of the response
        assertThat(splitMetrics.path("service_time_p50_ms").asDouble()).isGreaterThanOrEqualTo(BODY_DELAY_MS);
        assertThat(splitMetrics.path("service_time_p50_ms").asDouble() - splitMetrics.path("ttfb_p50_ms").asDouble())
                .isGreaterThanOrEqualTo(BODY_DELAY_MS - 1);

        // and: the checks are counted as the responses went
        long passed = requests.stream().filter(r -> Boolean.TRUE.equals(r.getCheckPassed())).count();
        long failed = requests.stream().filter(r -> Boolean.FALSE.equals(r.getCheckPassed())).count();
        assertThat(failed).isEqualTo(requests.stream().filter(r -> r.getEndpoint().equals(CREATED)
                && r.getErrorClass() == ErrorClass.CHECK).count()).isPositive();
        assertThat(passed).isPositive();
        assertThat(report.at("/checks/by_endpoint")).hasSize(1);
        JsonNode check = report.at("/checks/by_endpoint/0");
        assertThat(check.path("endpoint").asText()).isEqualTo(CREATED);
        assertThat(check.path("check").asText()).isEqualTo("status 201, body contains '\"id\"'");
        assertThat(check.path("passed").asLong()).isEqualTo(passed);
        assertThat(check.path("failed").asLong()).isEqualTo(failed);

        // and: the generator's own threads are told apart from the process that also ran the aggregator and reporter
        JsonNode cpu = report.at("/generator_cpu/0");
        assertThat(cpu.path("measured").asBoolean()).isTrue();
        assertThat(cpu.path("threads_cpu_s").asDouble()).isPositive()
                .isLessThanOrEqualTo(cpu.path("process_cpu_s").asDouble());
        assertThat(cpu.path("share_of_process").asDouble()).isPositive().isLessThanOrEqualTo(1);
        String html = Files.readString(reported.jsonReport().resolveSibling("report.html"), StandardCharsets.UTF_8);
        assertThat(html).contains("<h2>Checks</h2>", "Time to first byte and service time");
    }

    private static double exactMs(java.util.stream.LongStream valuesUs, String percentile) {
        double[] values = valuesUs.asDoubleStream().toArray();
        return new Percentile().withEstimationType(Percentile.EstimationType.R_1)
                .evaluate(values, Double.parseDouble(percentile)) / 1000;
    }
}
