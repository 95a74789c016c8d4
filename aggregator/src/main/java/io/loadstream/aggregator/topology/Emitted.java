package io.loadstream.aggregator.topology;

/**
 * A record the aggregator emits, already serialized, with where it goes. The topology routes each kind to its
 * topic; nothing is serialized on the per-request path.
 *
 * @param kind  which topic the record goes to
 * @param value the serialized value (Avro single-object encoding, or the internal {@code *} partial format)
 */
public record Emitted(Kind kind, byte[] value) {

    /** Where an emitted record goes. */
    public enum Kind {
        /** A closed {@code EndpointWindow}, to the windows topic. */
        WINDOW,
        /** An {@code EndpointTotals}, to the totals topic. */
        TOTALS,
        /** A closed {@code SystemWindow}, to the system-windows topic. */
        SYSTEM_WINDOW,
        /** A record that did not decode, to the dead-letter topic, unchanged with the reason in headers. */
        DEAD_LETTER,
        /** A task's share of the {@code *} figures of a run, to the internal repartition topic (key: run id). */
        STAR_PARTIAL
    }
}
