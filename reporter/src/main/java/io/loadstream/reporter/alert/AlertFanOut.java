package io.loadstream.reporter.alert;

import io.loadstream.events.Alert;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends every alert state change to every sink, in order, and keeps them for the report. A sink that fails does
 * not stop the others: its failure becomes a warning. Not thread-safe.
 */
public final class AlertFanOut {

    private static final Logger LOG = LoggerFactory.getLogger(AlertFanOut.class);

    private final List<AlertSink> sinks;
    private final Consumer<String> warnings;
    private final List<Alert> sent = new ArrayList<>();

    /**
     * Creates the fan-out.
     *
     * @param sinks    where alerts go, in this order; not closed here
     * @param warnings receives one sentence per failed delivery
     */
    public AlertFanOut(List<AlertSink> sinks, Consumer<String> warnings) {
        this.sinks = List.copyOf(sinks);
        this.warnings = warnings;
    }

    /**
     * Sends an alert to every sink.
     *
     * @param alert the state change
     */
    public void emit(Alert alert) {
        sent.add(alert);
        for (AlertSink sink : sinks) {
            try {
                sink.accept(alert);
            } catch (RuntimeException e) {
                LOG.error("An alert sink failed: {}", e.toString());
                warnings.accept("An alert could not be delivered: " + e.getMessage());
            }
        }
    }

    /** Every alert emitted so far, in order. */
    public List<Alert> alerts() {
        return List.copyOf(sent);
    }
}
