package io.loadstream.reporter.alert;

import io.loadstream.events.Alert;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Posts alerts to Alertmanagers as one of their clients, following Alertmanager's client contract: each state
 * change is posted to {@code URL/api/v2/alerts} ({@link AlertmanagerPayload#postable}), every active alert is posted
 * again every {@code resendInterval} so that Alertmanager does not resolve it by itself, a resolved alert is posted
 * with its {@code endsAt}, and {@link #endActive()} ends every alert still active.
 *
 * <ul>
 *   <li>{@link #accept} returns at once. Each Alertmanager has its own queue and thread ({@link SubscriberQueue}, as
 *       each webhook has), so a slow or unreachable one delays neither the reporter nor the other subscribers.</li>
 *   <li>A queue holds the latest state of each alert (by fingerprint) not yet delivered, and posts them together:
 *       Alertmanager keeps state and de-duplicates by labels itself. A failed post (no answer, a timeout, a 5xx, 408
 *       or 429) is retried with exponential backoff, with whatever is then the latest state, for
 *       {@link AlertmanagerSettings#retryFor} (10 minutes by default) while the Alertmanager fails; then it is given
 *       up and reported. A post refused with another 4xx is given up at once (a retry would be refused again).</li>
 *   <li>Every post carries {@value SubscriberQueue#IDEMPOTENCY_HEADER} (see {@link SubscriberQueue#idempotencyKey}).
 *   </li>
 *   <li>The {@code Authorization} header goes with every post and is never logged.</li>
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class AlertmanagerNotifier implements SubscriberSink {

    private final AlertmanagerSettings settings;
    private final Clock clock;
    private final HttpPost http;
    private final List<SubscriberQueue> queues = new ArrayList<>();
    private final ScheduledExecutorService resender;
    /** The alerts firing now, by fingerprint: what the periodic re-send posts. */
    private final Map<String, Alert> active = new LinkedHashMap<>();
    private final List<String> failures = new ArrayList<>();
    private boolean ended;

    /**
     * Starts the queues and the periodic re-send.
     *
     * @param settings the Alertmanagers and timings
     * @param clock    gives the end time of the alerts still active at {@link #endActive()}
     * @param onGiveUp told each time posts are given up, from a delivery thread
     * @throws IllegalArgumentException when the CA file cannot be read
     */
    public AlertmanagerNotifier(AlertmanagerSettings settings, Clock clock, Consumer<DeliveryFailure> onGiveUp) {
        this.settings = settings;
        this.clock = clock;
        this.http = new HttpPost(settings.requestTimeout(), settings.caFile());
        int index = 0;
        for (URI base : settings.urls()) {
            URI endpoint = AlertmanagerSettings.alertsEndpoint(base);
            queues.add(new SubscriberQueue(SubscriberQueue.label(endpoint), "loadstream-alertmanager-" + index++,
                    SubscriberQueue.Mode.LATEST_STATE, settings.retry(), (batch, key) -> post(endpoint, batch, key),
                    failure -> {
                        synchronized (this) {
                            failures.add(failure.message());
                        }
                        onGiveUp.accept(failure);
                    }, clock));
        }
        this.resender = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "loadstream-alertmanager-resend");
            thread.setDaemon(true);
            return thread;
        });
        long everyMs = settings.resendInterval().toMillis();
        resender.scheduleAtFixedRate(this::resendActive, everyMs, everyMs, TimeUnit.MILLISECONDS);
    }

    private SubscriberQueue.Attempt post(URI endpoint, List<Alert> batch, String idempotencyKey)
            throws InterruptedException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(SubscriberQueue.IDEMPOTENCY_HEADER, idempotencyKey);
        settings.authorization().ifPresent(value -> headers.put("Authorization", value));
        return http.post(endpoint, AlertmanagerPayload.postable(batch, settings.generatorUrl()), headers);
    }

    @Override
    public void accept(Alert alert) {
        track(alert);
    }

    /** An alert notified before a restart is active again (when firing) and posted again, which Alertmanager
     * de-duplicates by its labels: its receivers are not notified twice. */
    @Override
    public void resumed(Alert alert) {
        track(alert);
    }

    /** Posted once to every Alertmanager but one, and not re-sent: a delivery-failure alert about that one. */
    @Override
    public void acceptExcept(Alert alert, String subscriber) {
        queues.stream().filter(q -> !q.subscriber().equals(subscriber)).forEach(q -> q.offer(alert));
    }

    private synchronized void track(Alert alert) {
        if (ended) {
            return;
        }
        if (alert.getEndsAtMs() == 0) {
            active.put(alert.getFingerprint(), alert);
        } else {
            active.remove(alert.getFingerprint());
        }
        queues.forEach(q -> q.offer(alert));
    }

    private synchronized void resendActive() {
        for (Alert alert : active.values()) {
            queues.forEach(q -> q.offer(alert));
        }
    }

    /**
     * Ends every alert still active: each is posted with {@code endsAt} now, or one re-send interval after it
     * started if that is later, so that an alert that fired just before the end (a whole-run threshold) still
     * outlives Alertmanager's {@code group_wait} and reaches its receivers. Later alerts are ignored.
     */
    public synchronized void endActive() {
        long now = clock.millis();
        for (Alert alert : active.values()) {
            long endsAtMs = Math.max(now, alert.getStartsAtMs() + settings.resendInterval().toMillis());
            Alert ending = Alert.newBuilder(alert).setEndsAtMs(endsAtMs).build();
            queues.forEach(q -> q.offer(ending));
        }
        active.clear();
        ended = true;
    }

    /**
     * Waits until every queue has delivered (or given up) what it holds, within a bound.
     *
     * @param timeout how long to wait at most
     * @return true when every queue was empty in time
     * @throws InterruptedException when interrupted while waiting
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (SubscriberQueue queue : queues) {
            if (!queue.awaitEmpty(deadline)) {
                return false;
            }
        }
        return true;
    }

    /** Posts that Alertmanagers accepted, over every URL. */
    public long delivered() {
        return queues.stream().mapToLong(SubscriberQueue::delivered).sum();
    }

    /** One sentence per give-up. */
    public synchronized List<String> failures() {
        return List.copyOf(failures);
    }

    /**
     * Stops the re-send and the queues; what a queue still holds is given up and reported (see {@link #awaitIdle}).
     * Idempotent.
     */
    @Override
    public void close() {
        resender.shutdownNow();
        queues.forEach(SubscriberQueue::stop);
    }

    /** The wait before retry {@code failedAttempts}: see {@link DeliveryRetry#backoff}. */
    Duration backoff(int failedAttempts) {
        return settings.retry().backoff(failedAttempts);
    }
}
