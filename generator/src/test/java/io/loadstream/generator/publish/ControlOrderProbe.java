package io.loadstream.generator.publish;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * Watches, from inside a real Kafka producer ({@code interceptor.classes}), the rule that a control record is handed
 * to the producer only once every timing handed before it is settled. Kafka calls {@link #onSend} in the order of
 * {@code send()} calls (the publisher's one thread), and {@link #onAcknowledgement} for every outcome of a record,
 * before the producer's callback (so before the publisher can see it). At each control record's {@code onSend},
 * every timing sent so far was sent before it; the rule holds when all of them have had their acknowledgement.
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

        /** Timings handed to the producer. */
        public long timingsSent() {
            return timingsSent.get();
        }

        /** Control records handed to the producer. */
        public long controlsSent() {
            return controlsSent.get();
        }

        /** Control records handed to the producer while some timing handed before them was not settled. */
        public long controlsAfterUnsettled() {
            return controlsAfterUnsettled.get();
        }

        /** Control records handed to the producer after some timings (not the first ones, before any load). */
        public long controlsWithTimingsBefore() {
            return controlsWithTimingsBefore.get();
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
        } else if (record.topic().endsWith(".control")) {
            figures.controlsSent.incrementAndGet();
            long sent = figures.timingsSent.get();
            if (sent > 0) {
                figures.controlsWithTimingsBefore.incrementAndGet();
            }
            if (figures.timingsSettled.get() < sent) {
                figures.controlsAfterUnsettled.incrementAndGet();
            }
        }
        return record;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
        if (metadata != null && metadata.topic().endsWith(".requests")) {
            figures.timingsSettled.incrementAndGet();
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
