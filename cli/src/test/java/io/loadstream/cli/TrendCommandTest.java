package io.loadstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loadstream.events.Alert;
import io.loadstream.schemas.EventSerdes;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import io.loadstream.testkit.TopicReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
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
 * {@code run} files each run into the archive and onto the runs topic; {@code trend} compares them. End to end, in
 * this JVM, on the test broker and against a loopback server whose one endpoint is made slower for the third run.
 */
@ExtendWith(KafkaExtension.class)
class TrendCommandTest {

    private static final long BASE_DELAY_MS = 100;
    private static final long SLOW_DELAY_MS = 600;

    @TempDir
    Path tmp;

    private final InProcessCli cli = new InProcessCli();
    private final AtomicLong slowDelayMs = new AtomicLong(BASE_DELAY_MS);
    private final List<String> webhookBodies = new CopyOnWriteArrayList<>();
    private LoopbackTarget target;
    private Server webhook;

    @BeforeEach
    void startServers() throws Exception {
        target = LoopbackTarget.start(path -> new LoopbackTarget.Answer(200,
                path.startsWith("/b") ? slowDelayMs.get() : BASE_DELAY_MS));
        webhook = new Server();
        ServerConnector connector = new ServerConnector(webhook, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        webhook.addConnector(connector);
        webhook.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                webhookBodies.add(Content.Source.asString(request));
                response.setStatus(200);
                callback.succeeded();
                return true;
            }
        });
        webhook.start();
    }

    @AfterEach
    void stopServers() throws Exception {
        target.close();
        webhook.stop();
    }

    @Test
    void theRunWithOneSlowerEndpointIsFlaggedOnThatEndpointOnlyFromFilesAndFromTheTopic(TestKafka kafka)
            throws Exception {
        // given: the same plan run twice, then once more with GET /b six times slower. An open model at a low rate,
        // so that a slower GET /b does not slow the others' throughput; delays of 100 ms and more, and a tolerance
        // of 50 %, so that a loaded machine's run-to-run noise (the first run in this JVM is cold) is no regression.
        String prefix = TestKafka.uniqueTopic("trend");
        Path plan = tmp.resolve("plan.yaml");
        Files.writeString(plan, """
                name: weekly-shop
                target: http://127.0.0.1:%d
                load: {executor: constant-arrival-rate, rate: 24, duration: 3s, max_vus: 40}
                scenarios:
                  - {name: a, steps: [{method: GET, path: /a}]}
                  - {name: b, steps: [{method: GET, path: /b}]}
                  - {name: c, steps: [{method: GET, path: /c}]}
                report: {window: 1s, grace: 1s}
                """.formatted(target.port()));
        Path archive = tmp.resolve("archive");
        // One run that is not archived warms this JVM (generator, aggregator, reporter): on a loaded machine the
        // first run's latencies are several times the others', which no baseline should be made of.
        assertThat(cli.run("run", plan.toString(), "--bootstrap", kafka.bootstrapServers(), "--topic-prefix", prefix,
                "--run-id", "warm-up", "--out", tmp.resolve("out-0").toString(), "--partitions", "2",
                "--application-id", TestKafka.uniqueTopic("trend-agg"), "--no-preflight", "--no-archive"))
                .as(cli.out() + cli.err()).isEqualTo(ExitCodes.OK);
        for (int i = 1; i <= 3; i++) {
            if (i == 3) {
                slowDelayMs.set(SLOW_DELAY_MS);
            }
            int exit = cli.run("run", plan.toString(), "--bootstrap", kafka.bootstrapServers(), "--topic-prefix",
                    prefix, "--run-id", "week-" + i, "--out", tmp.resolve("out-" + i).toString(), "--partitions",
                    "2", "--application-id", TestKafka.uniqueTopic("trend-agg"), "--no-preflight", "--archive",
                    archive.toString(), "--tag", "release=1." + i);
            assertThat(exit).as(cli.out() + cli.err()).isEqualTo(ExitCodes.OK);
        }
        assertThat(archive.resolve("weekly-shop").resolve("week-3").resolve("entry.json")).isRegularFile();
        assertThat(cli.out()).contains("Published the run's archive entry to " + prefix + ".runs");
        cli.clear();

        // when: trend reads the archive folder, alerting a webhook and one that nothing answers (a port just freed)
        Path out = tmp.resolve("trend");
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = socket.getLocalPort();
        }
        int exit = cli.run("trend", "--archive", archive.toString(), "--out", out.toString(), "--tolerance", "50%",
                "--webhook", "http://127.0.0.1:" + ((ServerConnector) webhook.getConnectors()[0]).getLocalPort()
                        + "/hook", "--webhook", "http://127.0.0.1:" + deadPort + "/dead", "--alert-retry-for", "2s");

        // then: only GET /b regressed, its latency by about the delay the server added
        assertThat(exit).as(cli.out() + cli.err()).isEqualTo(TrendCommand.REGRESSION);
        JsonNode report = new ObjectMapper().readTree(out.resolve("trend_report.json").toFile());
        assertThat(report.path("latest").asText()).isEqualTo("week-3");
        assertThat(report.at("/baseline/runs")).extracting(JsonNode::asText).containsExactly("week-1", "week-2");
        assertThat(report.path("runs")).extracting(r -> r.path("id").asText())
                .containsExactly("week-1", "week-2", "week-3");
        assertThat(report.at("/runs/0/tags/release").asText()).isEqualTo("1.1");
        assertThat(report.path("regressions")).isNotEmpty().allSatisfy(r -> {
            assertThat(r.path("endpoint").asText()).isEqualTo("GET /b");
            assertThat(r.path("metric").asText()).matches("p(50|90|95|99)_ms");
            assertThat(r.path("latest").asDouble()).isGreaterThanOrEqualTo(SLOW_DELAY_MS);
            assertThat(r.path("change_pct").asDouble()).isGreaterThan(100);
            assertThat(r.at("/ci95_pct/0").asDouble()).isPositive();
        });
        assertThat(report.at("/endpoints/GET ~1a/p99_ms")).hasSize(3);
        assertThat(out.resolve("trend.html")).content().contains("<svg").contains("GET /b")
                .doesNotContain("<script");
        assertThat(cli.out()).contains("REGRESSION").contains("baseline week-1");
        await().atMost(Duration.ofSeconds(90)).until(() -> !webhookBodies.isEmpty());
        assertThat(webhookBodies).filteredOn(body -> body.contains("LoadstreamTrendRegression")).isNotEmpty()
                .allSatisfy(body -> assertThat(body).contains("GET /b").contains("week-3"));
        // and: the dead webhook was given up on, and the live one was told so, firing then resolved (trend waits
        // for its deliveries before it exits)
        assertThat(cli.err()).contains("could not be delivered to 1 subscriber(s)");
        assertThat(webhookBodies).filteredOn(body -> body.contains("LoadstreamAlertDelivery"))
                .anySatisfy(body -> assertThat(body).contains("firing").contains(":" + deadPort))
                .anySatisfy(body -> assertThat(body).contains("resolved"));

        // and: trend reads the same three runs from the runs topic, and sends the alerts to the alerts topic
        cli.clear();
        int fromTopic = cli.run("trend", "--bootstrap", kafka.bootstrapServers(), "--topic-prefix", prefix,
                "--out", tmp.resolve("trend-topic").toString(), "--tolerance", "50%");
        assertThat(fromTopic).as(cli.out() + cli.err()).isEqualTo(TrendCommand.REGRESSION);
        JsonNode shared = new ObjectMapper().readTree(tmp.resolve("trend-topic/trend_report.json").toFile());
        assertThat(shared.path("runs")).extracting(r -> r.path("id").asText())
                .containsExactly("week-1", "week-2", "week-3");
        assertThat(shared.path("regressions")).extracting(r -> r.path("endpoint").asText()).containsOnly("GET /b");
        List<Alert> alerts = TopicReader.values(TopicReader.readAll(kafka, prefix + ".alerts", 0),
                bytes -> EventSerdes.alert().deserializer().deserialize(prefix + ".alerts", bytes));
        assertThat(alerts).isNotEmpty().anySatisfy(a -> assertThat(a.getLabels())
                .containsEntry("alertname", "LoadstreamTrendRegression").containsEntry("endpoint", "GET /b"));
    }

    @Test
    void nothingToCompareAndBadOptionsSayWhyWithTheirExitCodes() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));

        assertThat(cli.run("trend", "--archive", empty.toString(), "--out", tmp.resolve("o").toString()))
                .isEqualTo(ExitCodes.FAILURE);
        assertThat(cli.err()).contains("The archive " + empty + " holds no run");
        cli.clear();
        assertThat(cli.run("trend", "--archive", empty.toString(), "--tolerance", "ten")).isEqualTo(104);
        assertThat(cli.err()).contains("--tolerance must be a percentage");
        cli.clear();
        assertThat(cli.run("trend", "--archive", empty.toString(), "--bootstrap", "127.0.0.1:1")).isEqualTo(104);
        assertThat(cli.err()).contains("either --archive or --bootstrap");
        cli.clear();
        assertThat(cli.run("run", "plan.yaml", "--tag", "novalue")).isEqualTo(104);
        // the subscribers of run and report: Alertmanager and email, checked before the archive is read
        cli.clear();
        assertThat(cli.run("trend", "--archive", empty.toString(), "--alertmanager", "ftp://127.0.0.1:9093"))
                .isEqualTo(104);
        assertThat(cli.err()).contains("--alertmanager");
        cli.clear();
        assertThat(cli.run("trend", "--archive", empty.toString(), "--email-to", "team@example.com"))
                .isEqualTo(104);
        assertThat(cli.err()).contains("--email-to needs --smtp-url");
    }
}
