package io.loadstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.loadstream.events.Alert;
import io.loadstream.events.AlertStatus;
import io.loadstream.generator.plan.Plan;
import io.loadstream.generator.plan.PlanParser;
import io.loadstream.reporter.Reporter;
import io.loadstream.reporter.ReporterConfig;
import io.loadstream.reporter.ReporterResult;
import io.loadstream.reporter.threshold.ThresholdOutcome;
import io.loadstream.reporter.threshold.ThresholdRules;
import io.loadstream.schemas.TopicSetup;
import io.loadstream.schemas.Topics;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alerts of a real run, live and replayed (issue 15): a steady constant-arrival-rate run on a loopback server
 * that is slow for a few seconds in the middle, through {@code run}'s whole pipeline on a real broker, followed live
 * by its reporter and then replayed by a second reporter ({@code report --run-id} after the end).
 *
 * <ul>
 *   <li>A windowed {@code http_reqs rate>} threshold at 80% of the planned rate never fires, although the run's
 *       first and last windows are partial (they are aligned to the clock, not to the run).</li>
 *   <li>The windowed latency threshold fires during the slow phase and resolves after it, and the replay writes
 *       exactly the same alert transitions as the live reporter, none ending before it starts.</li>
 * </ul>
 */
@ExtendWith(KafkaExtension.class)
class AlertsLiveAndReplayTest {

    private static final int RATE = 40;
    private static final long SLOW_FROM_MS = 7_000;
    private static final long SLOW_UNTIL_MS = 12_000;
    private static final long SLOW_DELAY_MS = 600;

    @TempDir
    Path tmp;

    @Test
    void aSteadyRunNeverFiresItsRateThresholdAndTheReplayWritesTheLiveAlertHistory(TestKafka kafka)
            throws Exception {
        ExecutorService workers = Executors.newFixedThreadPool(32);
        HttpServer server = slowInTheMiddle(workers);
        try {
            // given: 40/s for 20 s, 2 s windows; a rate threshold at 80% of it, and a latency threshold that the
            // slow phase breaks
            String yaml = "name: live-replay\ntarget: http://127.0.0.1:" + server.getAddress().getPort() + "\n"
                    + """
                    load: {executor: constant-arrival-rate, rate: 40, duration: 20s, pre_allocated_vus: 20, max_vus: 60}
                    scenarios: [{name: s, steps: [{method: GET, path: /api/x}]}]
                    report: {window: 2s, grace: 1s}
                    thresholds:
                      http_reqs: [{threshold: "rate>32", window: 4s}]
                      http_req_duration: [{threshold: "p(95)<400", window: 2s}]
                    """;
            Plan plan = PlanParser.parse(yaml, "live-replay.yaml", tmp, Map.of(), ThresholdRules::problem);
            Topics topics = Topics.withPrefix(TestKafka.uniqueTopic("replay"));
            String runId = "live-replay-" + System.nanoTime();
            List<String> console = Collections.synchronizedList(new ArrayList<>());
            LocalRunOptions options = LocalRunOptions.of(runId, tmp.resolve("live"))
                    .withBootstrap(kafka.bootstrapServers())
                    .withTopics(topics)
                    .withTopicSetup(new TopicSetup(3, (short) 1))
                    .withApplicationId(TestKafka.uniqueTopic("replay-aggregator"))
                    .withStateDir(tmp.resolve("state"));

            // when: the run with its live reporter, then a replay of the finished run
            ReporterResult live;
            try (LocalRun run = new LocalRun(options, new Console(console::add, console::add))) {
                live = run.run(plan).reported();
            }
            ReporterResult replay = new Reporter(ReporterConfig.of(kafka.bootstrapServers(), runId,
                    tmp.resolve("replay")).withTopics(topics)).run();

            // then: the latency threshold fired in the slow phase, no resolved ends before it starts, and the replay
            // wrote the same history as the live reporter
            assertThat(live.complete()).isTrue();
            List<String> liveHistory = history(live.report().alerts());
            assertThat(live.report().alerts()).as("%s", liveHistory).extracting(Alert::getStatus)
                    .contains(AlertStatus.FIRING);
            assertThat(live.report().alerts()).allSatisfy(a -> {
                if (a.getStatus() == AlertStatus.RESOLVED) {
                    assertThat(a.getEndsAtMs()).isGreaterThan(a.getStartsAtMs());
                }
            });
            assertThat(history(replay.report().alerts())).isEqualTo(liveHistory);
            assertThat(replay.exitCode()).isEqualTo(live.exitCode()).isEqualTo(ReporterResult.THRESHOLD_FAILED);

            // and, unless a generator starved of CPU (a loaded test machine) dropped iterations (the rate and the
            // latencies are then not the server's), the latency alert resolved after the slow phase and the rate
            // threshold passed and never fired, in both
            Assumptions.assumeTrue(live.report().run().droppedIterations() == 0,
                    "the test machine was too busy: " + live.report().run().droppedIterations()
                            + " dropped iterations");
            assertThat(live.report().alerts()).as("%s", liveHistory).extracting(Alert::getStatus)
                    .contains(AlertStatus.RESOLVED);
            for (ReporterResult result : List.of(live, replay)) {
                ThresholdOutcome rate = result.thresholds().stream()
                        .filter(t -> t.rule().expression().equals("rate>32")).findFirst().orElseThrow();
                assertThat(rate.passed()).as("rate>32 on a 40/s run: %s", liveHistory).isTrue();
                assertThat(result.report().alerts()).noneSatisfy(a ->
                        assertThat(a.getExpression()).isEqualTo("rate>32"));
            }
        } finally {
            server.stop(0);
            workers.shutdownNow();
        }
    }

    /** Each transition as fingerprint, status, start and end. */
    private static List<String> history(List<Alert> alerts) {
        List<String> lines = new ArrayList<>();
        for (Alert a : alerts) {
            lines.add(a.getFingerprint() + " " + a.getExpression() + " " + a.getStatus() + " " + a.getStartsAtMs()
                    + " " + a.getEndsAtMs());
        }
        return lines;
    }

    /** A server on 127.0.0.1 that answers at once, except from 7 s to 12 s after its first request (600 ms). */
    private static HttpServer slowInTheMiddle(ExecutorService workers) throws java.io.IOException {
        AtomicLong firstNanos = new AtomicLong();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
        server.createContext("/", exchange -> {
            long now = System.nanoTime();
            firstNanos.compareAndSet(0, now);
            long sinceMs = Duration.ofNanos(now - firstNanos.get()).toMillis();
            if (sinceMs >= SLOW_FROM_MS && sinceMs < SLOW_UNTIL_MS) {
                try {
                    Thread.sleep(SLOW_DELAY_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.setExecutor(workers);
        server.start();
        return server;
    }
}
