package io.loadstream.reporter.publish;

import io.loadstream.events.ControlType;
import io.loadstream.events.RunControl;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.EventSerdes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a run's ABORT: one {@code RunControl} of type ABORT, source {@code reporter}, to <em>every</em> partition of
 * the control topic, so that every generator and every aggregator task sees it whichever partition it reads. Waits
 * for the broker's acknowledgements, each within a bound. Not thread-safe.
 */
public final class AbortPublisher {

    /** The {@code source} of the reporter's control records. */
    public static final String SOURCE = "reporter";

    private static final Logger LOG = LoggerFactory.getLogger(AbortPublisher.class);

    private final Producer<String, byte[]> producer;
    private final String controlTopic;
    private final String runId;
    private final Duration sendTimeout;
    private final Consumer<String> warnings;
    private boolean sent;

    /**
     * Creates the publisher.
     *
     * @param producer     the reporter's producer; not closed here
     * @param controlTopic the control topic
     * @param runId        the run to abort
     * @param sendTimeout  how long to wait for each partition's acknowledgement
     * @param warnings     receives a sentence when the ABORT did not reach every partition
     */
    public AbortPublisher(Producer<String, byte[]> producer, String controlTopic, String runId, Duration sendTimeout,
                          Consumer<String> warnings) {
        this.producer = producer;
        this.controlTopic = controlTopic;
        this.runId = runId;
        this.sendTimeout = sendTimeout;
        this.warnings = warnings;
    }

    /**
     * Sends the ABORT to every control partition and waits for the acknowledgements.
     *
     * @param planName the plan's name; may be empty
     * @param reason   why, naming the threshold and the observed value
     * @param nowMs    the record's time, epoch milliseconds (also its Kafka timestamp)
     * @throws InterruptedException when interrupted while waiting for an acknowledgement
     */
    public void send(String planName, String reason, long nowMs) throws InterruptedException {
        RunControl abort = RunControl.newBuilder()
                .setRunId(runId)
                .setType(ControlType.ABORT)
                .setTimestampMs(nowMs)
                .setSource(SOURCE)
                .setPlanName(planName)
                .setReason(reason)
                .build();
        byte[] value = EventSerdes.runControl().serialize(controlTopic, abort);
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        for (PartitionInfo partition : producer.partitionsFor(controlTopic)) {
            sends.add(producer.send(new ProducerRecord<>(controlTopic, partition.partition(), nowMs,
                    EventKeys.runKey(runId), value)));
        }
        sent = true;
        try {
            for (Future<RecordMetadata> send : sends) {
                send.get(sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            warnings.accept("The ABORT could not be sent to every control partition: " + e.getMessage());
            LOG.error("ABORT not sent to every partition of {}: {}", controlTopic, e.toString());
        }
        LOG.warn("Run {} aborted: {}", runId, reason);
    }

    /** Whether an ABORT has been sent (to at least some partitions). */
    public boolean sent() {
        return sent;
    }
}
