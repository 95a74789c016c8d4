package io.loadstream.schemas;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * The one definition of a dead letter on the {@code dlq} topic (see {@link Topics#dlq()}): a record that a
 * loadstream process could not decode or process, copied there with its original key and value and these headers,
 * so that nothing is dropped silently. docs/EVENTS.md documents them.
 *
 * <p>Every header value is UTF-8 text:
 * <ul>
 *   <li>{@value #REASON}: why, a short upper-case code (an {@link EventDecodingException.Reason} name, or e.g.
 *       {@code EMPTY_ENDPOINT});</li>
 *   <li>{@value #MESSAGE}: the error message, for people;</li>
 *   <li>{@value #SOURCE}: where the record was read, {@code topic/partition@offset} (see {@link #source}); a topic
 *       name never contains {@code /}, so the form is unambiguous;</li>
 *   <li>{@value #CONSUMER}: which process set it aside: {@code aggregator}, {@code reporter} or
 *       {@code generator}.</li>
 * </ul>
 */
public final class DeadLetters {

    /** Header: why the record was set aside, a short upper-case code. */
    public static final String REASON = "loadstream.dlq.reason";
    /** Header: the error message. */
    public static final String MESSAGE = "loadstream.dlq.message";
    /** Header: {@code topic/partition@offset} the record was read from. */
    public static final String SOURCE = "loadstream.dlq.source";
    /** Header: the process that set the record aside. */
    public static final String CONSUMER = "loadstream.dlq.consumer";

    /** Reason: the record has no value (a tombstone), which no loadstream topic carries. */
    public static final String NULL_VALUE = "NULL_VALUE";
    /** The message that goes with {@link #NULL_VALUE}. */
    public static final String NULL_VALUE_MESSAGE = "The record has no value (a tombstone)";

    /** Longest message kept in the {@value #MESSAGE} header, in characters; longer ones are cut. */
    public static final int MAX_MESSAGE_LENGTH = 1_000;

    private DeadLetters() {
    }

    /**
     * Formats where a record was read.
     *
     * @param topic     the topic
     * @param partition the partition
     * @param offset    the offset
     * @return {@code topic/partition@offset}
     */
    public static String source(String topic, int partition, long offset) {
        return topic + '/' + partition + '@' + offset;
    }

    /**
     * Builds the headers of a dead letter.
     *
     * @param reason    short upper-case code; not null
     * @param message   the error message; null is written as empty; cut at {@value #MAX_MESSAGE_LENGTH} characters
     * @param topic     topic the record was read from
     * @param partition its partition
     * @param offset    its offset
     * @param consumer  the process setting it aside ({@code aggregator}, {@code reporter} or {@code generator})
     * @return the four headers, in the order above
     */
    public static List<Header> headers(String reason, String message, String topic, int partition, long offset,
                                       String consumer) {
        List<Header> headers = new ArrayList<>(4);
        headers.add(header(REASON, reason));
        headers.add(header(MESSAGE, cut(message)));
        headers.add(header(SOURCE, source(topic, partition, offset)));
        headers.add(header(CONSUMER, consumer));
        return headers;
    }

    /**
     * Reads a header as text.
     *
     * @param headers a dead letter's headers
     * @param name    one of the header names of this class
     * @return the last value of that header, or null when absent
     */
    public static String read(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String cut(String message) {
        if (message == null) {
            return "";
        }
        return message.length() <= MAX_MESSAGE_LENGTH ? message : message.substring(0, MAX_MESSAGE_LENGTH);
    }

    private static Header header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
