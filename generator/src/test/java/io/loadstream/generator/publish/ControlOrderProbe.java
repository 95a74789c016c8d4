package io.loadstream.generator.publish;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Watches, from inside a real Kafka producer ({@code interceptor.classes}), the rule that the aggregator needs: when a
 * control record is handed to the producer, every timing older than its watermark (its record timestamp) that was
 * handed over before it is settled. Timings handed after the control record was made may go first, but they are
 * never older than its watermark, so this is exactly the set of earlier timings that the watermark would make late.
 * Kafka calls {@link #onSend} in the order of {@code send()} calls (the publisher's one thread), and
 * {@link #onAcknowledgement} for every outcome of a record before the producer's callback (so before the publisher
 * can see it); a record that {@code send()} gives back is acknowledged with an error at once, on the sending thread.
 *
 * <p>Records whose topic ends with {@code .requests} are timings, {@code .control} control records. The figures are
 * kept per {@code client.id} (tests may run at once), in {@link #of}. Consumers that get the same properties (the
 * generator's abort listener) pass through unchanged.
 */
public final class ControlOrderProbe implements ProducerInterceptor<byte[], byte[]>,
        ConsumerInterceptor<byte[], byte[]> {

    private static final Map<String, Figures> BY_CLIENT = new ConcurrentHashMap<>();

    private Figures figures = new Figures();

    /** What one producer did. */
    public static final class Figures {
        private final AtomicLong timingsSent = new AtomicLong();
        private final AtomicLong timingsSettled = new AtomicLong();
        private final AtomicLong controlsSent = new AtomicLong();
        private final AtomicLong controlsAfterUnsettled = new AtomicLong();
        private final AtomicLong controlsWithTimingsBefore = new AtomicLong();
        /** Timestamps of the timings handed over and not settled yet, with their counts. */
        private final ConcurrentSkipListMap<Long, Long> unsettled = new ConcurrentSkipListMap<>();
        /** The timestamp of the last timing handed over, on the sending thread (for a record send() gives back). */
        private final ThreadLocal<Long> lastSent = new ThreadLocal<>();
        private volatile String firstEarly;
        /** The most that an unsettled timing was older than a control record's watermark when it went, in ms. */
        private final AtomicLong mostOlderMs = new AtomicLong();

        /** The most that an unsettled timing was older than a control record's watermark when it went, in ms. */
        public long mostOlderMs() {
            return mostOlderMs.get();
        }

        private void settle(long timestampMs) {
            unsettled.computeIfPresent(timestampMs, (ts, count) -> count == 1 ? null : count - 1);
        }

        /** Timings handed to the producer. */
        public long timingsSent() {
            return timingsSent.get();
        }

        /** Timings whose outcome (acknowledgement or failure) the producer reported. */
        public long timingsSettled() {
            return timingsSettled.get();
        }

        /** Control records handed to the producer. */
        public long controlsSent() {
            return controlsSent.get();
        }

        /** Control records handed to the producer while a timing older than their watermark was not settled. */
        public long controlsAfterUnsettled() {
            return controlsAfterUnsettled.get();
        }

        /** Control records handed to the producer after some timings (not the first ones, before any load). */
        public long controlsWithTimingsBefore() {
            return controlsWithTimingsBefore.get();
        }

        @Override
        public String toString() {
            return "timings sent " + timingsSent + ", settled " + timingsSettled + "; control records sent "
                    + controlsSent + ", after timings " + controlsWithTimingsBefore + ", while some were unsettled "
                    + controlsAfterUnsettled + " (most older " + mostOlderMs + " ms)"
                    + (firstEarly == null ? "" : " (first: " + firstEarly + ")");
        }
    }

    /**
     * The figures of the producer with this client id (created empty when it has sent nothing yet).
     *
     * @param clientId the producer's {@code client.id}
     * @return its figures
     */
    public static Figures of(String clientId) {
        return BY_CLIENT.computeIfAbsent(clientId, id -> new Figures());
    }

    @Override
    public void configure(Map<String, ?> configs) {
        figures = of(String.valueOf(configs.get(CommonClientConfigs.CLIENT_ID_CONFIG)));
    }

    @Override
    public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
        if (record.topic().endsWith(".requests")) {
            figures.timingsSent.incrementAndGet();
            figures.unsettled.merge(record.timestamp(), 1L, Long::sum);
            figures.lastSent.set(record.timestamp());
        } else if (record.topic().endsWith(".control")) {
            figures.controlsSent.incrementAndGet();
            long sent = figures.timingsSent.get();
            if (sent > 0) {
                figures.controlsWithTimingsBefore.incrementAndGet();
            }
            Map.Entry<Long, Long> oldest = figures.unsettled.firstEntry();
            if (oldest != null) {
                figures.mostOlderMs.accumulateAndGet(record.timestamp() - oldest.getKey(), Math::max);
            }
            if (oldest != null && oldest.getKey() < record.timestamp()
                    && figures.controlsAfterUnsettled.incrementAndGet() == 1) {
                figures.firstEarly = "partition " + record.partition() + ", watermark " + record.timestamp()
                        + ", an unsettled timing at " + oldest.getKey() + ", timings sent " + sent + ", settled "
                        + figures.timingsSettled.get();
            }
        }
        return record;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
        if (metadata != null && metadata.topic().endsWith(".requests")) {
            figures.timingsSettled.incrementAndGet();
            Long given = figures.lastSent.get();
            if (exception == null) {
                figures.settle(metadata.timestamp());
            } else if (metadata.offset() < 0 && given != null) {
                // Given back by send() on this thread: the record just handed over (its timestamp is not in
                // the metadata of a failure).
                figures.settle(given);
            }
            figures.lastSent.remove();
        }
    }

    @Override
    public ConsumerRecords<byte[], byte[]> onConsume(ConsumerRecords<byte[], byte[]> records) {
        return records;
    }

    @Override
    public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        // Nothing to watch on the consumer side.
    }

    @Override
    public void close() {
        // The figures outlive the producer: the test reads them after the run.
    }
}
