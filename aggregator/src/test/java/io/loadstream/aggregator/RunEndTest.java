package io.loadstream.aggregator;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.events.ControlType;
import io.loadstream.events.EndpointTotals;
import io.loadstream.events.EndpointWindow;
import io.loadstream.schemas.EventSerdes;
import io.loadstream.schemas.TopicSetup;
import io.loadstream.schemas.Topics;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The end of a live run on a real broker: the last window closes within window + grace + 2 s after the run finishes,
 * even though one endpoint went quiet early, because FINISHED says how many requests each partition holds.
 */
@ExtendWith(KafkaExtension.class)
class RunEndTest {

    private static final int PARTITIONS = 3;
    private static final long WINDOW_MS = 10_000;
    private static final long GRACE_MS = 2_000;

    @TempDir
    Path stateDir;

    @Test
    void theLastWindowClosesWithinWindowPlusGracePlus2sOfTheEndEvenWithAnEndpointQuietSinceTheStart(TestKafka kafka)
            throws Exception {
        // given: a running aggregator, caught up
        Topics topics = Topics.withPrefix(TestKafka.uniqueTopic("end"));
        Properties admin = new Properties();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        new TopicSetup(PARTITIONS, (short) 1).ensure(admin, topics);
        AggregatorConfig config = AggregatorConfig.defaults(kafka.bootstrapServers())
                .withApplicationId(TestKafka.uniqueTopic("end-app")).withStateDir(stateDir).withTopics(topics)
                .withPartitions(PARTITIONS);
        String runId = "end-run";
        try (Aggregator aggregator = Aggregator.start(config);
             KafkaRun run = new KafkaRun(kafka, topics, PARTITIONS);
             KafkaConsumer<byte[], byte[]> windows = run.committedConsumer(topics.windows());
             KafkaConsumer<byte[], byte[]> totals = run.committedConsumer(topics.totals())) {
            aggregator.awaitRunning(Duration.ofSeconds(90));

            // when: a live run of 3 s in which one endpoint answers only in its first three rounds, with heartbeats
            long start = System.currentTimeMillis();
            run.sendToAllPartitions(Events.started(runId, start, WINDOW_MS, GRACE_MS), start);
            int sent = 0;
            int round = 0;
            while (System.currentTimeMillis() - start < 3_000) {
                long now = System.currentTimeMillis();
                for (int i = 0; i < 20; i++) {
                    run.send(Events.ok(runId, "GET /busy", now, 1_000 + i));
                    sent++;
                }
                if (round++ < 3) {
                    run.send(Events.ok(runId, "GET /quiet", now, 5_000));
                    sent++;
                }
                run.flush();
                run.sendToAllPartitions(Events.control(runId, ControlType.HEARTBEAT, now, 0, 1), now);
                Thread.sleep(50);
            }
            long end = System.currentTimeMillis();
            run.sendToAllPartitions(run.finished(runId, "gen-1", end, 0, 1), end);
            run.flush();
            long finishedNanos = System.nanoTime();

            // then: every window and the complete * totals are out within window + grace + 2 s
            Map<String, EndpointWindow> closed = new HashMap<>();
            EndpointTotals all = null;
            long bound = WINDOW_MS + GRACE_MS + 2_000;
            long lastWindowMs = -1;
            while (all == null && (System.nanoTime() - finishedNanos) / 1_000_000 < bound) {
                for (ConsumerRecord<byte[], byte[]> r : windows.poll(Duration.ofMillis(50))) {
                    closed.put(new String(r.key(), StandardCharsets.UTF_8),
                            EventSerdes.endpointWindow().deserialize(r.topic(), r.value()));
                    lastWindowMs = (System.nanoTime() - finishedNanos) / 1_000_000;
                }
                for (ConsumerRecord<byte[], byte[]> r : totals.poll(Duration.ofMillis(50))) {
                    EndpointTotals t = EventSerdes.endpointTotals().deserialize(r.topic(), r.value());
                    if (t.getComplete() && t.getEndpoint().equals("*")) {
                        all = t;
                    }
                }
            }
            for (ConsumerRecord<byte[], byte[]> r : windows.poll(Duration.ofMillis(500))) {
                closed.put(new String(r.key(), StandardCharsets.UTF_8),
                        EventSerdes.endpointWindow().deserialize(r.topic(), r.value()));
                lastWindowMs = (System.nanoTime() - finishedNanos) / 1_000_000;
            }
            long tookMs = (System.nanoTime() - finishedNanos) / 1_000_000;
            LoggerFactory.getLogger(getClass()).warn("Run end: complete * totals {} ms and last window {} ms after "
                    + "FINISHED (bound {} ms)", tookMs, lastWindowMs, bound);
            assertThat(all).as("complete * totals within %d ms of FINISHED", bound).isNotNull();
            assertThat(all.getStats().getCount()).isEqualTo(sent);
            assertThat(lastWindowMs).isBetween(0L, bound);
            long inWindows = closed.values().stream().filter(w -> !w.getEndpoint().equals("*"))
                    .mapToLong(w -> w.getStats().getCount()).sum();
            assertThat(inWindows + all.getLateEvents()).isEqualTo(sent);
            assertThat(closed.values().stream().map(EndpointWindow::getEndpoint).distinct())
                    .containsExactlyInAnyOrderElementsOf(List.of("GET /busy", "GET /quiet", "*"));
        }
    }
}
