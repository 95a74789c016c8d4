package io.loadstream.reporter.alert;

import io.loadstream.events.Alert;
import io.loadstream.events.AlertStatus;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscriber's queue of alert notifications and the thread that delivers them, so that a slow, hanging or dead
 * subscriber delays neither the reporter nor any other subscriber. The webhook and the Alertmanager subscribers
 * both deliver through it; only their {@link Mode} and {@link Transport} differ.
 *
 * <ul>
 *   <li>A failed attempt is retried with {@link DeliveryRetry#backoff exponential backoff} for as long as
 *       {@link DeliveryRetry#retryFor} since the subscriber started failing; then everything the queue holds is given
 *       up, reported once as a {@link DeliveryFailure}, and the next notification starts afresh. A refusal (a 4xx
 *       other than 408 and 429) gives up that notification at once.</li>
 *   <li>A "resolved" is never delivered when its "firing" (same fingerprint and start) was given up: the subscriber
 *       would be told that something it never heard of is over. It is counted as given up instead.</li>
 *   <li>Every post carries an {@link #IDEMPOTENCY_HEADER} naming the state changes it holds: a post that timed out
 *       may have arrived, so delivery is at-least-once and a receiver drops repeats by that key.</li>
 * </ul>
 *
 * <p>Thread-safe.
 */
final class SubscriberQueue {

    /** The header with the idempotency key of a post: see {@link #idempotencyKey}. */
    static final String IDEMPOTENCY_HEADER = "Idempotency-Key";

    private static final Logger LOG = LoggerFactory.getLogger(SubscriberQueue.class);

    /** What the queue keeps of an alert's changes. */
    enum Mode {
        /** Every state change, in order, one per post, each at most once (webhooks). */
        IN_ORDER,
        /** Only the latest state of each alert, all of them in one post (Alertmanager, which keeps state). */
        LATEST_STATE
    }

    /** What to do after an attempt. */
    enum Outcome { DELIVERED, RETRY, REFUSED }

    /**
     * The result of one attempt.
     *
     * @param outcome delivered, to retry, or refused
     * @param problem the failure in a few words; empty when delivered
     */
    record Attempt(Outcome outcome, String problem) {
        /** A delivered attempt. */
        static final Attempt DELIVERED = new Attempt(Outcome.DELIVERED, "");
    }

    /** Posts a batch to the subscriber. */
    @FunctionalInterface
    interface Transport {
        /**
         * Makes one attempt.
         *
         * @param batch          the notifications, in order
         * @param idempotencyKey the key to send in {@link #IDEMPOTENCY_HEADER}
         * @return the outcome
         * @throws InterruptedException when interrupted (the queue is stopping)
         */
        Attempt post(List<Alert> batch, String idempotencyKey) throws InterruptedException;
    }

    private final String subscriber;
    private final Mode mode;
    private final DeliveryRetry retry;
    private final Transport transport;
    private final Consumer<DeliveryFailure> onGiveUp;
    private final Clock clock;
    private final Thread thread;
    private final Map<String, Alert> pending = new LinkedHashMap<>();
    /** State changes ever queued (IN_ORDER), so that a repeat is not delivered twice. */
    private final Set<String> seen = new HashSet<>();
    /** Firings (fingerprint and start) given up: their resolved is withheld. */
    private final Set<String> undeliveredFirings = new HashSet<>();
    private boolean inFlight;
    private boolean stopped;
    private long delivered;
    private long attempts;
    /** When the current run of failures started, System.nanoTime(); meaningful while failedAttempts > 0. */
    private long failingSinceNanos;
    private int failedAttempts;
    private String lastProblem = "";

    /**
     * Starts the queue's daemon thread.
     *
     * @param subscriber what the failures name: the subscriber's URL, see {@link #label}
     * @param threadName the delivery thread's name
     * @param mode       what is kept of each alert
     * @param retry      backoff and retry time
     * @param transport  makes the attempts
     * @param onGiveUp   told each failure, from the delivery thread (or the caller of {@link #offer} or
     *                   {@link #stop}), never while a lock is held
     * @param clock      the time of each failure
     */
    SubscriberQueue(String subscriber, String threadName, Mode mode, DeliveryRetry retry, Transport transport,
                    Consumer<DeliveryFailure> onGiveUp, Clock clock) {
        this.subscriber = subscriber;
        this.mode = mode;
        this.retry = retry;
        this.transport = transport;
        this.onGiveUp = onGiveUp;
        this.clock = clock;
        this.thread = new Thread(this::deliverUntilStopped, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** The subscriber, as failures name it. */
    String subscriber() {
        return subscriber;
    }

    /**
     * Queues a notification; returns at once.
     *
     * @param alert the state change
     */
    void offer(Alert alert) {
        DeliveryFailure withheld = null;
        synchronized (this) {
            if (stopped) {
                return;
            }
            String key = stateKey(alert);
            if (mode == Mode.IN_ORDER && !seen.add(key)) {
                return;
            }
            if (alert.getStatus() == AlertStatus.RESOLVED && undeliveredFirings.contains(firingKey(alert))) {
                withheld = failure(1, "its firing was not delivered", "Did not send '" + what(alert) + "' to "
                        + subscriber + ": its firing was not delivered");
            } else {
                pending.put(mode == Mode.IN_ORDER ? key : alert.getFingerprint(), alert);
                notifyAll();
            }
        }
        report(withheld);
    }

    /** Attempts made, retries included. */
    synchronized long attempts() {
        return attempts;
    }

    /** Posts the subscriber accepted. */
    synchronized long delivered() {
        return delivered;
    }

    /**
     * Waits until the queue holds nothing and no post is in flight.
     *
     * @param deadlineNanos {@code System.nanoTime()} to give up waiting at
     * @return true when empty in time
     * @throws InterruptedException when interrupted
     */
    synchronized boolean awaitEmpty(long deadlineNanos) throws InterruptedException {
        while (!pending.isEmpty() || inFlight) {
            long leftMs = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            if (leftMs <= 0) {
                return false;
            }
            wait(leftMs);
        }
        return true;
    }

    /**
     * Stops the thread; what the queue still holds is given up and reported ("the reporter stopped"), never
     * dropped silently. Later offers are ignored. Idempotent.
     */
    void stop() {
        DeliveryFailure left = null;
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
            if (!pending.isEmpty()) {
                String problem = failedAttempts > 0 ? lastProblem : "still queued";
                left = failure(pending.size(), problem, "Gave up " + pending.size() + " alert notification(s) to "
                        + subscriber + ": the reporter stopped before they were delivered (" + problem + ")");
                pending.clear();
            }
            notifyAll();
        }
        thread.interrupt();
        report(left);
    }

    private void deliverUntilStopped() {
        try {
            while (true) {
                List<Alert> batch;
                synchronized (this) {
                    while (pending.isEmpty() && !stopped) {
                        wait();
                    }
                    if (stopped) {
                        return;
                    }
                    batch = mode == Mode.IN_ORDER ? List.of(pending.values().iterator().next())
                            : new ArrayList<>(pending.values());
                    inFlight = true;
                }
                Attempt attempt = transport.post(batch, idempotencyKey(batch));
                DeliveryFailure failure;
                long waitMs;
                synchronized (this) {
                    attempts++;
                    failure = settle(batch, attempt);
                    waitMs = failedAttempts == 0 ? 0 : Math.min(retry.backoff(failedAttempts).toMillis(),
                            Math.max(1, TimeUnit.NANOSECONDS.toMillis(failingSinceNanos + retry.retryFor().toNanos()
                                    - System.nanoTime())));
                }
                // Reported before the queue counts as idle, so that whoever waits for it sees the give-up too.
                report(failure);
                synchronized (this) {
                    inFlight = false;
                    notifyAll();
                }
                if (waitMs > 0) {
                    LOG.warn("Alert delivery to {} failed ({}); retrying in {} ms", subscriber, attempt.problem(),
                            waitMs);
                    synchronized (this) {
                        if (!stopped) {
                            wait(waitMs);
                        }
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Applies an attempt's outcome to the queue; returns what was given up, if anything. Holds the lock. */
    private DeliveryFailure settle(List<Alert> batch, Attempt attempt) {
        switch (attempt.outcome()) {
            case DELIVERED -> {
                delivered++;
                failedAttempts = 0;
                removeAll(batch);
                return null;
            }
            case REFUSED -> {
                failedAttempts = 0;
                lastProblem = attempt.problem();
                int count = removeAll(batch) + withholdResolvedOf(batch);
                return failure(count, attempt.problem(), subscriber + " refused " + count
                        + " alert notification(s) (" + describe(batch) + "): " + attempt.problem());
            }
            default -> {
                lastProblem = attempt.problem();
                if (failedAttempts++ == 0) {
                    failingSinceNanos = System.nanoTime();
                }
                if (System.nanoTime() - failingSinceNanos < retry.retryFor().toNanos()) {
                    return null;
                }
                List<Alert> all = new ArrayList<>(pending.values());
                int count = removeAll(all);
                markGivenUp(all);
                failedAttempts = 0;
                return failure(count, attempt.problem(), "Gave up " + count + " alert notification(s) to "
                        + subscriber + " (" + describe(all) + ") after " + retry.retryFor().toSeconds()
                        + " s of failures; last failure: " + attempt.problem());
            }
        }
    }

    /** Removes the batch from the queue (a newer state that came meanwhile stays); marks given-up firings. */
    private int removeAll(List<Alert> batch) {
        int removed = 0;
        for (Alert alert : batch) {
            String key = mode == Mode.IN_ORDER ? stateKey(alert) : alert.getFingerprint();
            if (pending.remove(key, alert)) {
                removed++;
            }
        }
        return removed;
    }

    /** After firings were refused: withholds their resolved already queued, and marks them. */
    private int withholdResolvedOf(List<Alert> givenUp) {
        markGivenUp(givenUp);
        int withheld = 0;
        var it = pending.values().iterator();
        while (it.hasNext()) {
            Alert alert = it.next();
            if (alert.getStatus() == AlertStatus.RESOLVED && undeliveredFirings.contains(firingKey(alert))) {
                it.remove();
                withheld++;
            }
        }
        return withheld;
    }

    private void markGivenUp(List<Alert> givenUp) {
        for (Alert alert : givenUp) {
            if (alert.getStatus() == AlertStatus.FIRING) {
                undeliveredFirings.add(firingKey(alert));
            }
        }
    }

    private DeliveryFailure failure(int count, String problem, String message) {
        return new DeliveryFailure(subscriber, count, problem, clock.millis(), message);
    }

    private void report(DeliveryFailure failure) {
        if (failure == null || failure.notifications() == 0) {
            return;
        }
        LOG.error(failure.message());
        onGiveUp.accept(failure);
    }

    /**
     * The idempotency key of a post: for one notification {@code <fingerprint>-<firing|resolved>-<startsAtMs>}, the
     * same on every retry of it and for no other state change; for several (an Alertmanager batch), the first 32 hex
     * digits of the SHA-256 of their keys joined by commas.
     *
     * @param batch the notifications of the post
     * @return the key
     */
    static String idempotencyKey(List<Alert> batch) {
        if (batch.size() == 1) {
            return stateKey(batch.get(0));
        }
        List<String> keys = new ArrayList<>();
        batch.forEach(a -> keys.add(stateKey(a)));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(String.join(",", keys).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java has SHA-256", e);
        }
    }

    /** {@code <fingerprint>-<firing|resolved>-<startsAtMs>}. */
    static String stateKey(Alert alert) {
        return alert.getFingerprint() + "-" + alert.getStatus().name().toLowerCase(Locale.ROOT) + "-"
                + alert.getStartsAtMs();
    }

    private static String firingKey(Alert alert) {
        return alert.getFingerprint() + "-" + alert.getStartsAtMs();
    }

    private static String what(Alert alert) {
        return alert.getRule() + " " + alert.getStatus().name().toLowerCase(Locale.ROOT);
    }

    private static String describe(List<Alert> alerts) {
        List<String> names = new ArrayList<>();
        for (Alert alert : alerts.subList(0, Math.min(3, alerts.size()))) {
            names.add("'" + what(alert) + "'");
        }
        return String.join(", ", names) + (alerts.size() > 3 ? " and " + (alerts.size() - 3) + " more" : "");
    }

    /**
     * How failures name a subscriber: its URL without user info, query or fragment, which may hold credentials.
     *
     * @param url the subscriber's URL
     * @return e.g. {@code http://127.0.0.1:8080/hooks/loadstream}
     */
    static String label(URI url) {
        String port = url.getPort() < 0 ? "" : ":" + url.getPort();
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        return url.getScheme() + "://" + url.getHost() + port + path;
    }
}
