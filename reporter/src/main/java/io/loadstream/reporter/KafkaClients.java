package io.loadstream.reporter;

import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The reporter's Kafka client properties, in one place. The user's extra properties are applied last. */
final class KafkaClients {

    private KafkaClients() {
    }

    static Properties consumer(ReporterConfig config) {
        Properties props = named(config);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        // Values are decoded record by record, so that one bad record goes to the DLQ instead of failing a poll.
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        // Partitions are assigned, not subscribed: one reporter reads everything of its run, and commits nothing.
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // The aggregator writes windows and totals in exactly-once transactions: read only committed ones.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return withExtra(props, config);
    }

    static Properties producer(ReporterConfig config) {
        Properties props = named(config);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        // Alerts and aborts are rare and must not be lost: wait for every replica.
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // Send at once: an abort should reach the generators within their 2 s.
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        // A handful of records: one request in flight keeps them in order and cannot stall a partition's
        // idempotent sequence when the first sends race a leader election.
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        // Give up on a record within 30 s (the default is 2 minutes), so that an unreachable broker is reported.
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        return withExtra(props, config);
    }

    static Properties admin(ReporterConfig config) {
        Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        return withExtra(props, config);
    }

    /** What the consumer and the producer share: the servers, and a client id that names the run in broker logs. */
    private static Properties named(ReporterConfig config) {
        Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, "loadstream-reporter-" + config.runId());
        return props;
    }

    /** The user's properties, applied last so that they win (security settings, say). */
    private static Properties withExtra(Properties props, ReporterConfig config) {
        props.putAll(config.kafkaProperties());
        return props;
    }
}
