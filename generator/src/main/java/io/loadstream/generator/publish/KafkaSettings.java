package io.loadstream.generator.publish;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Every Kafka client property the generator uses, built in this one place. Each key set here that differs from
 * Kafka's default says why. The user's own properties ({@code --kafka-config}) are applied last and win, e.g. for
 * security settings.
 */
public final class KafkaSettings {

    /** Batch size of the event producer, in bytes. */
    static final int BATCH_BYTES = 256 * 1024;
    /** Memory of the event producer's own buffer, in bytes. */
    static final long BUFFER_BYTES = 64L * 1024 * 1024;
    /** How long the producer keeps retrying a record it holds, in milliseconds (one hour). */
    static final int DELIVERY_TIMEOUT_MS = 3_600_000;

    private KafkaSettings() {
    }

    /**
     * Properties of the producer that publishes request timings, control records and system samples.
     *
     * @param bootstrap the bootstrap servers
     * @param clientId  the client id, to tell generators apart in the broker's metrics
     * @param overrides the user's properties, applied last
     * @return new properties
     */
    public static Properties producer(String bootstrap, String clientId, Map<String, String> overrides) {
        Properties props = named(bootstrap, clientId);
        // Exactly one record per request, even when a send is retried: the topic's count is the request count.
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // Idempotence requires acknowledgement by all in-sync replicas.
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // Timings compress well (repeated run ids and endpoint names) and lz4 costs little CPU.
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // Wait up to 50 ms to fill batches (default 5 ms): events are not urgent, and each batch costs a produce
        // request and, with lz4, a fresh 64 KiB block buffer: at tens of thousands of events a second, fewer and
        // fuller batches save CPU and garbage.
        props.put(ProducerConfig.LINGER_MS_CONFIG, 50);
        // Large batches (default 16 KiB): tens of thousands of ~120-byte events a second per generator.
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, BATCH_BYTES);
        // Room for a few seconds of events while the broker is slow (default 32 MiB).
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, BUFFER_BYTES);
        // Only the publisher thread ever waits here, never the request loop; after 10 s (default 60 s) the record
        // goes to the outage journal instead (Outbox), and the publisher thread goes on with the next ones.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        // Records the producer holds keep being retried through a broker outage of up to an hour (default 2 min,
        // after which they were dropped): the Outbox puts no more than OutageBuffer.memoryEvents there, the rest
        // waits in its journal, which has no time limit.
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, DELIVERY_TIMEOUT_MS);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return withOverrides(props, overrides);
    }

    /**
     * Properties of the consumer that watches the control topic for ABORT records. It assigns itself every
     * partition and belongs to no group: each generator must see every record.
     *
     * @param bootstrap the bootstrap servers
     * @param clientId  the client id
     * @param overrides the user's properties, applied last
     * @return new properties
     */
    public static Properties controlConsumer(String bootstrap, String clientId, Map<String, String> overrides) {
        Properties props = named(bootstrap, clientId);
        // No group: nothing to commit, and no rebalance between generators.
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // An empty fetch waits at most 500 ms at the broker (Kafka's default, stated here on purpose): a record that
        // arrives completes the waiting fetch at once, so an ABORT still acts well within 2 s, while an idle control
        // topic costs 2 fetches a second instead of 10 (100 ms cost ~2% of a core during a run).
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 500);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return withoutProducerOnly(withOverrides(props, overrides));
    }

    /**
     * Properties of the admin client that creates missing topics.
     *
     * @param bootstrap the bootstrap servers
     * @param overrides the user's properties, applied last
     * @return new properties
     */
    public static Properties admin(String bootstrap, Map<String, String> overrides) {
        Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return withoutProducerOnly(withOverrides(props, overrides));
    }

    /** What the producer and the consumer share: the servers, and the client id. */
    private static Properties named(String bootstrap, String clientId) {
        Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        return props;
    }

    /** The user's properties, applied last so that they win (security settings, say). */
    private static Properties withOverrides(Properties props, Map<String, String> overrides) {
        props.putAll(overrides);
        return props;
    }

    /** The user's file may carry producer tuning; other clients would log it as unknown. */
    private static Properties withoutProducerOnly(Properties props) {
        for (String key : ProducerConfig.configNames()) {
            if (!ConsumerConfig.configNames().contains(key) && !CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG.equals(key)
                    && !key.startsWith("ssl.") && !key.startsWith("sasl.") && !key.startsWith("security.")) {
                props.remove(key);
            }
        }
        return props;
    }
}
