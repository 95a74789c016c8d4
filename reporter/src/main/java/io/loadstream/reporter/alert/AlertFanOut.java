package io.loadstream.reporter.alert;

import io.loadstream.events.Alert;
import io.loadstream.events.AlertStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends every alert state change to every sink, in order, and keeps them for the report. A sink that fails does
 * not stop the others: its failure becomes a warning.
 *
 * <p>No change is notified twice: the fan-out remembers the latest state of each alert it notified (and, after
 * {@link #resume}, those a previous reporter of the run notified, read from the compacted alerts topic), and a
 * change that is not newer than that goes only to the sinks that do not {@link AlertSink#notifies() notify}; the
 * others {@link AlertSink#resumed learn} it. A reporter that restarts replays the run's windows and so emits the
 * same changes again, with the same fingerprints and start times: this is what keeps them from reaching a
 * subscriber twice. Not thread-safe.
 */
public final class AlertFanOut {

    private static final Logger LOG = LoggerFactory.getLogger(AlertFanOut.class);

    private final List<AlertSink> sinks;
    private final Consumer<String> warnings;
    private final List<Alert> sent = new ArrayList<>();
    /** The latest state notified of each alert, by fingerprint. */
    private final Map<String, Alert> notified = new HashMap<>();

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
     * Remembers changes that were notified before (by a reporter of the same run that stopped), so that they are
     * not notified again.
     *
     * @param already the latest state of each alert of the run, e.g. from {@link AlertHistory#read}
     */
    public void resume(Collection<Alert> already) {
        for (Alert alert : already) {
            if (isNewer(alert)) {
                notified.put(alert.getFingerprint(), alert);
            }
        }
    }

    /**
     * Sends an alert to every sink; to the sinks that do not notify only, when it was notified already.
     *
     * @param alert the state change
     */
    public void emit(Alert alert) {
        sent.add(alert);
        boolean fresh = isNewer(alert);
        if (fresh) {
            notified.put(alert.getFingerprint(), alert);
        } else {
            LOG.info("Alert {} {} was notified before; not notifying it again", alert.getFingerprint(),
                    alert.getStatus());
        }
        for (AlertSink sink : sinks) {
            try {
                if (fresh || !sink.notifies()) {
                    sink.accept(alert);
                } else {
                    sink.resumed(alert);
                }
            } catch (RuntimeException e) {
                LOG.error("An alert sink failed: {}", e.toString());
                warnings.accept("An alert could not be delivered: " + e.getMessage());
            }
        }
    }

    /**
     * Whether a change is newer than what was notified of its alert: a later start is a new firing; at the same
     * start, firing comes before resolved.
     */
    private boolean isNewer(Alert alert) {
        Alert last = notified.get(alert.getFingerprint());
        if (last == null) {
            return true;
        }
        if (alert.getStartsAtMs() != last.getStartsAtMs()) {
            return alert.getStartsAtMs() > last.getStartsAtMs();
        }
        return last.getStatus() == AlertStatus.FIRING && alert.getStatus() == AlertStatus.RESOLVED;
    }

    /** Every alert emitted so far, in order. */
    public List<Alert> alerts() {
        return List.copyOf(sent);
    }
}
