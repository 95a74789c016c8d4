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

    /**
     * Whether this sink notifies someone outside the reporter (a topic, a console, a webhook, an Alertmanager), and
     * so must not get again a state change it got before a restart. The default is true; a local record rewritten
     * by each reporter ({@code alerts.jsonl}) says false and gets every change.
     */
    default boolean notifies() {
        return true;
    }

    /**
     * Learns, instead of {@link #accept}, a state change that was notified before the reporter restarted (so that a
     * subscriber that keeps state, such as the Alertmanager one, knows which alerts are still active). Only called
     * on sinks that {@link #notifies()}; the default does nothing.
     *
     * @param alert the change, as notified then
     */
    default void resumed(Alert alert) {
    }

    /** Flushes and releases what the sink holds; the default does nothing. */
    @Override
    default void close() {
    }
}
