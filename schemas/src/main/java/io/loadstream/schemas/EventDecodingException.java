package io.loadstream.schemas;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record value that could not be decoded into the expected event type.
 *
 * <p>Consumers route such records to the dead-letter topic and count them by {@link #reason()}; they never stop
 * the pipeline. The exception carries no payload bytes, so it is safe to log.
 */
public final class EventDecodingException extends SerializationException {

    private static final long serialVersionUID = 1L;

    /** Why a payload could not be decoded. */
    public enum Reason {
        /**
         * Not Avro single-object encoding: shorter than the 10-byte header, or the two marker bytes are not
         * {@code C3 01}. Typically a payload from another producer (JSON, plain text, another format).
         */
        BAD_HEADER,
        /**
         * The header is valid but its schema fingerprint is neither the current schema nor a known older one:
         * another event type on the wrong topic, a foreign Avro payload, or a writer newer than this reader.
         */
        UNKNOWN_SCHEMA,
        /** The header and fingerprint are fine but the body does not decode with that schema, or has bytes left. */
        CORRUPT_BODY
    }

    private final Reason reason;
    private final long fingerprint;
    private final String topic;

    /**
     * Creates the exception.
     *
     * @param reason      why decoding failed; not null
     * @param topic       topic the payload came from; may be null when unknown
     * @param fingerprint the 64-bit Rabin fingerprint of the writer schema read from the header, or 0 when the
     *                    header could not be read
     * @param message     what went wrong, for people
     * @param cause       the underlying Avro or I/O failure; may be null
     */
    public EventDecodingException(Reason reason, String topic, long fingerprint, String message, Throwable cause) {
        super(message, cause);
        if (reason == null) {
            throw new IllegalArgumentException("reason must not be null");
        }
        this.reason = reason;
        this.topic = topic;
        this.fingerprint = fingerprint;
    }

    /**
     * Returns why decoding failed.
     *
     * @return the reason; never null
     */
    public Reason reason() {
        return reason;
    }

    /**
     * Returns the writer-schema fingerprint from the payload header.
     *
     * @return the 64-bit Rabin fingerprint of the writer schema, or 0 when the header could not be read
     *     ({@link Reason#BAD_HEADER})
     */
    public long fingerprint() {
        return fingerprint;
    }

    /**
     * Returns the topic the payload came from.
     *
     * @return the topic name, or null when the caller did not give one
     */
    public String topic() {
        return topic;
    }
}
