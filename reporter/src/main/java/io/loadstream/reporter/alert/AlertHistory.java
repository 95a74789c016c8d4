package io.loadstream.reporter.alert;

import io.loadstream.events.Alert;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.EventSerdes;
import io.loadstream.schemas.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What was already notified about a run: the latest state of each of its alerts on the compacted alerts topic
 * (keyed {@code runId|fingerprint}), read once when a reporter starts so that a restarted reporter does not notify
 * again what its predecessor did ({@link AlertFanOut#resume}).
 */
public final class AlertHistory {

    private static final Logger LOG = LoggerFactory.getLogger(AlertHistory.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private AlertHistory() {
    }

    /**
     * Reads the topic from the beginning to its end as of now.
     *
     * @param consumer a consumer with string keys and byte values, not assigned; assigned here and left so
     * @param topic    the alerts topic
     * @param runId    the run
     * @param timeout  how long the read may take at most
     * @return the latest state of each alert of the run, by fingerprint (records that do not decode are skipped)
     * @throws IllegalStateException when the topic could not be read to its end in time
     * @throws InterruptedException  when interrupted
     */
    public static Map<String, Alert> read(Consumer<String, byte[]> consumer, String topic, String runId,
                                         Duration timeout) throws InterruptedException {
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(topic, timeout)) {
            partitions.add(new TopicPartition(topic, info.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        Map<String, Alert> latest = new LinkedHashMap<>();
        try {
            Poll.until(timeout, Duration.ofMillis(1), () -> {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    if (record.value() != null && EventKeys.isOfRun(record.key(), runId)) {
                        decode(topic, record).ifPresent(a -> latest.put(a.getFingerprint(), a));
                    }
                }
                return reachedEnd(consumer, end.entrySet());
            }, () -> "the alerts topic " + topic + " was not read to its end within " + timeout.toSeconds() + " s");
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        LOG.info("Run {} had {} alerts notified before this reporter started", runId, latest.size());
        return latest;
    }

    private static boolean reachedEnd(Consumer<String, byte[]> consumer,
                                      Collection<Map.Entry<TopicPartition, Long>> end) {
        for (Map.Entry<TopicPartition, Long> partition : end) {
            if (consumer.position(partition.getKey()) < partition.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static Optional<Alert> decode(String topic, ConsumerRecord<String, byte[]> record) {
        try {
            return Optional.of(EventSerdes.alert().deserialize(topic, record.value()));
        } catch (RuntimeException e) {
            LOG.warn("Skipping an undecodable alert at {}-{}@{}: {}", record.topic(), record.partition(),
                    record.offset(), e.toString());
            return Optional.empty();
        }
    }
}
