package io.loadstream.generator.system;

import io.loadstream.events.ControlType;
import io.loadstream.events.RunControl;
import io.loadstream.generator.publish.ControlTopicStart;
import io.loadstream.schemas.EventDecodingException;
import io.loadstream.schemas.EventSerdes;
import java.time.Duration;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the control topic for the end of one run, on its own thread, so that the agent stops when the run does
 * instead of publishing samples that the aggregator can only drop as late. The run has ended when at least one
 * generator sent {@code FINISHED} and every generator seen (by {@code STARTED}, {@code HEARTBEAT} or
 * {@code FINISHED}; heartbeats come every second) has sent it. Reads every partition without a group, from
 * {@value #LOOK_BACK_MS} ms before it started, so a run that ended just before the agent started counts as ended.
 */
public final class RunEndWatcher implements AutoCloseable {

    /** How far back reading starts, in milliseconds. */
    static final long LOOK_BACK_MS = 60_000;

    private static final Logger LOG = LoggerFactory.getLogger(RunEndWatcher.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final String runId;
    private final Runnable onEnd;
    private final Thread thread;
    private final Set<String> seen = new HashSet<>();
    private final Set<String> finished = new HashSet<>();
    private volatile boolean closed;

    /**
     * Starts following.
     *
     * @param consumerProperties properties of a group-less byte-array consumer
     * @param topic              the control topic
     * @param runId              the run
     * @param startedAtMs        now, epoch milliseconds
     * @param onEnd              called once, on the watcher's thread, when the run has ended
     */
    public RunEndWatcher(Properties consumerProperties, String topic, String runId, long startedAtMs,
                         Runnable onEnd) {
        this.consumer = new KafkaConsumer<>(consumerProperties);
        this.topic = topic;
        this.runId = runId;
        this.onEnd = onEnd;
        ControlTopicStart.assignSince(consumer, topic, startedAtMs - LOOK_BACK_MS);
        this.thread = new Thread(this::loop, "loadstream-run-end-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        try {
            while (!closed) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (ended(record.value())) {
                        LOG.info("Run {} finished ({} generators)", runId, finished.size());
                        onEnd.run();
                        return;
                    }
                }
            }
        } catch (WakeupException expected) {
            // close() woke the poll.
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.warn("Stopped following {} for the end of run {}: {}", topic, runId, e.toString());
            }
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
        }
    }

    /** Takes one control record (control records go to every partition: each is seen once per partition). */
    private boolean ended(byte[] value) {
        RunControl control;
        try {
            control = EventSerdes.runControl().deserialize(topic, value);
        } catch (EventDecodingException e) {
            return false;
        }
        if (control == null || !runId.equals(control.getRunId()) || control.getType() == ControlType.ABORT) {
            return false;
        }
        String source = String.valueOf(control.getSource());
        seen.add(source);
        if (control.getType() == ControlType.FINISHED) {
            finished.add(source);
        }
        return !finished.isEmpty() && finished.containsAll(seen);
    }

    /** Stops following. */
    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
