package io.loadstream.testkit;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.core.ConditionTimeoutException;

/** Reads a whole topic from the beginning, for assertions on what a process published. */
public final class TopicReader {

    /** How long reading may take before the caller gets what arrived. */
    private static final Duration READ_LIMIT = Duration.ofSeconds(60);
    /** How long to wait for a topic's partitions or end offsets. */
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);

    private TopicReader() {
    }

    /**
     * Reads every record of {@code topic}: waits (bounded) until at least {@code expected} records arrived, then
     * until the end offsets are reached. Gives up after 60 s and returns what it read.
     *
     * @param kafka    the broker
     * @param topic    the topic, every partition
     * @param expected the fewest records to wait for (0: read to the end offsets as they are)
     * @return the records, in partition order
     */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(TestKafka kafka, String topic, long expected) {
        Properties props = kafka.consumerProperties();
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, METADATA_TIMEOUT).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Tail tail = new Tail(consumer, partitions, records);
            try {
                // In this thread: the consumer is not for several threads. Each try polls, which waits for records
                // itself, so the pause between tries is almost none.
                await().atMost(READ_LIMIT).pollInSameThread().pollDelay(Duration.ZERO)
                        .pollInterval(Duration.ofMillis(1)).until(() -> tail.readMore(expected));
            } catch (ConditionTimeoutException e) {
                // As documented: the caller gets what arrived, and its own assertions say what is missing.
            }
        }
        return records;
    }

    /** A consumer reading a topic's partitions to their end offsets, which it looks up again once reached. */
    private static final class Tail {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<TopicPartition> partitions;
        private final List<ConsumerRecord<byte[], byte[]>> records;
        private Map<TopicPartition, Long> ends;

        Tail(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions,
             List<ConsumerRecord<byte[], byte[]>> records) {
            this.consumer = consumer;
            this.partitions = partitions;
            this.records = records;
            this.ends = consumer.endOffsets(partitions, METADATA_TIMEOUT);
        }

        /** Polls once; true when the end offsets are reached and at least {@code expected} records were read. */
        boolean readMore(long expected) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                records.add(record);
            }
            boolean atEnd = true;
            for (TopicPartition partition : partitions) {
                atEnd &= consumer.position(partition) >= ends.get(partition);
            }
            if (atEnd && records.size() >= expected) {
                return true;
            }
            if (atEnd) {
                ends = consumer.endOffsets(partitions, METADATA_TIMEOUT);
            }
            return false;
        }
    }

    /**
     * Decodes every record's value.
     *
     * @param records the records
     * @param decoder the value decoder
     * @return the values, in order
     */
    public static <T> List<T> values(List<ConsumerRecord<byte[], byte[]>> records, Function<byte[], T> decoder) {
        return records.stream().map(r -> decoder.apply(r.value())).toList();
    }
}
