package io.loadstream.reporter;

import io.loadstream.schemas.TopicSetup;
import io.loadstream.schemas.Topics;
import io.loadstream.testkit.TestKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/** Fresh loadstream topics for one test, ready to take records, and a producer that never waits unbounded. */
public final class TestTopics {

    /** How long the partitions may take to get a leader: generous, for a loaded machine. */
    private static final Duration LEADER_WAIT = Duration.ofSeconds(120);

    private TestTopics() {
    }

    /**
     * Creates every loadstream topic under a new prefix and waits until each partition has a leader, so that the
     * first records do not race the leader election (which, with an idempotent producer, can stall a partition).
     *
     * @param kafka  the cluster
     * @param prefix start of the prefix; a random suffix is added
     * @return the topic names
     */
    public static Topics create(TestKafka kafka, String prefix) throws Exception {
        Topics topics = Topics.withPrefix(prefix + "-" + UUID.randomUUID().toString().substring(0, 8));
        Properties admin = new Properties();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        TopicSetup.DEFAULT.ensure(admin, topics);
        try (Admin client = kafka.admin()) {
            TopicSetup.awaitLeaders(client, topics.all(), LEADER_WAIT);
        }
        return topics;
    }

    /**
     * Producer settings with string keys, one request in flight, and a bounded delivery time.
     *
     * @param kafka the cluster
     * @return the settings
     */
    public static Properties producer(TestKafka kafka) {
        Properties config = kafka.producerProperties();
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        return config;
    }

    /**
     * Sends records and waits until the broker has acknowledged each one, so that a record that could not be
     * written fails the test here, with its cause, instead of as a missing record later.
     *
     * @param producer the producer
     * @param records  the records, sent in this order
     */
    public static void sendAll(Producer<String, byte[]> producer, List<ProducerRecord<String, byte[]>> records)
            throws Exception {
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        for (ProducerRecord<String, byte[]> record : records) {
            sends.add(producer.send(record));
        }
        for (Future<RecordMetadata> send : sends) {
            send.get(60, TimeUnit.SECONDS);
        }
    }
}
