package io.loadstream.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaExtension.class)
class KafkaExtensionTest {

    private static TestKafka first;

    @BeforeAll
    static void remember(TestKafka kafka) {
        first = kafka;
    }

    @Test
    void suppliesAClusterThatAcceptsTopicsAndRecords(TestKafka kafka) throws Exception {
        String topic = TestKafka.uniqueTopic("extension");
        kafka.createTopic(topic, 3);

        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProperties())) {
            for (int i = 0; i < 30; i++) {
                producer.send(new ProducerRecord<>(topic, ("k" + i).getBytes(), ("v" + i).getBytes()))
                        .get(60, TimeUnit.SECONDS);
            }
        }
        List<String> received = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumerProperties())) {
            consumer.subscribe(List.of(topic));
            // The consumer is not thread-safe: poll it on this thread only.
            await().atMost(Duration.ofSeconds(120)).pollInSameThread().pollInterval(Duration.ofMillis(1))
                    .until(() -> {
                        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                            received.add(new String(record.value()));
                        }
                        return received.size() >= 30;
                    });
        }
        assertThat(received).hasSize(30).contains("v0", "v29");
    }

    @Test
    void picksTheSourceTheEnvironmentCallsFor(TestKafka kafka) {
        KafkaSource expected = KafkaSource.choose(System.getenv(), KafkaExtension::dockerAvailable);

        assertThat(kafka.source()).isEqualTo(expected);
    }

    @Nested
    class InAnotherTestClass {
        @Test
        void sharesTheSameClusterSoTheRunStartsItOnce(TestKafka kafka) {
            assertThat(kafka).isSameAs(first);
        }
    }
}
