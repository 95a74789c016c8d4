package io.loadstream.reporter.alert;

import io.loadstream.events.Alert;
import io.loadstream.events.AlertStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
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
 * subscriber twice.
 *
 * <p>Alerts about a subscriber (the {@link DeliveryFailures delivery-failure alerts}) come through
 * {@link #emitExcept}, from the subscribers' delivery threads, at times no replay of the run can reproduce; the
 * {@link #alerts() history} places them by the time of their change, so that a live reporter and a replay of its
 * run give the same history. Thread-safe: every method holds the fan-out's lock while it hands over to the sinks
 * (which return at once).
 */
public final class AlertFanOut {

    private static final Logger LOG = LoggerFactory.getLogger(AlertFanOut.class);

    private final List<AlertSink> sinks;
    private final Consumer<String> warnings;
    private final List<Alert> sent = new ArrayList<>();
    /** Alerts about a subscriber ({@link #emitExcept}), in the order they came. */
    private final List<Alert> aboutSubscribers = new ArrayList<>();
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
    public synchronized void resume(Collection<Alert> already) {
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
    public synchronized void emit(Alert alert) {
        sent.add(alert);
        fanOut(alert, null);
    }

    /**
     * Sends an alert about a subscriber to every sink, but not to that subscriber: a {@link SubscriberSink} gets it
     * through {@link SubscriberSink#acceptExcept}. When it was notified already (a restarted reporter takes it back
     * from the alerts topic), it goes only to the sinks that do not notify; subscribers do not
     * {@link AlertSink#resumed learn} it, as they do not re-send it.
     *
     * @param alert      the state change, e.g. a delivery-failure alert
     * @param subscriber the subscriber it is about, as {@link DeliveryFailure#subscriber()} names it
     */
    public synchronized void emitExcept(Alert alert, String subscriber) {
        aboutSubscribers.add(alert);
        fanOut(alert, subscriber);
    }

    /** Hands a change to each sink; {@code except} is the subscriber to leave out, or null. Holds the lock. */
    private void fanOut(Alert alert, String except) {
        boolean fresh = isNewer(alert);
        if (fresh) {
            notified.put(alert.getFingerprint(), alert);
        } else {
            LOG.info("Alert {} {} was notified before; not notifying it again", alert.getFingerprint(),
                    alert.getStatus());
        }
        for (AlertSink sink : sinks) {
            try {
                if (except != null && sink instanceof SubscriberSink subscribers) {
                    if (fresh) {
                        subscribers.acceptExcept(alert, except);
                    }
                } else if (fresh || !sink.notifies()) {
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

    /**
     * The run's alert history: every alert emitted so far, those of {@link #emit} in their order, with those of
     * {@link #emitExcept} each placed before the first of them whose change is later than its own (a firing's change
     * is its start, a resolved's its end). A live reporter and a replay of its run emit the same threshold changes in
     * the same order and take the same alerts about subscribers from the topic, so both give the same history.
     *
     * @return the history, oldest first
     */
    public synchronized List<Alert> alerts() {
        List<Alert> others = new ArrayList<>(aboutSubscribers);
        others.sort(Comparator.comparingLong(AlertFanOut::changeMs).thenComparing(Alert::getFingerprint)
                .thenComparing(Alert::getStatus));
        List<Alert> history = new ArrayList<>(sent.size() + others.size());
        int next = 0;
        for (Alert alert : sent) {
            while (next < others.size() && changeMs(others.get(next)) < changeMs(alert)) {
                history.add(others.get(next++));
            }
            history.add(alert);
        }
        history.addAll(others.subList(next, others.size()));
        return List.copyOf(history);
    }

    /** When an alert changed: its start when firing, its end when resolved; epoch milliseconds. */
    private static long changeMs(Alert alert) {
        return alert.getStatus() == AlertStatus.RESOLVED ? alert.getEndsAtMs() : alert.getStartsAtMs();
    }
}
