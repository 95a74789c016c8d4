package io.loadstream.reporter.alert;

import io.loadstream.events.Alert;
import io.loadstream.events.AlertStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What the alert subscribers did not get, for the report, and a delivery-failure alert about it: the first time
 * notifications to a subscriber are given up, a firing alert ({@value #ALERT_NAME}, labels {@code subscriber} and
 * {@code run_id}) that names it goes through the {@link AlertFanOut#emitExcept fan-out} to the alerts topic,
 * {@code alerts.jsonl}, the console, the report and every other subscriber, and {@link #resolveAll()} resolves it at
 * the end of the run: it never resolves within the run (a later delivery that succeeds does not undo what the
 * subscriber missed). One alert per failing subscriber and run, so that two dead subscribers cannot keep alerting
 * each other, and none to the subscriber it is about.
 *
 * <p>A restarted reporter, or a replay of a finished run, takes the alerts back from the alerts topic
 * ({@link #publishTo}): they are in its history again, not notified again, a firing one is resolved at the end
 * of the run, once, and the give-up each one reports is among the {@link #failures()} again. As the compacted
 * topic may keep only the resolved state, the resolved alert carries everything of its firing (start, observed,
 * labels; its summary is the firing's after {@link #RESOLVED_PREFIX}), from which the firing is rebuilt exactly.
 *
 * <p>Thread-safe: the notifiers' delivery threads call {@link #accept}.
 */
public final class DeliveryFailures implements Consumer<DeliveryFailure> {

    /** The {@code alertname} label of a delivery-failure alert. */
    public static final String ALERT_NAME = "LoadstreamAlertDelivery";
    /** What the summary of a resolved delivery-failure alert starts with, before its firing's summary. */
    static final String RESOLVED_PREFIX = "The run is over. ";
    /** The labels of a delivery-failure alert, in this order; any other labels after them, sorted. */
    private static final List<String> LABEL_ORDER = List.of("alertname", "run_id", "subscriber", "severity");

    private final String runId;
    private final Clock clock;
    private final Consumer<String> console;
    private final List<DeliveryFailure> failures = new ArrayList<>();
    /** The firing delivery-failure alert of each failed subscriber. */
    private final Map<String, Alert> raised = new LinkedHashMap<>();
    /** Subscribers whose firing alert went through the fan-out (here or in an earlier reporter of the run). */
    private final Set<String> published = new HashSet<>();
    /** Subscribers whose alert was resolved (here or by an earlier reporter of the run). */
    private final Set<String> resolved = new HashSet<>();
    private AlertFanOut alerts;
    private boolean over;

    /**
     * Creates the collector. Until {@link #publishTo}, failures are only counted.
     *
     * @param runId   the run (the alerts' {@code run_id})
     * @param clock   the alerts' times
     * @param console told each failure's sentence
     */
    public DeliveryFailures(String runId, Clock clock, Consumer<String> console) {
        this.runId = runId;
        this.clock = clock;
        this.console = console;
    }

    /**
     * From now on, sends the delivery-failure alerts through a fan-out; takes back those that earlier reporters of
     * the run raised, into the fan-out's history (they are not notified again: call {@link AlertFanOut#resume}
     * with the same alerts first). Call once, before any alert is emitted.
     *
     * @param fanOut         the reporter's fan-out, whose sinks include the subscribers
     * @param notifiedBefore the latest state of each alert of the run on the alerts topic, e.g. from
     *                       {@link AlertHistory#read}; those that are not delivery-failure alerts are ignored
     */
    public void publishTo(AlertFanOut fanOut, Collection<Alert> notifiedBefore) {
        List<Alert> again = new ArrayList<>();
        synchronized (this) {
            alerts = fanOut;
            for (Alert alert : notifiedBefore) {
                String subscriber = alert.getLabels().get("subscriber");
                if (!ALERT_NAME.equals(alert.getLabels().get("alertname")) || subscriber == null
                        || raised.containsKey(subscriber)) {
                    continue;
                }
                // Labels in the order this class makes them (a decoded map has its own), as alerts.jsonl shows.
                Alert taken = Alert.newBuilder(alert).setLabels(inOrder(alert.getLabels())).build();
                Alert firing = taken.getStatus() == AlertStatus.FIRING ? taken : firingOf(taken);
                raised.put(subscriber, firing);
                published.add(subscriber);
                again.add(firing);
                // What the earlier reporter gave up on counts here too, as of that first give-up (the alert carries
                // its count; later give-ups to the same subscriber raised no alert, so only their reporter knew).
                failures.add(new DeliveryFailure(subscriber, (int) Math.max(1, Math.round(firing.getObserved())),
                        "given up by an earlier reporter of the run", firing.getStartsAtMs(), firing.getSummary()));
                if (taken.getStatus() == AlertStatus.RESOLVED) {
                    resolved.add(subscriber);
                    again.add(taken);
                }
            }
        }
        again.forEach(alert -> fanOut.emitExcept(alert, alert.getLabels().get("subscriber")));
    }

    @Override
    public void accept(DeliveryFailure failure) {
        Alert alert = null;
        AlertFanOut to;
        synchronized (this) {
            failures.add(failure);
            if (!over && !raised.containsKey(failure.subscriber())) {
                alert = firing(failure);
                raised.put(failure.subscriber(), alert);
            }
            to = alerts;
        }
        console.accept(failure.message());
        if (alert == null || to == null) {
            return;
        }
        to.emitExcept(alert, failure.subscriber());
        Alert late = null;
        synchronized (this) {
            published.add(failure.subscriber());
            // The run ended while the firing was on its way: it is resolved after it, never before.
            if (over && resolved.add(failure.subscriber())) {
                late = resolvedOf(alert, clock.millis());
            }
        }
        if (late != null) {
            to.emitExcept(late, failure.subscriber());
        }
    }

    /**
     * Resolves every delivery-failure alert still firing, as of now: the run is over. Later failures raise no
     * alert; a firing still on its way to the fan-out (from a delivery thread) is resolved right after it.
     */
    public void resolveAll() {
        List<Alert> toResolve = new ArrayList<>();
        long now = clock.millis();
        AlertFanOut to;
        synchronized (this) {
            for (Map.Entry<String, Alert> firing : raised.entrySet()) {
                if (published.contains(firing.getKey()) && resolved.add(firing.getKey())) {
                    toResolve.add(resolvedOf(firing.getValue(), now));
                }
            }
            over = true;
            to = alerts;
        }
        if (to != null) {
            toResolve.forEach(alert -> to.emitExcept(alert, alert.getLabels().get("subscriber")));
        }
    }

    /** Every failure so far, in order. */
    public synchronized List<DeliveryFailure> failures() {
        return List.copyOf(failures);
    }

    /** Notifications given up so far, over every subscriber. */
    public synchronized long count() {
        return failures.stream().mapToLong(DeliveryFailure::notifications).sum();
    }

    private static Map<String, String> inOrder(Map<String, String> labels) {
        Map<String, String> ordered = new LinkedHashMap<>();
        LABEL_ORDER.stream().filter(labels::containsKey).forEach(k -> ordered.put(k, labels.get(k)));
        new java.util.TreeMap<>(labels).forEach(ordered::putIfAbsent);
        return ordered;
    }

    private Alert firing(DeliveryFailure failure) {
        Map<String, String> labels = inOrder(Map.of("alertname", ALERT_NAME, "run_id", runId,
                "subscriber", failure.subscriber(), "severity", "warning"));
        return Alert.newBuilder()
                .setRunId(runId)
                .setFingerprint(fingerprint(runId, failure.subscriber()))
                .setRule("alert delivery to " + failure.subscriber())
                .setMetric("alert_delivery")
                .setExpression("delivered")
                .setScope("subscriber:" + failure.subscriber())
                .setWindowMs(0)
                .setForMs(0)
                .setAbortOnFail(false)
                .setStatus(AlertStatus.FIRING)
                .setObserved(failure.notifications())
                .setStartsAtMs(failure.atMs())
                .setEndsAtMs(0)
                .setSummary(failure.message())
                .setLabels(labels)
                .build();
    }

    /** The resolved state of a firing delivery-failure alert: all of the firing, its summary after a prefix. */
    static Alert resolvedOf(Alert firing, long nowMs) {
        // A builder copies the labels into a map of its own order: they are put back in this class's.
        return Alert.newBuilder(firing).setStatus(AlertStatus.RESOLVED).setLabels(inOrder(firing.getLabels()))
                .setEndsAtMs(Math.max(nowMs, firing.getStartsAtMs() + 1))
                .setSummary(RESOLVED_PREFIX + firing.getSummary()).build();
    }

    /** The firing state a resolved delivery-failure alert was made from, exactly ({@link #resolvedOf}). */
    static Alert firingOf(Alert resolvedAlert) {
        String summary = resolvedAlert.getSummary();
        return Alert.newBuilder(resolvedAlert).setStatus(AlertStatus.FIRING)
                .setLabels(inOrder(resolvedAlert.getLabels())).setEndsAtMs(0)
                .setSummary(summary.startsWith(RESOLVED_PREFIX) ? summary.substring(RESOLVED_PREFIX.length())
                        : summary).build();
    }

    /** 16 hex digits of SHA-256 over the run and the subscriber, as threshold fingerprints are made. */
    private static String fingerprint(String runId, String subscriber) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((runId + "\nalert_delivery\n" + subscriber).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java has SHA-256", e);
        }
    }
}
