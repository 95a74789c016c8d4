package io.loadstream.testkit;

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

/** Reads a whole topic from the beginning, for assertions on what a process published. */
public final class TopicReader {

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
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    records.add(record);
                }
                boolean atEnd = true;
                for (TopicPartition partition : partitions) {
                    atEnd &= consumer.position(partition) >= ends.get(partition);
                }
                if (atEnd && records.size() >= expected) {
                    break;
                }
                if (atEnd) {
                    ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
                }
            }
        }
        return records;
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
