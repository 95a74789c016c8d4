package io.loadstream.generator.publish;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a group-less reader of the control topic starts: every partition (control records go to all of them, and
 * each reader must see every record), at the first record at or after a time, or at the end where there is none.
 * The abort listener and the agent's run-end watcher start this way.
 */
public final class ControlTopicStart {

    private ControlTopicStart() {
    }

    /**
     * Assigns every partition of {@code topic} to {@code consumer} and seeks each to its first record at or after
     * {@code sinceMs}.
     *
     * @param consumer a consumer without a group
     * @param topic    the control topic
     * @param sinceMs  the time to start from, epoch milliseconds
     */
    public static void assignSince(Consumer<byte[], byte[]> consumer, String topic, long sinceMs) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
            partitions.add(new TopicPartition(topic, info.partition()));
        }
        consumer.assign(partitions);
        Map<TopicPartition, Long> since = new HashMap<>();
        partitions.forEach(partition -> since.put(partition, sinceMs));
        Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(since, Duration.ofSeconds(30));
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp offset = offsets.get(partition);
            consumer.seek(partition, offset != null ? offset.offset() : ends.get(partition));
        }
    }
}
