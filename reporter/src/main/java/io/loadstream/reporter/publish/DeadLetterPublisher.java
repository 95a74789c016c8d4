package io.loadstream.reporter.publish;

import io.loadstream.reporter.intake.RunEvent;
import io.loadstream.schemas.DeadLetters;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies records the reporter could not decode to the dead-letter topic, with their key and value unchanged and
 * the {@link DeadLetters} headers (consumer {@value #CONSUMER}), and counts them. Sends without waiting. Not
 * thread-safe.
 */
public final class DeadLetterPublisher {

    /** The {@link DeadLetters#CONSUMER} header of the reporter's dead letters. */
    public static final String CONSUMER = "reporter";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterPublisher.class);

    private final Producer<String, byte[]> producer;
    private final String dlqTopic;
    private final Set<String> alreadySent;
    private long count;

    /**
     * Creates the publisher of a reporter that is the first of its run.
     *
     * @param producer the reporter's producer; not closed here
     * @param dlqTopic the dead-letter topic
     */
    public DeadLetterPublisher(Producer<String, byte[]> producer, String dlqTopic) {
        this(producer, dlqTopic, Set.of());
    }

    /**
     * Creates the publisher of a reporter that may follow another of the same run.
     *
     * @param producer    the reporter's producer; not closed here
     * @param dlqTopic    the dead-letter topic
     * @param alreadySent the sources ({@code topic/partition@offset}) that an earlier reporter of the run set aside
     *                    ({@link SentDeadLetters#read}); counted again, not sent again
     */
    public DeadLetterPublisher(Producer<String, byte[]> producer, String dlqTopic, Set<String> alreadySent) {
        this.producer = producer;
        this.dlqTopic = dlqTopic;
        this.alreadySent = Set.copyOf(alreadySent);
    }

    /**
     * Sets one record aside.
     *
     * @param unreadable the record and why it does not decode
     */
    public void publish(RunEvent.Unreadable unreadable) {
        count++;
        ConsumerRecord<String, byte[]> record = unreadable.record();
        if (alreadySent.contains(DeadLetters.source(record.topic(), record.partition(), record.offset()))) {
            return;
        }
        LOG.warn("Bad record at {} ({}): {}", DeadLetters.source(record.topic(), record.partition(), record.offset()),
                unreadable.reason(), unreadable.message());
        producer.send(new ProducerRecord<>(dlqTopic, null, record.key(), record.value(),
                DeadLetters.headers(unreadable.reason(), unreadable.message(), record.topic(), record.partition(),
                        record.offset(), CONSUMER)));
    }

    /** How many records were set aside. */
    public long count() {
        return count;
    }
}
