package io.loadstream.aggregator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.loadstream.events.ControlType;
import io.loadstream.events.EndpointTotals;
import io.loadstream.events.EndpointWindow;
import io.loadstream.schemas.TopicSetup;
import io.loadstream.schemas.Topics;
import io.loadstream.schemas.fixtures.EventFixtures;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Exactly once across a crash: an aggregator in a child JVM is killed with SIGKILL mid-stream and restarted. */
@ExtendWith(KafkaExtension.class)
class ExactlyOnceKillTest {

    /** A dead member leaves the group within 6 s (the broker's minimum), not Kafka's default 45 s. */
    static final Map<String, String> FAST_GROUP = Map.of(
            StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), "6000",
            StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), "1000");

    private static final int PARTITIONS = 3;
    private static final int EVENTS = 60_000;
    private static final String[] ENDPOINTS = {"GET /a", "GET /b", "POST /c", "GET /d/{id}", "PUT /e"};
    /**
     * Now, on a minute boundary: records on a real broker must be recent, or its 7-day retention deletes them (and
     * the windows the aggregator writes with their times) while the test runs.
     */
    private static final long T0 = EventFixtures.nowMs();

    @TempDir
    Path stateDir;

    @Test
    void totalsEqualTheEventsProducedAfterAKillMinus9AndRestart(TestKafka kafka) throws Exception {
        // given: topics, and a run with 1 s windows
        String prefix = TestKafka.uniqueTopic("eos");
        Topics topics = Topics.withPrefix(prefix);
        Properties admin = new Properties();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        new TopicSetup(PARTITIONS, (short) 1).ensure(admin, topics);
        String runId = "eos-run";
        String appId = TestKafka.uniqueTopic("eos-app");
        Map<String, Long> sent = new HashMap<>();
        try (KafkaRun run = new KafkaRun(kafka, topics, PARTITIONS)) {
            run.sendToAllPartitions(EventFixtures.started(runId, T0, 1_000, 200), T0);
            run.flush();

            // when: the first aggregator reads a stream that keeps coming, and is killed once it has emitted windows
            Process first = startChild(kafka, appId, prefix);
            AtomicBoolean stop = new AtomicBoolean();
            CompletableFuture<Integer> producing = CompletableFuture.supplyAsync(
                    () -> produce(run, runId, 0, EVENTS / 2, sent, stop));
            try (KafkaConsumer<byte[], byte[]> windows = run.committedConsumer(topics.windows())) {
                KafkaRun.Output<EndpointWindow> seen = new KafkaRun.Output<>();
                // The consumer is not thread-safe: poll it on this thread.
                await("10 windows before the kill").atMost(Duration.ofSeconds(120)).pollInSameThread()
                        .pollInterval(Duration.ZERO)
                        .until(() -> run.windowsConsumer(seen, windows).last.size() >= 10);
            }
            first.destroyForcibly();
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            int produced = producing.get(120, TimeUnit.SECONDS);

            // and: the rest of the run is produced while it is down, and a new aggregator takes over
            produced += produce(run, runId, produced, EVENTS - produced, sent, stop);
            long end = T0 + produced;
            run.sendToAllPartitions(run.finished(runId, "gen-1", end, 0, 1), end);
            run.flush();
            Process second = startChild(kafka, appId, prefix);
            try {
                // then: the complete totals count every event exactly once
                Map<String, EndpointTotals> complete = run.completeTotals(
                        c -> c.containsKey(runId + "|*"), Duration.ofSeconds(120));
                assertThat(complete).containsKey(runId + "|*");
                Map<String, Long> counted = new HashMap<>();
                complete.forEach((key, totals) -> counted.put(totals.getEndpoint(), totals.getStats().getCount()));
                Map<String, Long> expected = new HashMap<>(sent);
                expected.put("*", (long) EVENTS);
                assertThat(counted).isEqualTo(expected);
                // and: no window was emitted twice (read_committed: aborted attempts stay invisible)
                KafkaRun.Output<EndpointWindow> windows = run.windows(Duration.ofSeconds(30));
                assertThat(windows.times.values()).allMatch(times -> times == 1);
                // and: the windows plus the late events hold every event
                long inWindows = windows.last.values().stream().filter(w -> !w.getEndpoint().equals("*"))
                        .mapToLong(w -> w.getStats().getCount()).sum();
                assertThat(inWindows + complete.get(runId + "|*").getLateEvents()).isEqualTo(EVENTS);
            } finally {
                second.destroyForcibly();
                second.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Sends {@code count} requests, 1 ms apart from {@code from}, with a heartbeat every 500. */
    private static int produce(KafkaRun run, String runId, int from, int count, Map<String, Long> sent,
                               AtomicBoolean stop) {
        int i = from;
        for (; i < from + count && !stop.get(); i++) {
            String endpoint = ENDPOINTS[i % ENDPOINTS.length];
            run.send(EventFixtures.ok(runId, endpoint, T0 + i, 1_000 + (i % 997) * 10L));
            synchronized (sent) {
                sent.merge(endpoint, 1L, Long::sum);
            }
            if (i % 500 == 499) {
                run.flush();
                run.sendToAllPartitions(EventFixtures.control(runId, ControlType.HEARTBEAT, T0 + i, 0, 1), T0 + i);
                // Paced, so that the aggregator is killed in the middle of the stream.
                sleepQuietly(20);
            }
        }
        run.flush();
        return i - from;
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Process startChild(TestKafka kafka, String appId, String prefix) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "-Dlogback.configurationFile=logback-child.xml",
                "-Dloadstream.child.log=" + System.getProperty("loadstream.test.workdir", "target")
                        + "/aggregator-child.log",
                AggregatorProcessForTest.class.getName(), kafka.bootstrapServers(), appId,
                stateDir.toString(), prefix, Integer.toString(PARTITIONS));
        builder.redirectErrorStream(true);
        builder.redirectInput(ProcessBuilder.Redirect.PIPE);
        Process process = builder.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        CompletableFuture<Boolean> running = CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.equals("RUNNING")) {
                        return true;
                    }
                }
            } catch (java.io.IOException ignored) {
                // The child died: reported below.
            }
            return false;
        });
        boolean started = running.get(120, TimeUnit.SECONDS);
        if (!started) {
            process.destroyForcibly();
            throw new AssertionError("The aggregator child did not start; see " + new File("target/test.log"));
        }
        return process;
    }

    static List<String> endpoints() {
        return List.of(ENDPOINTS);
    }
}
