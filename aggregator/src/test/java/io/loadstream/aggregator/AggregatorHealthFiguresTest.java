package io.loadstream.aggregator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.loadstream.schemas.TopicSetup;
import io.loadstream.schemas.Topics;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The figures {@code aggregate --metrics-port} serves about the instance itself, from a real aggregator on a real
 * broker: its consumer lag once it has fetched, and the records it set aside.
 */
@ExtendWith(KafkaExtension.class)
class AggregatorHealthFiguresTest {

    @TempDir
    Path stateDir;

    @Test
    void theLagIsKnownOnceCaughtUpAndEachBadRecordCountsAsADeadLetter(TestKafka kafka) throws Exception {
        Topics topics = Topics.withPrefix(TestKafka.uniqueTopic("health"));
        Properties admin = new Properties();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        new TopicSetup(1, (short) 1).ensure(admin, topics);
        AggregatorConfig config = AggregatorConfig.defaults(kafka.bootstrapServers())
                .withApplicationId(TestKafka.uniqueTopic("health-app")).withStateDir(stateDir).withTopics(topics)
                .withPartitions(1);
        try (Aggregator aggregator = Aggregator.start(config);
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProperties(),
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            aggregator.awaitRunning(Duration.ofSeconds(90));
            long before = aggregator.deadLetters();

            // when: three records that are no event (a tombstone, garbage, an empty value)
            byte[] key = "health-run|GET /x".getBytes(StandardCharsets.UTF_8);
            for (byte[] value : new byte[][] {null, "garbage".getBytes(StandardCharsets.UTF_8), new byte[0]}) {
                producer.send(new ProducerRecord<>(topics.requests(), key, value)).get();
            }

            // then
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                assertThat(aggregator.deadLetters() - before).isEqualTo(3);
                assertThat(aggregator.consumerLagRecords()).isBetween(0.0, 3.0);
            });
        }
    }
}
