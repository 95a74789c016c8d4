package io.loadstream.reporter.archive;

import io.loadstream.schemas.TopicSetup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The shared history: each archived run published to a compacted topic ({@code loadstream.runs}), keyed by
 * {@code plan|runId}, so that a team whose runs start on many machines reads one history with
 * {@code trend --bootstrap}. The value is the whole entry as gzipped JSON ({@link ArchiveCodec#toRecordValue}).
 *
 * <p>Limits: a value is kept under {@value #MAX_VALUE_BYTES} bytes (below the brokers' and producers' default
 * limit of 1 MiB) by merging each endpoint's windows in adjacent pairs, exactly, until it fits; a long run with many
 * endpoints is therefore shared with coarser windows than its file entry has.
 */
public final class RunsTopic {

    /** Largest value published, in bytes. */
    public static final int MAX_VALUE_BYTES = 900_000;

    private static final long TIMEOUT_SECONDS = 30;

    private RunsTopic() {
    }

    /**
     * The record key of a run.
     *
     * @param plan  the plan's name
     * @param runId the run id
     * @return {@code plan|runId}
     */
    public static String key(String plan, String runId) {
        return plan + "|" + runId;
    }

    /**
     * Creates the topic, compacted with one partition, when it is missing.
     *
     * @param adminProperties Kafka client properties with at least {@code bootstrap.servers}
     * @param topic           the topic name
     * @param replication     its replication factor
     * @throws IllegalStateException when Kafka does not answer within 30 s
     */
    public static void ensure(Properties adminProperties, String topic, short replication) {
        try (Admin admin = Admin.create(adminProperties)) {
            Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (existing.contains(topic)) {
                return;
            }
            // One partition: a history of runs is small, and one partition reads back in publishing order.
            NewTopic created = new NewTopic(topic, 1, replication)
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            try {
                admin.createTopics(List.of(created)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            TopicSetup.awaitLeaders(admin, List.of(topic), Duration.ofSeconds(TIMEOUT_SECONDS));
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot create the runs topic " + topic + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating the runs topic " + topic, e);
        }
    }

    /**
     * The value published for a bundle: its windows merged in pairs until the value fits.
     *
     * @param bundle the entry
     * @return gzipped JSON of at most {@value #MAX_VALUE_BYTES} bytes, or the smallest reached when even one
     *         window per endpoint does not fit
     */
    public static byte[] value(ArchiveBundle bundle) {
        ArchiveBundle current = bundle;
        byte[] value = ArchiveCodec.toRecordValue(current);
        while (value.length > MAX_VALUE_BYTES && current.windows().values().stream().anyMatch(w -> w.size() > 1)) {
            Map<String, List<ArchivedWindow>> halved = new LinkedHashMap<>();
            current.windows().forEach((endpoint, list) -> halved.put(endpoint, WindowRecorder.halve(list)));
            current = new ArchiveBundle(current.entry(), halved, current.systemWindows(), current.reportJson(),
                    current.planYaml());
            value = ArchiveCodec.toRecordValue(current);
        }
        return value;
    }

    /**
     * Publishes a bundle and waits for the broker's acknowledgement.
     *
     * @param producer a producer of string keys and byte values
     * @param topic    the runs topic
     * @param bundle   the entry
     * @param timeout  how long to wait for the acknowledgement
     * @throws IllegalStateException when the broker does not acknowledge it
     */
    public static void publish(Producer<String, byte[]> producer, String topic, ArchiveBundle bundle,
                               Duration timeout) {
        try {
            producer.send(new ProducerRecord<>(topic, key(bundle.entry().plan(), bundle.entry().runId()),
                    value(bundle))).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot publish the archive entry to " + topic + ": " + e.getMessage(),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while publishing the archive entry to " + topic, e);
        }
    }

    /**
     * Reads the whole topic: the latest value of every key, from the beginning to the end offsets at the time of
     * the call.
     *
     * @param clientProperties Kafka client properties with at least {@code bootstrap.servers}
     * @param topic            the runs topic
     * @param timeout          how long the whole read may take
     * @param skipped          receives one sentence per value that does not read (another version, say)
     * @return the bundles, in the order they were published
     * @throws IllegalStateException when the topic does not exist or the read takes longer than {@code timeout}
     */
    public static List<ArchiveBundle> readAll(Properties clientProperties, String topic, Duration timeout,
                                              java.util.function.Consumer<String> skipped) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        // Read once from the start, as a tool: no group, nothing committed.
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // An entry of a few hundred kilobytes must fit in one fetch.
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(2 * MAX_VALUE_BYTES));
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, byte[]> latest = new LinkedHashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            var infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("The runs topic " + topic + " does not exist: no run was published "
                        + "to this cluster yet");
            }
            List<TopicPartition> partitions = new ArrayList<>();
            infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, timeout));
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Reading " + topic + " took longer than " + timeout);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    latest.remove(record.key());
                    if (record.value() != null) {
                        latest.put(record.key(), record.value());
                    }
                }
            }
        }
        List<ArchiveBundle> bundles = new ArrayList<>();
        latest.forEach((key, value) -> {
            try {
                bundles.add(ArchiveCodec.fromRecordValue(value));
            } catch (IllegalArgumentException e) {
                skipped.accept("The entry " + key + " on " + topic + " does not read (" + e.getMessage()
                        + "); ignored");
            }
        });
        return bundles;
    }
}
