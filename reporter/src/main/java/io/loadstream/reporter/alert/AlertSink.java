package io.loadstream.reporter.alert;

import io.loadstream.events.Alert;

/** Somewhere an alert goes: the alerts topic, alerts.jsonl, the console, webhooks. */
public interface AlertSink extends AutoCloseable {

    /**
     * Takes one alert state change. Must not block the caller for long: slow delivery happens elsewhere.
     *
     * @param alert the change
     */
    void accept(Alert alert);

    /** Flushes and releases what the sink holds; the default does nothing. */
    @Override
    default void close() {
    }
}
