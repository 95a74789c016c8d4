package io.loadstream.aggregator;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.events.ControlType;
import io.loadstream.events.EndpointTotals;
import io.loadstream.events.EndpointWindow;
import io.loadstream.events.ErrorClass;
import io.loadstream.schemas.TopicSetup;
import io.loadstream.schemas.Topics;
import io.loadstream.schemas.fixtures.EventFixtures;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Two instances with one application id share the partitions; together they emit what one instance emits. */
@ExtendWith(KafkaExtension.class)
class ScaleOutTest {

    private static final int PARTITIONS = 4;
    /**
     * Now, on a minute boundary: records on a real broker must be recent, or its 7-day retention deletes them (and
     * the windows the aggregator writes with their times) while the test runs.
     */
    private static final long T0 = EventFixtures.nowMs();
    private static final String[] ENDPOINTS = {"GET /a", "GET /b", "POST /c", "GET /d/{id}", "PUT /e", "GET /f"};

    @TempDir
    Path stateDir;

    @Test
    void twoInstancesTogetherEmitWhatOneInstanceEmits(TestKafka kafka) throws Exception {
        // given: the same two runs produced to two topic sets
        Topics single = Topics.withPrefix(TestKafka.uniqueTopic("single"));
        Topics shared = Topics.withPrefix(TestKafka.uniqueTopic("shared"));
        produce(kafka, single);
        produce(kafka, shared);

        // when: one instance aggregates the first set, two instances with one application id the second
        Map<String, EndpointTotals> one;
        KafkaRun.Output<EndpointWindow> oneWindows;
        try (Aggregator aggregator = Aggregator.start(config(kafka, single, "one"))) {
            aggregator.awaitRunning(Duration.ofSeconds(90));
            one = awaitComplete(kafka, single);
            oneWindows = windows(kafka, single);
        }
        Map<String, EndpointTotals> two;
        KafkaRun.Output<EndpointWindow> twoWindows;
        String appId = TestKafka.uniqueTopic("two");
        try (Aggregator first = Aggregator.start(config(kafka, shared, appId).withStateDir(stateDir.resolve("a")));
             Aggregator second = Aggregator.start(config(kafka, shared, appId).withStateDir(stateDir.resolve("b")))) {
            first.awaitRunning(Duration.ofSeconds(90));
            second.awaitRunning(Duration.ofSeconds(90));
            two = awaitComplete(kafka, shared);
            twoWindows = windows(kafka, shared);
        }

        // then: the same final windows and complete totals, each emitted once
        assertThat(one).hasSize(2 * (ENDPOINTS.length + 1));
        assertThat(two).isEqualTo(one);
        assertThat(oneWindows.times.values()).allMatch(n -> n == 1);
        assertThat(twoWindows.times.values()).allMatch(n -> n == 1);
        assertThat(twoWindows.last.keySet()).isEqualTo(oneWindows.last.keySet());
        assertThat(twoWindows.last.entrySet()).allMatch(e -> e.getValue().equals(oneWindows.last.get(e.getKey())));
        for (String runId : List.of("run-a", "run-b")) {
            assertThat(one.get(runId + "|*").getStats().getCount()).isEqualTo(20_000);
            long inWindows = oneWindows.last.values().stream()
                    .filter(w -> w.getRunId().equals(runId) && !w.getEndpoint().equals("*"))
                    .mapToLong(w -> w.getStats().getCount()).sum();
            assertThat(inWindows + one.get(runId + "|*").getLateEvents()).as("windows and late events of " + runId)
                    .isEqualTo(20_000);
        }
    }

    private AggregatorConfig config(TestKafka kafka, Topics topics, String appId) {
        return AggregatorConfig.defaults(kafka.bootstrapServers())
                .withApplicationId(appId)
                .withStateDir(stateDir.resolve(appId))
                .withTopics(topics)
                .withPartitions(PARTITIONS)
                .withExtraProperties(ExactlyOnceKillTest.FAST_GROUP);
    }

    private static Map<String, EndpointTotals> awaitComplete(TestKafka kafka, Topics topics) {
        try (KafkaRun run = new KafkaRun(kafka, topics, PARTITIONS)) {
            return run.completeTotals(c -> c.containsKey("run-a|*") && c.containsKey("run-b|*")
                    && c.size() == 2 * (ENDPOINTS.length + 1), Duration.ofSeconds(120));
        }
    }

    private static KafkaRun.Output<EndpointWindow> windows(TestKafka kafka, Topics topics) {
        try (KafkaRun run = new KafkaRun(kafka, topics, PARTITIONS)) {
            return run.windows(Duration.ofSeconds(30));
        }
    }

    /** Two runs of 20,000 requests each, 2 s windows, finished; everything on the broker before any aggregator. */
    private static void produce(TestKafka kafka, Topics topics) {
        Properties admin = new Properties();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        new TopicSetup(PARTITIONS, (short) 1).ensure(admin, topics);
        try (KafkaRun run = new KafkaRun(kafka, topics, PARTITIONS)) {
            long base = T0;
            for (String runId : List.of("run-a", "run-b")) {
                Random random = new Random(runId.hashCode());
                long t0 = base;
                base += 30_000;
                run.sendToAllPartitions(EventFixtures.started(runId, t0, 2_000, 500), t0);
                for (int i = 0; i < 20_000; i++) {
                    long at = t0 + i;
                    String endpoint = ENDPOINTS[random.nextInt(ENDPOINTS.length)];
                    long latency = (long) (Math.exp(random.nextGaussian()) * 20_000);
                    run.send(random.nextInt(50) == 0
                            ? EventFixtures.request(runId, endpoint, at, latency, 503, ErrorClass.STATUS)
                            : EventFixtures.ok(runId, endpoint, at, latency));
                    if (i % 1_000 == 999) {
                        run.flush();
                        run.sendToAllPartitions(EventFixtures.control(runId, ControlType.HEARTBEAT, at, 0, 1), at);
                    }
                }
                run.flush();
                run.sendToAllPartitions(run.finished(runId, "gen-1", t0 + 20_000, 0, 1), t0 + 20_000);
            }
            run.flush();
        }
    }
}
