package io.loadstream.aggregator.topology;

import io.loadstream.events.RequestTiming;
import io.loadstream.events.RunControl;
import io.loadstream.events.SystemSample;
import io.loadstream.schemas.AvroSerde;
import io.loadstream.schemas.DeadLetters;
import io.loadstream.schemas.EventDecodingException;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.EventSerdes;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The aggregator's entrance: turns the bytes of a record read from the requests, control or system topic into its
 * typed event, or sends the record unchanged to the dead-letter topic (headers of {@link DeadLetters}, consumer
 * {@value #CONSUMER}) and returns null. A record goes there when its value does not decode
 * ({@link EventDecodingException}) or is null (a tombstone), its run id is illegal, or its endpoint or host is
 * empty. Each dead letter is counted in the task's {@code dead-letter} sensor and logged (the first ten, then every
 * 10,000th). Everything after this step works on valid events only.
 */
final class EventDecoder {

    /** The {@value DeadLetters#CONSUMER} header of the aggregator's dead letters. */
    static final String CONSUMER = "aggregator";

    private static final Logger LOG = LoggerFactory.getLogger(EventDecoder.class);
    /** The reason of a record without a key. */
    static final String NULL_KEY = "NULL_KEY";

    private final String task;
    private final Emitter out;
    private final Sensor deadLetters;
    /** The fast path for request timings; the serde decides about everything it leaves. */
    private final RequestTimingReader requests = new RequestTimingReader(EventSerdes.requestTiming());
    private long deadLetterCount;
    /** The last run id found legal (null before the first): runs come in long streams, so most need no check. */
    private String legalRunId;

    /**
     * Creates the entrance of one task.
     *
     * @param task        the task, for log messages
     * @param deadLetters the sensor that counts dead letters
     * @param out         where dead letters go
     */
    EventDecoder(String task, Sensor deadLetters, Emitter out) {
        this.task = task;
        this.deadLetters = deadLetters;
        this.out = out;
    }

    /**
     * @param record a record of the requests topic
     * @param source where it was read
     * @return the request, or null when the record went to the dead-letter topic; the instance may be reused by the
     *         next call (see {@link RequestTimingReader}), so it is not to be kept
     */
    RequestTiming request(Record<byte[], byte[]> record, RecordMetadata source) {
        RequestTiming fast = record.key() == null || record.value() == null ? null : requests.read(record.value());
        RequestTiming timing = fast != null ? fast : decode(EventSerdes.requestTiming(), record, source);
        return timing != null
                && isNamed(timing.getEndpoint(), "EMPTY_ENDPOINT", "The request has no endpoint name", record, source)
                && hasLegalRunId(timing.getRunId(), record, source) ? timing : null;
    }

    /**
     * @param record a record of the control topic
     * @param source where it was read
     * @return the control record, or null when the record went to the dead-letter topic
     */
    RunControl control(Record<byte[], byte[]> record, RecordMetadata source) {
        RunControl control = decode(EventSerdes.runControl(), record, source);
        return control != null && hasLegalRunId(control.getRunId(), record, source) ? control : null;
    }

    /**
     * @param record a record of the system topic
     * @param source where it was read
     * @return the sample, or null when the record went to the dead-letter topic
     */
    SystemSample system(Record<byte[], byte[]> record, RecordMetadata source) {
        SystemSample sample = decode(EventSerdes.systemSample(), record, source);
        return sample != null
                && isNamed(sample.getHost(), "EMPTY_HOST", "The system sample has no host name", record, source)
                && hasLegalRunId(sample.getRunId(), record, source) ? sample : null;
    }

    private <T extends SpecificRecord> T decode(AvroSerde<T> serde, Record<byte[], byte[]> record,
                                                 RecordMetadata source) {
        if (record.key() == null) {
            // Every event is keyed by its run (and endpoint or host), which puts a series in one partition: a
            // keyless one would be counted on whichever task it landed, apart from the rest of its series.
            deadLetter(record, source, NULL_KEY, "The record has no key; loadstream keys every event by its run");
            return null;
        }
        T event;
        try {
            event = serde.deserialize(source.topic(), record.value());
        } catch (EventDecodingException e) {
            deadLetter(record, source, e.reason().name(), e.getMessage());
            return null;
        }
        if (event == null) {
            deadLetter(record, source, DeadLetters.NULL_VALUE, DeadLetters.NULL_VALUE_MESSAGE);
        }
        return event;
    }

    private boolean isNamed(String name, String reason, String message, Record<byte[], byte[]> record,
                            RecordMetadata source) {
        if (name.isEmpty()) {
            deadLetter(record, source, reason, message);
            return false;
        }
        return true;
    }

    private boolean hasLegalRunId(String runId, Record<byte[], byte[]> record, RecordMetadata source) {
        if (runId.equals(legalRunId)) {
            return true;
        }
        try {
            EventKeys.validateRunId(runId);
        } catch (IllegalArgumentException e) {
            deadLetter(record, source, "INVALID_RUN_ID", e.getMessage());
            return false;
        }
        legalRunId = runId;
        return true;
    }

    private void deadLetter(Record<byte[], byte[]> record, RecordMetadata source, String reason, String message) {
        deadLetterCount++;
        deadLetters.record();
        if (deadLetterCount <= 10 || deadLetterCount % 10_000 == 0) {
            LOG.warn("Sent a record from {} to the dead-letter topic: {} ({}); {} so far at task {}",
                    DeadLetters.source(source.topic(), source.partition(), source.offset()), reason, message,
                    deadLetterCount, task);
        }
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        for (Header header : DeadLetters.headers(reason, message, source.topic(), source.partition(),
                source.offset(), CONSUMER)) {
            headers.add(header);
        }
        out.deadLetter(record, headers);
    }
}
