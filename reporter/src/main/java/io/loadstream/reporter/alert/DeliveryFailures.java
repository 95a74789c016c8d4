package io.loadstream.reporter.alert;

import io.loadstream.events.Alert;
import io.loadstream.events.AlertStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * What the alert subscribers did not get, for the report, and a delivery-failure alert to the others: the first time
 * notifications to a subscriber are given up, every other subscriber gets a firing alert
 * ({@value #ALERT_NAME}, labels {@code subscriber} and {@code run_id}) that names it, and {@link #resolveAll()}
 * resolves these at the end of the run. One alert per failing subscriber and run, so that two dead subscribers
 * cannot keep alerting each other. Thread-safe: the notifiers' delivery threads call {@link #accept}.
 */
public final class DeliveryFailures implements Consumer<DeliveryFailure> {

    /** The {@code alertname} label of a delivery-failure alert. */
    public static final String ALERT_NAME = "LoadstreamAlertDelivery";

    private final String runId;
    private final Clock clock;
    private final Consumer<String> console;
    private final List<SubscriberSink> sinks = new CopyOnWriteArrayList<>();
    private final List<DeliveryFailure> failures = new ArrayList<>();
    /** The firing delivery-failure alert of each failed subscriber. */
    private final Map<String, Alert> raised = new LinkedHashMap<>();
    private boolean over;

    /**
     * Creates the collector.
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
     * Adds subscribers that get the delivery-failure alerts about the others.
     *
     * @param sink the webhooks or the Alertmanagers
     */
    public void register(SubscriberSink sink) {
        sinks.add(sink);
    }

    @Override
    public void accept(DeliveryFailure failure) {
        Alert alert = null;
        synchronized (this) {
            failures.add(failure);
            if (!over && !raised.containsKey(failure.subscriber())) {
                alert = firing(failure);
                raised.put(failure.subscriber(), alert);
            }
        }
        console.accept(failure.message());
        if (alert != null) {
            for (SubscriberSink sink : sinks) {
                sink.acceptExcept(alert, failure.subscriber());
            }
        }
    }

    /** Resolves every delivery-failure alert sent, as of now: the run is over. Later failures raise no alert. */
    public void resolveAll() {
        List<Alert> resolved = new ArrayList<>();
        long now = clock.millis();
        synchronized (this) {
            for (Alert firing : raised.values()) {
                resolved.add(Alert.newBuilder(firing).setStatus(AlertStatus.RESOLVED)
                        .setEndsAtMs(Math.max(now, firing.getStartsAtMs() + 1))
                        .setSummary("The run is over; some alerts were not delivered to "
                                + firing.getLabels().get("subscriber") + ".").build());
            }
            over = true;
        }
        for (Alert alert : resolved) {
            String subscriber = alert.getLabels().get("subscriber");
            sinks.forEach(sink -> sink.acceptExcept(alert, subscriber));
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

    private Alert firing(DeliveryFailure failure) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("alertname", ALERT_NAME);
        labels.put("run_id", runId);
        labels.put("subscriber", failure.subscriber());
        labels.put("severity", "warning");
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
