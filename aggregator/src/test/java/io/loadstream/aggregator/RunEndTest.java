package io.loadstream.aggregator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.loadstream.events.ControlType;
import io.loadstream.events.EndpointTotals;
import io.loadstream.events.EndpointWindow;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.EventSerdes;
import io.loadstream.schemas.TopicSetup;
import io.loadstream.schemas.Topics;
import io.loadstream.schemas.fixtures.EventFixtures;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The end of a live run on a real broker: FINISHED, which says how many requests each partition holds, closes the
 * run and its last windows, even though one endpoint went quiet early. The idle timeout is set far beyond the wait,
 * so that only FINISHED can close the run within it; how fast the end comes is measured in bench/, not asserted
 * here (a loaded machine is slow).
 */
@ExtendWith(KafkaExtension.class)
class RunEndTest {

    private static final int PARTITIONS = 3;
    private static final long WINDOW_MS = 10_000;
    private static final long GRACE_MS = 2_000;
    /** Longest wait for the run's end: generous for a loaded machine, and far below the idle timeout. */
    private static final Duration END_WAIT = Duration.ofSeconds(120);

    @TempDir
    Path stateDir;

    @Test
    void finishedClosesTheRunAndItsLastWindowsEvenWithAnEndpointQuietSinceTheStart(TestKafka kafka)
            throws Exception {
        // given: a running aggregator, caught up, whose idle timeout cannot close the run within the wait
        Topics topics = Topics.withPrefix(TestKafka.uniqueTopic("end"));
        Properties admin = new Properties();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        new TopicSetup(PARTITIONS, (short) 1).ensure(admin, topics);
        AggregatorConfig config = AggregatorConfig.defaults(kafka.bootstrapServers())
                .withApplicationId(TestKafka.uniqueTopic("end-app")).withStateDir(stateDir).withTopics(topics)
                .withPartitions(PARTITIONS).withIdleTimeout(END_WAIT.multipliedBy(10));
        String runId = "end-run";
        try (Aggregator aggregator = Aggregator.start(config);
             KafkaRun run = new KafkaRun(kafka, topics, PARTITIONS);
             KafkaConsumer<byte[], byte[]> windows = run.committedConsumer(topics.windows());
             KafkaConsumer<byte[], byte[]> totals = run.committedConsumer(topics.totals())) {
            aggregator.awaitRunning(Duration.ofSeconds(90));

            // when: a live run of 3 s in which one endpoint answers only in its first three rounds, with heartbeats
            long start = System.currentTimeMillis();
            run.sendToAllPartitions(EventFixtures.started(runId, start, WINDOW_MS, GRACE_MS), start);
            int sent = 0;
            int round = 0;
            while (System.currentTimeMillis() - start < 3_000) {
                long now = System.currentTimeMillis();
                for (int i = 0; i < 20; i++) {
                    run.send(EventFixtures.ok(runId, "GET /busy", now, 1_000 + i));
                    sent++;
                }
                if (round++ < 3) {
                    run.send(EventFixtures.ok(runId, "GET /quiet", now, 5_000));
                    sent++;
                }
                run.flush();
                run.sendToAllPartitions(EventFixtures.control(runId, ControlType.HEARTBEAT, now, 0, 1), now);
                // Paces the load like a live run; nothing waits on it.
                Thread.sleep(50);
            }
            long end = System.currentTimeMillis();
            run.sendToAllPartitions(run.finished(runId, "gen-1", end, 0, 1), end);
            run.flush();
            long finishedNanos = System.nanoTime();

            // then: the complete * totals come, with every request
            Map<String, EndpointWindow> closed = new HashMap<>();
            AtomicReference<EndpointTotals> all = new AtomicReference<>();
            // The consumers are not thread-safe: poll them on this thread.
            await("complete * totals").atMost(END_WAIT).pollInSameThread().pollInterval(Duration.ZERO).until(() -> {
                readWindows(windows, closed);
                for (ConsumerRecord<byte[], byte[]> r : totals.poll(Duration.ofMillis(50))) {
                    EndpointTotals t = EventSerdes.endpointTotals().deserialize(r.topic(), r.value());
                    if (t.getComplete() && t.getEndpoint().equals(EventKeys.ALL_ENDPOINTS)) {
                        all.set(t);
                    }
                }
                return all.get() != null;
            });
            LoggerFactory.getLogger(getClass()).info("Run end: complete * totals {} ms after FINISHED",
                    (System.nanoTime() - finishedNanos) / 1_000_000);
            assertThat(all.get().getStats().getCount()).isEqualTo(sent);
            // and: every request is in a closed window (or counted late), those of the quiet endpoint too
            long late = all.get().getLateEvents();
            int requests = sent;
            await("windows holding every request").atMost(END_WAIT).pollInSameThread().pollInterval(Duration.ZERO)
                    .untilAsserted(() -> {
                        readWindows(windows, closed);
                        long inWindows = closed.values().stream()
                                .filter(w -> !w.getEndpoint().equals(EventKeys.ALL_ENDPOINTS))
                                .mapToLong(w -> w.getStats().getCount()).sum();
                        assertThat(inWindows + late).isEqualTo(requests);
                        assertThat(closed.values().stream().map(EndpointWindow::getEndpoint).distinct())
                                .containsExactlyInAnyOrderElementsOf(
                                        List.of("GET /busy", "GET /quiet", EventKeys.ALL_ENDPOINTS));
                    });
        }
    }

    private static void readWindows(KafkaConsumer<byte[], byte[]> windows, Map<String, EndpointWindow> into) {
        for (ConsumerRecord<byte[], byte[]> r : windows.poll(Duration.ofMillis(50))) {
            into.put(new String(r.key(), StandardCharsets.UTF_8),
                    EventSerdes.endpointWindow().deserialize(r.topic(), r.value()));
        }
    }
}
