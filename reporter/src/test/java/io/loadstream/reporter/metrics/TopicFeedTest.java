package io.loadstream.reporter.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.loadstream.events.ControlType;
import io.loadstream.events.EndpointTotals;
import io.loadstream.events.EndpointWindow;
import io.loadstream.events.RunControl;
import io.loadstream.reporter.TestClock;
import io.loadstream.reporter.TestTopics;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.EventSerdes;
import io.loadstream.schemas.Topics;
import io.loadstream.schemas.fixtures.EventFixtures;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What {@code aggregate --metrics-port} serves, fed from a real broker: the windows of every run as they are
 * committed, each once even when a replay repeats it, and a run's series marked ended by its final totals.
 */
@ExtendWith(KafkaExtension.class)
class TopicFeedTest {

    @Test
    void windowsOfEveryRunAreCountedOnceAndTheFinalTotalsEndTheRun(TestKafka kafka) throws Exception {
        // given: a feed on fresh topics
        Topics topics = TestTopics.create(kafka, "feed");
        TestClock clock = TestClock.at(EventFixtures.nowMs());
        RunMetrics metrics = new RunMetrics(clock, Duration.ofMinutes(5));
        Properties client = new Properties();
        client.put("bootstrap.servers", kafka.bootstrapServers());
        long t0 = EventFixtures.nowMs();
        long[] first = EventFixtures.spread(120, 1_000, 90_000);
        long[] second = EventFixtures.spread(80, 1_000, 90_000);

        TopicFeed feed = new TopicFeed(client, topics, metrics);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(TestTopics.producer(kafka))) {
            // when: two runs publish windows; run a's second window is published twice (a replay)
            List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
            for (String run : List.of("a", "b")) {
                RunControl started = EventFixtures.control(run, ControlType.STARTED, t0, 0, 1);
                started.setPlanName("shop");
                records.add(new ProducerRecord<>(topics.control(), EventKeys.runKey(run),
                        EventSerdes.runControl().serialize(topics.control(), started)));
                records.add(window(topics, EventFixtures.window(run, "GET /x", t0, 10_000, first, 0)));
                records.add(window(topics, EventFixtures.window(run, "GET /x", t0 + 10_000, 10_000, second, 0)));
            }
            records.add(window(topics, EventFixtures.window("a", "GET /x", t0 + 10_000, 10_000, second, 0)));
            EndpointTotals done = EventFixtures.totals("a", EventKeys.ALL_ENDPOINTS, t0, t0 + 19_999,
                    EventFixtures.concat(first, second), 0, true);
            records.add(new ProducerRecord<>(topics.totals(), EventKeys.requestKey("a", EventKeys.ALL_ENDPOINTS),
                    EventSerdes.endpointTotals().serialize(topics.totals(), done)));
            TestTopics.sendAll(producer, records);

            // then: each run counts its 200 requests once; run a's series go once its retention has passed
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(requests(metrics))
                    .containsEntry("a", 200.0).containsEntry("b", 200.0));
            clock.add(Duration.ofMinutes(6));
            assertThat(requests(metrics)).doesNotContainKey("a").containsEntry("b", 200.0);
        } finally {
            feed.close();
        }
    }

    private static ProducerRecord<String, byte[]> window(Topics topics, EndpointWindow window) {
        return new ProducerRecord<>(topics.windows(), EventKeys.windowKey(window.getRunId(), window.getEndpoint(),
                window.getWindowStartMs()), EventSerdes.endpointWindow().serialize(topics.windows(), window));
    }

    /** loadstream_requests_total summed by run. */
    private static java.util.Map<String, Double> requests(RunMetrics metrics) {
        java.util.Map<String, Double> byRun = new java.util.HashMap<>();
        metrics.collect().stream().filter(s -> s.getMetadata().getName().equals("loadstream_requests"))
                .flatMap(s -> ((CounterSnapshot) s).getDataPoints().stream())
                .forEach(p -> byRun.merge(p.getLabels().get("run_id"), p.getValue(), Double::sum));
        return byRun;
    }
}
