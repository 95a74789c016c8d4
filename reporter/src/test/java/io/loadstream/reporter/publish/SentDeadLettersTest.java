package io.loadstream.reporter.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.reporter.intake.RunEvent;
import io.loadstream.schemas.DeadLetters;
import io.loadstream.schemas.EventKeys;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import io.loadstream.testkit.TopicReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A restarted reporter (or a replay of a finished run) reads back what an earlier reporter of its run set aside,
 * on a real broker, and does not write those dead letters again.
 */
@ExtendWith(KafkaExtension.class)
class SentDeadLettersTest {

    private static final String RUN = "weekly-1";

    @Test
    void aSecondReporterOfTheRunWritesNoDeadLetterTwiceAndStillCountsIt(TestKafka kafka) {
        // given: the first reporter of the run set aside one window, a reporter of another run one of its own
        String dlq = TestKafka.uniqueTopic("sent-dlq");
        String windows = TestKafka.uniqueTopic("sent-windows");
        kafka.createTopic(dlq, 3);
        RunEvent.Unreadable ours = unreadable(windows, EventKeys.windowKey(RUN, "GET /a", 0), 7);
        RunEvent.Unreadable theirs = unreadable(windows, EventKeys.windowKey("weekly-2", "GET /a", 0), 8);
        try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
            new DeadLetterPublisher(producer, dlq).publish(ours);
            new DeadLetterPublisher(producer, dlq).publish(theirs);
            producer.flush();
        }

        // when: a second reporter of the run starts, and meets the same bad record
        Set<String> sent = SentDeadLetters.read(consumerProperties(kafka), dlq, RUN, Duration.ofSeconds(60));
        DeadLetterPublisher second;
        try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
            second = new DeadLetterPublisher(producer, dlq, sent);
            second.publish(ours);
            producer.flush();
        }

        // then: it knew the record, counted it, and the topic still holds two dead letters
        assertThat(sent).containsExactly(DeadLetters.source(windows, 0, 7));
        assertThat(second.count()).isEqualTo(1);
        assertThat(TopicReader.readAll(kafka, dlq, 2).stream()
                .map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList())
                .containsExactlyInAnyOrder(ours.record().key(), theirs.record().key());
    }

    @Test
    void anEmptyTopicMeansNothingWasSent(TestKafka kafka) {
        String dlq = TestKafka.uniqueTopic("sent-empty");
        kafka.createTopic(dlq, 1);

        assertThat(SentDeadLetters.read(consumerProperties(kafka), dlq, RUN, Duration.ofSeconds(60))).isEmpty();
    }

    private static RunEvent.Unreadable unreadable(String topic, String key, long offset) {
        return new RunEvent.Unreadable("CORRUPT_BODY", "cut short",
                new ConsumerRecord<>(topic, 0, offset, key, "garbage".getBytes(StandardCharsets.UTF_8)));
    }

    private static KafkaProducer<String, byte[]> producer(TestKafka kafka) {
        return new KafkaProducer<>(kafka.producerProperties(), new StringSerializer(), new ByteArraySerializer());
    }

    private static Properties consumerProperties(TestKafka kafka) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return props;
    }
}
