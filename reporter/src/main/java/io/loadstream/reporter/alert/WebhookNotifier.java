package io.loadstream.reporter.alert;

import io.loadstream.events.Alert;
import java.net.URI;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Posts each alert state change to every configured webhook, in Alertmanager's webhook format
 * ({@link AlertmanagerPayload#of}).
 *
 * <ul>
 *   <li>{@link #accept} returns at once. Each URL has its own queue and thread ({@link SubscriberQueue}), so a
 *       slow, hanging or dead receiver delays neither the reporter nor the other receivers.</li>
 *   <li>Each URL gets every state change in order, each at most once however often it is accepted: "firing" before
 *       its "resolved". A failed attempt (no answer within the timeout, a 5xx, 408 or 429) is retried with
 *       exponential backoff for {@link WebhookSettings#retryFor} (10 minutes by default) while the receiver fails;
 *       then what its queue holds is given up and reported to the give-up listener. Another 4xx is a refusal, given
 *       up at once. A "resolved" whose "firing" was given up is never sent.</li>
 *   <li>Delivery is at-least-once: a request that timed out may have arrived, and is sent again. Every request
 *       carries {@value SubscriberQueue#IDEMPOTENCY_HEADER}{@code : <fingerprint>-<firing|resolved>-<startsAtMs>}
 *       so that a receiver drops repeats.</li>
 * </ul>
 *
 * <p>With a secret, each request carries {@value #SIGNATURE_HEADER}{@code : sha256=<hex>}, the HMAC-SHA256 of the
 * body under the secret. Thread-safe.
 */
public final class WebhookNotifier implements SubscriberSink {

    /** The signature header: {@code sha256=} and the lower-case hex HMAC-SHA256 of the body. */
    public static final String SIGNATURE_HEADER = "X-Loadstream-Signature";

    /** The idempotency header of every notification: {@code <fingerprint>-<firing|resolved>-<startsAtMs>}. */
    public static final String IDEMPOTENCY_HEADER = SubscriberQueue.IDEMPOTENCY_HEADER;

    private final WebhookSettings settings;
    private final HttpPost http;
    private final List<SubscriberQueue> queues = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();

    /**
     * Starts a notifier: one queue and thread per URL.
     *
     * @param settings the URLs, secret and retry settings
     * @param onGiveUp told each time notifications are given up, from a delivery thread; not null
     */
    public WebhookNotifier(WebhookSettings settings, Consumer<DeliveryFailure> onGiveUp) {
        this(settings, onGiveUp, Clock.systemUTC());
    }

    /**
     * Starts a notifier on a clock.
     *
     * @param settings the URLs, secret and retry settings
     * @param onGiveUp told each time notifications are given up, from a delivery thread; not null
     * @param clock    the time of each failure
     */
    public WebhookNotifier(WebhookSettings settings, Consumer<DeliveryFailure> onGiveUp, Clock clock) {
        this.settings = settings;
        this.http = new HttpPost(settings.requestTimeout(), Optional.empty());
        int index = 0;
        for (URI url : settings.urls()) {
            queues.add(new SubscriberQueue(SubscriberQueue.label(url), "loadstream-webhook-" + index++,
                    SubscriberQueue.Mode.IN_ORDER, settings.retry(), (batch, key) -> post(url, batch.get(0), key),
                    failure -> {
                        synchronized (failures) {
                            failures.add(failure.message());
                        }
                        onGiveUp.accept(failure);
                    }, clock));
        }
    }

    private SubscriberQueue.Attempt post(URI url, Alert alert, String idempotencyKey) throws InterruptedException {
        byte[] body = AlertmanagerPayload.bytes(alert, settings.externalUrl());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(IDEMPOTENCY_HEADER, idempotencyKey);
        if (settings.secret().length > 0) {
            headers.put(SIGNATURE_HEADER, "sha256=" + hmac(settings.secret(), body));
        }
        return http.post(url, body, headers);
    }

    @Override
    public void accept(Alert alert) {
        queues.forEach(q -> q.offer(alert));
    }

    @Override
    public void acceptExcept(Alert alert, String subscriber) {
        queues.stream().filter(q -> !q.subscriber().equals(subscriber)).forEach(q -> q.offer(alert));
    }

    /** The wait before retry {@code failedAttempts}: see {@link DeliveryRetry#backoff}. */
    Duration backoff(int failedAttempts) {
        return settings.retry().backoff(failedAttempts);
    }

    /**
     * The HMAC-SHA256 of a body, as receivers should compute it to check {@value #SIGNATURE_HEADER}.
     *
     * @param secret the shared secret
     * @param body   the request body
     * @return lower-case hex
     */
    public static String hmac(byte[] secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("Every Java has HmacSHA256", e);
        }
    }

    /**
     * Waits until every accepted notification was delivered or given up, within a bound.
     *
     * @param timeout how long to wait at most
     * @return true when everything was settled in time
     */
    public boolean awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            for (SubscriberQueue queue : queues) {
                if (!queue.awaitEmpty(deadline)) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Notifications delivered (2xx), counting each URL. */
    public long delivered() {
        return queues.stream().mapToLong(SubscriberQueue::delivered).sum();
    }

    /** HTTP attempts made so far, retries included. */
    public long attempts() {
        return queues.stream().mapToLong(SubscriberQueue::attempts).sum();
    }

    /** One sentence per give-up. */
    public List<String> failures() {
        synchronized (failures) {
            return List.copyOf(failures);
        }
    }

    /** Stops the queues; what they still hold is given up and reported (see {@link #awaitIdle}). Idempotent. */
    @Override
    public void close() {
        queues.forEach(SubscriberQueue::stop);
    }
}
