package io.loadstream.reporter;

import io.loadstream.schemas.TopicSetup;
import io.loadstream.schemas.Topics;
import io.loadstream.testkit.TestKafka;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

/** Fresh loadstream topics for one test, ready to take records, and a producer that never waits unbounded. */
public final class TestTopics {

    private static final Duration LEADER_WAIT = Duration.ofSeconds(30);

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
        admin.put("bootstrap.servers", kafka.bootstrapServers());
        TopicSetup.DEFAULT.ensure(admin, topics);
        long deadline = System.nanoTime() + LEADER_WAIT.toNanos();
        try (Admin client = kafka.admin()) {
            while (true) {
                boolean ready = true;
                for (TopicDescription description : client.describeTopics(topics.all()).allTopicNames()
                        .get(LEADER_WAIT.toSeconds(), TimeUnit.SECONDS).values()) {
                    ready &= description.partitions().stream().allMatch(p -> p.leader() != null);
                }
                if (ready) {
                    return topics;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Partitions of " + topics + " have no leader after "
                            + LEADER_WAIT.toSeconds() + " s");
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
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
}
