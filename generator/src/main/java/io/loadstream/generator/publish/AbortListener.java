package io.loadstream.generator.publish;

import io.loadstream.events.ControlType;
import io.loadstream.events.RunControl;
import io.loadstream.schemas.EventDecodingException;
import io.loadstream.schemas.EventSerdes;
import java.time.Duration;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the control topic for an {@code ABORT} of one run, on its own thread. It assigns itself every partition
 * (no consumer group: every generator must see every record) and starts reading at records from
 * {@value #LOOK_BACK_MS} ms before it started, so an ABORT sent just before this generator joined still counts.
 * It polls every {@value #POLL_MS} ms, well within the 2 s in which a generator must stop.
 */
public final class AbortListener implements AutoCloseable {

    /** How far back the listener starts reading, in milliseconds. */
    static final long LOOK_BACK_MS = 60_000;
    /** Longest wait of one poll, in milliseconds. */
    static final long POLL_MS = 200;

    private static final Logger LOG = LoggerFactory.getLogger(AbortListener.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final String runId;
    private final Consumer<String> onAbort;
    private final Thread thread;
    private volatile boolean closed;

    /**
     * Starts listening.
     *
     * @param consumerProperties properties from {@link KafkaSettings#controlConsumer}
     * @param topic              the control topic
     * @param runId              the run to watch
     * @param startedAtMs        when the generator started, epoch milliseconds
     * @param onAbort            called once with the reason (or "aborted by SOURCE") when an ABORT arrives
     */
    public AbortListener(Properties consumerProperties, String topic, String runId, long startedAtMs,
                         Consumer<String> onAbort) {
        this.consumer = new KafkaConsumer<>(consumerProperties);
        this.topic = topic;
        this.runId = runId;
        this.onAbort = onAbort;
        ControlTopicStart.assignSince(consumer, topic, startedAtMs - LOOK_BACK_MS);
        this.thread = new Thread(this::loop, "loadstream-abort-listener");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        try {
            while (!closed) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(POLL_MS))) {
                    RunControl control;
                    try {
                        control = EventSerdes.runControl().deserialize(topic, record.value());
                    } catch (EventDecodingException e) {
                        LOG.debug("Skipping a control record that does not decode: {}", e.getMessage());
                        continue;
                    }
                    if (control != null && control.getType() == ControlType.ABORT
                            && runId.equals(control.getRunId())) {
                        String reason = control.getReason() != null ? control.getReason()
                                : "aborted by " + control.getSource();
                        LOG.info("Run {} aborted: {}", runId, reason);
                        onAbort.accept(reason);
                        return;
                    }
                }
            }
        } catch (WakeupException expected) {
            // close() woke the poll.
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.warn("Stopped watching {} for aborts: {}", topic, e.toString());
            }
        } finally {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(2)));
        }
    }

    /** Stops listening. */
    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
