package io.loadstream.reporter.alert;

import io.loadstream.events.Alert;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.EventSerdes;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes alerts to the alerts topic, keyed {@code runId|fingerprint} ({@link EventKeys#alertKey}), so that the
 * compacted topic keeps the current state of every alert of every run. Sends without waiting; a failed send is
 * logged.
 */
public final class AlertTopicSink implements AlertSink {

    private static final Logger LOG = LoggerFactory.getLogger(AlertTopicSink.class);

    private final Producer<String, byte[]> producer;
    private final String topic;

    /**
     * Creates the sink.
     *
     * @param producer the reporter's producer; not closed here
     * @param topic    the alerts topic
     */
    public AlertTopicSink(Producer<String, byte[]> producer, String topic) {
        this.producer = producer;
        this.topic = topic;
    }

    @Override
    public void accept(Alert alert) {
        producer.send(new ProducerRecord<>(topic, EventKeys.alertKey(alert.getRunId(), alert.getFingerprint()),
                EventSerdes.alert().serialize(topic, alert)), (metadata, e) -> {
                    if (e != null) {
                        LOG.error("Could not publish an alert to {}: {}", topic, e.toString());
                    }
                });
    }
}
