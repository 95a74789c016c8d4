package io.loadstream.generator.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.events.ControlType;
import io.loadstream.schemas.Topics;
import io.loadstream.schemas.TopicSetup;
import io.loadstream.schemas.fixtures.EventFixtures;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import io.loadstream.testkit.TopicReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A control record never carries a watermark past a timing handed over before it that the broker has not
 * acknowledged: on a real broker, seen from inside the real producer ({@link ControlOrderProbe}), with the outbox's
 * memory so small that most records go through the journal and are replayed from it. GeneratorBrokerOutageTest
 * checks the same rule through a broker crash.
 */
@ExtendWith(KafkaExtension.class)
class ControlRecordOrderTest {

    private static final int ROUNDS = 40;
    private static final int TIMINGS_PER_ROUND = 1_000;

    @Test
    void aControlRecordsWatermarkStaysAtTheOldestUnacknowledgedTiming(TestKafka kafka, @TempDir Path journal)
            throws Exception {
        // given: a publisher on its own topics whose outbox holds 500 unacknowledged records, then spills
        String runId = "order-run";
        Topics topics = Topics.withPrefix(TestKafka.uniqueTopic("order"));
        TopicSetup.DEFAULT.ensure(KafkaSettings.admin(kafka.bootstrapServers(), Map.of()), topics);
        String clientId = TestKafka.uniqueTopic("order-producer");
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaSettings.producer(
                kafka.bootstrapServers(), clientId,
                Map.of(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, ControlOrderProbe.class.getName())));
        long startMs = EventFixtures.nowMs();
        AtomicLong watermarkMs = new AtomicLong(startMs);
        EventPublisher publisher = new EventPublisher(producer, topics, runId, 100_000, watermarkMs::get,
                timing -> { }, OutageBuffer.DEFAULT.withMemoryEvents(500).withJournalDirectory(journal));

        // when: rounds of 1,000 timings on 12 endpoints, each followed by a heartbeat; the generator's watermark is
        // the end of the round (every later timing starts at or after it)
        AtomicInteger heldBack = new AtomicInteger();
        for (int round = 0; round < ROUNDS; round++) {
            long roundMs = startMs + round * 1_000L;
            for (int i = 0; i < TIMINGS_PER_ROUND; i++) {
                publisher.requestCompleted(EventFixtures.ok(runId, "GET /e" + i % 12, roundMs + i, 1_000));
            }
            long roundEndMs = roundMs + 1_000;
            watermarkMs.set(roundEndMs);
            publisher.submitControl((p, watermark) -> {
                if (watermark < roundEndMs) {
                    heldBack.incrementAndGet();
                }
                p.sendControl(EventFixtures.control(runId, ControlType.HEARTBEAT, watermark, 0, 1), watermark);
            });
        }
        publisher.submitControl((p, watermark) -> p.flushProducer()).get(90, TimeUnit.SECONDS);
        publisher.close(Duration.ofSeconds(30));

        // then: no control record was handed over while a timing older than its watermark was unsettled, none was
        // held up, and the rule was at work: watermarks were lowered (round 0's at least: its control record went
        // into the journal behind 500 or more of its timings)
        ControlOrderProbe.Figures figures = ControlOrderProbe.of(clientId);
        int partitions = TopicSetup.DEFAULT.partitions();
        assertThat(figures.timingsSent()).isEqualTo((long) ROUNDS * TIMINGS_PER_ROUND);
        assertThat(figures.timingsSettled()).as(figures.toString()).isEqualTo(figures.timingsSent());
        assertThat(figures.controlsSent()).isEqualTo((long) ROUNDS * partitions);
        assertThat(figures.controlsWithTimingsBefore()).isEqualTo((long) ROUNDS * partitions);
        assertThat(figures.controlsAfterUnsettled()).as(figures.toString()).isZero();
        assertThat(heldBack.get()).as("heartbeats whose watermark was lowered").isPositive();
        assertThat(publisher.journaledTotal()).isPositive();
        assertThat(publisher.dropped()).isZero();

        // and everything is on the topics, each control partition's records in the order they were sent
        assertThat(TopicReader.readAll(kafka, topics.requests(), (long) ROUNDS * TIMINGS_PER_ROUND))
                .hasSize(ROUNDS * TIMINGS_PER_ROUND);
        List<ConsumerRecord<byte[], byte[]>> control = TopicReader.readAll(kafka, topics.control(),
                (long) ROUNDS * partitions);
        assertThat(control).hasSize(ROUNDS * partitions);
        control.stream().collect(Collectors.groupingBy(ConsumerRecord::partition)).values()
                .forEach(records -> assertThat(records.stream().map(ConsumerRecord::timestamp).toList())
                        .hasSize(ROUNDS).isSorted());
    }
}
