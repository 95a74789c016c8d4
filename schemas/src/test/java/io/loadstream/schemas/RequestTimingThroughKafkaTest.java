package io.loadstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.loadstream.events.ErrorClass;
import io.loadstream.events.RequestTiming;
import io.loadstream.schemas.fixtures.EventFixtures;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Avro events through a real broker: what the generator writes is what the aggregator will read. */
@ExtendWith(KafkaExtension.class)
class RequestTimingThroughKafkaTest {

    private static final int EVENTS = 2_000;

    @Test
    void requestTimingsComeBackFromTheBrokerByteForByte(TestKafka kafka) throws Exception {
        // given: a topic like loadstream.requests, and varied events
        String topic = TestKafka.uniqueTopic(Topics.DEFAULT.requests());
        kafka.createTopic(topic, 3);
        AvroSerde<RequestTiming> serde = EventSerdes.requestTiming();
        List<RequestTiming> events = events(EVENTS, new Random(42));

        // when: produced with the serde (lz4, as the generator will) and consumed as raw bytes
        Map<String, List<byte[]>> sentByKey = new HashMap<>();
        Properties producerConfig = kafka.producerProperties();
        producerConfig.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaProducer<String, RequestTiming> producer =
                     new KafkaProducer<>(producerConfig, new StringSerializer(), serde)) {
            for (RequestTiming event : events) {
                String key = EventKeys.requestKey(event.getRunId(), event.getEndpoint());
                producer.send(new ProducerRecord<>(topic, key, event));
                sentByKey.computeIfAbsent(key, k -> new ArrayList<>()).add(serde.serialize(topic, event));
            }
            producer.flush();
        }
        Map<String, List<byte[]>> receivedByKey = new HashMap<>();
        List<RequestTiming> decoded = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumerProperties())) {
            consumer.subscribe(List.of(topic));
            // The consumer is not thread-safe: poll it on this thread only.
            await().atMost(Duration.ofSeconds(120)).pollInSameThread().pollInterval(Duration.ofMillis(1))
                    .until(() -> {
                        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                            String key = new String(record.key(), java.nio.charset.StandardCharsets.UTF_8);
                            receivedByKey.computeIfAbsent(key, k -> new ArrayList<>()).add(record.value());
                            decoded.add(serde.deserialize(topic, record.value()));
                        }
                        return decoded.size() >= EVENTS;
                    });
            // Nothing beyond what was sent: the topic's record count is the request count.
            assertThat(consumer.poll(Duration.ofMillis(500))).isEmpty();
        }

        // then: per key (one partition, so in order) the very same bytes, and the same events
        assertThat(receivedByKey.keySet()).isEqualTo(sentByKey.keySet());
        sentByKey.forEach((key, sent) -> {
            List<byte[]> received = receivedByKey.get(key);
            assertThat(received).hasSameSizeAs(sent);
            for (int i = 0; i < sent.size(); i++) {
                assertThat(Arrays.equals(received.get(i), sent.get(i)))
                        .as("record %d of key %s is identical", i, key).isTrue();
            }
        });
        assertThat(decoded).containsExactlyInAnyOrderElementsOf(events);
    }

    private static List<RequestTiming> events(int count, Random random) {
        String[] endpoints = {"GET /api/review/campaigns", "POST /api/sns/posts", "GET /api/sns/analytics",
            "GET /api/sns/posts/{id}", "GET /api/dashboard/kpis"};
        ErrorClass[] errors = ErrorClass.values();
        List<RequestTiming> events = new ArrayList<>(count);
        // Current timestamps: these records go to a real broker, whose retention deletes old ones.
        long start = EventFixtures.nowMs() * 1000;
        for (int i = 0; i < count; i++) {
            String endpoint = endpoints[random.nextInt(endpoints.length)];
            ErrorClass error = random.nextInt(20) == 0 ? errors[random.nextInt(errors.length)] : ErrorClass.NONE;
            long intended = start + i * 1_000L;
            long lag = random.nextInt(2_000);
            long service = 1_000 + (long) (Math.exp(random.nextGaussian()) * 20_000);
            events.add(RequestTiming.newBuilder()
                    .setRunId("run-" + (i % 2))
                    .setGeneratorId("gen-" + (i % 3))
                    .setScenario(i % 2 == 0 ? "typical_user" : "power_user")
                    .setEndpoint(endpoint)
                    .setMethod(endpoint.substring(0, endpoint.indexOf(' ')))
                    .setStatus(error == ErrorClass.NONE ? 200 : error == ErrorClass.STATUS ? 503 : 0)
                    .setErrorClass(error)
                    .setErrorDetail(error == ErrorClass.NONE ? null : "failure " + error)
                    .setIntendedStartUs(intended)
                    .setActualStartUs(intended + lag)
                    .setLatencyUs(service + lag)
                    .setServiceTimeUs(service)
                    .setTimeToFirstByteUs(random.nextBoolean() ? -1 : service / 2)
                    .setBytesSent(100 + random.nextInt(500))
                    .setBytesReceived(random.nextInt(100_000))
                    .setVu(random.nextInt(100))
                    .setIteration(i)
                    .build());
        }
        return events;
    }
}
