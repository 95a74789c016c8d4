package io.loadstream.reporter.publish;

import io.loadstream.schemas.DeadLetters;
import io.loadstream.schemas.EventKeys;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The records that a reporter of the same run already set aside, read back from the dead-letter topic when a
 * reporter starts: a reporter reads its inputs from the beginning each time, and without this a restart (or a
 * replay with {@code report --run-id}) wrote every dead letter of the run again.
 */
public final class SentDeadLetters {

    private static final Duration POLL = Duration.ofMillis(200);

    private SentDeadLetters() {
    }

    /**
     * Reads the sources ({@code topic/partition@offset}) of the reporter's dead letters of one run.
     *
     * @param consumerProperties the reporter's consumer properties (servers, security, read_committed)
     * @param dlqTopic           the dead-letter topic
     * @param runId              the run
     * @param timeout            how long to read at most; what was not read by then is not known
     * @return the sources found, mutable
     */
    public static Set<String> read(Properties consumerProperties, String dlqTopic, String runId, Duration timeout) {
        Set<String> sources = new HashSet<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProperties,
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(dlqTopic, timeout).stream()
                    .map(p -> new TopicPartition(dlqTopic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
            while (!readToEnd(consumer, ends) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    if (DeadLetterPublisher.CONSUMER.equals(DeadLetters.read(record.headers(), DeadLetters.CONSUMER))
                            && EventKeys.isOfRun(record.key(), runId)) {
                        String source = DeadLetters.read(record.headers(), DeadLetters.SOURCE);
                        if (source != null) {
                            sources.add(source);
                        }
                    }
                }
            }
        }
        return sources;
    }

    private static boolean readToEnd(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }
}
