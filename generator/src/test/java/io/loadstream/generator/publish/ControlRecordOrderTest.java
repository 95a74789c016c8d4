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
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A control record reaches the broker only after every earlier timing older than its watermark: on a real broker,
 * seen from inside the real producer ({@link ControlOrderProbe}), with the outbox's memory so small that most
 * records go through the journal and are replayed from it. GeneratorBrokerOutageTest checks the same rule through a
 * broker crash.
 */
@ExtendWith(KafkaExtension.class)
class ControlRecordOrderTest {

    private static final int ROUNDS = 40;
    private static final int TIMINGS_PER_ROUND = 1_000;

    @Test
    void aControlRecordIsHandedToTheProducerOnlyOnceEveryEarlierTimingIsAcknowledged(TestKafka kafka,
                                                                                      @TempDir Path journal)
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
        EventPublisher publisher = new EventPublisher(producer, topics, runId, 100_000, () -> startMs,
                timing -> { }, OutageBuffer.DEFAULT.withMemoryEvents(500).withJournalDirectory(journal));

        // when: rounds of 1,000 timings on 12 endpoints, each followed by a heartbeat whose watermark is the end
        // of its round (every later timing starts at or after it)
        for (int round = 0; round < ROUNDS; round++) {
            long roundMs = startMs + round * 1_000L;
            for (int i = 0; i < TIMINGS_PER_ROUND; i++) {
                publisher.requestCompleted(EventFixtures.ok(runId, "GET /e" + i % 12, roundMs + i, 1_000));
            }
            long watermarkMs = roundMs + 1_000;
            publisher.submitControl((p, watermark) -> p.sendControl(
                    EventFixtures.control(runId, ControlType.HEARTBEAT, watermarkMs, 0, 1), watermarkMs));
        }
        publisher.submitControl((p, watermark) -> p.flushProducer()).get(90, TimeUnit.SECONDS);
        publisher.close(Duration.ofSeconds(30));

        // then: no control record was handed over while a timing older than its watermark was unsettled, and the
        // rule was at work: control records waited, on the direct path and on the journal's
        ControlOrderProbe.Figures figures = ControlOrderProbe.of(clientId);
        int partitions = TopicSetup.DEFAULT.partitions();
        assertThat(figures.timingsSent()).isEqualTo((long) ROUNDS * TIMINGS_PER_ROUND);
        assertThat(figures.timingsSettled()).as(figures.toString()).isEqualTo(figures.timingsSent());
        assertThat(figures.controlsSent()).isEqualTo((long) ROUNDS * partitions);
        assertThat(figures.controlsWithTimingsBefore()).isEqualTo((long) ROUNDS * partitions);
        assertThat(figures.controlsAfterUnsettled()).as(figures.toString()).isZero();
        assertThat(publisher.controlsDeferred()).isPositive();
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
