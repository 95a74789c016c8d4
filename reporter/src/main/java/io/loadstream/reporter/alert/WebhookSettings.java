package io.loadstream.reporter.alert;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * How webhooks are delivered. Immutable; {@link #DEFAULT} retries a failing receiver for 10 minutes, from 500 ms
 * between attempts doubling up to 30 s, with a 10 s timeout per attempt.
 *
 * @param urls            where to POST each alert state change (http or https)
 * @param secret          HMAC-SHA256 key for the {@value WebhookNotifier#SIGNATURE_HEADER} header; empty for none
 * @param retryFor        how long a receiver may fail before what its queue holds is given up; positive
 * @param initialBackoff  wait before the first retry; each later retry waits twice as long
 * @param maxBackoff      longest wait between attempts
 * @param requestTimeout  total time one attempt may take
 * @param externalUrl     the {@code externalURL} of the payload; may be empty
 */
public record WebhookSettings(List<URI> urls, byte[] secret, Duration retryFor, Duration initialBackoff,
                              Duration maxBackoff, Duration requestTimeout, String externalUrl) {

    /** No URL, no secret, default delivery settings. */
    public static final WebhookSettings DEFAULT = new WebhookSettings(List.of(), new byte[0],
            DeliveryRetry.DEFAULT_RETRY_FOR, Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofSeconds(10),
            "");

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException when a URL is not absolute http(s), or a duration is out of range
     */
    public WebhookSettings {
        urls = List.copyOf(urls);
        secret = secret == null ? new byte[0] : secret.clone();
        externalUrl = externalUrl == null ? "" : externalUrl;
        for (URI url : urls) {
            String scheme = url.getScheme();
            if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme) || url.getHost() == null) {
                throw new IllegalArgumentException("A webhook must be an http or https URL with a host, not '"
                        + url + "'");
            }
        }
        new DeliveryRetry(initialBackoff, maxBackoff, retryFor, requestTimeout);
    }

    /** The retry settings, shared with the other subscribers' delivery. */
    public DeliveryRetry retry() {
        return new DeliveryRetry(initialBackoff, maxBackoff, retryFor, requestTimeout);
    }

    /** A copy with other URLs. */
    public WebhookSettings withUrls(List<URI> newUrls) {
        return new WebhookSettings(newUrls, secret, retryFor, initialBackoff, maxBackoff, requestTimeout,
                externalUrl);
    }

    /** A copy with another secret (empty for none). */
    public WebhookSettings withSecret(byte[] newSecret) {
        return new WebhookSettings(urls, newSecret, retryFor, initialBackoff, maxBackoff, requestTimeout,
                externalUrl);
    }

    /** A copy with other retry settings: how long to retry, the first and longest backoff, the timeout. */
    public WebhookSettings withRetries(Duration newRetryFor, Duration initial, Duration max, Duration timeout) {
        return new WebhookSettings(urls, secret, newRetryFor, initial, max, timeout, externalUrl);
    }

    /** A copy that retries a failing receiver for this long. */
    public WebhookSettings withRetryFor(Duration value) {
        return new WebhookSettings(urls, secret, value, initialBackoff, maxBackoff, requestTimeout, externalUrl);
    }

    /** The secret; a copy. */
    @Override
    public byte[] secret() {
        return secret.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof WebhookSettings o && urls.equals(o.urls) && java.util.Arrays.equals(secret, o.secret)
                && retryFor.equals(o.retryFor) && initialBackoff.equals(o.initialBackoff)
                && maxBackoff.equals(o.maxBackoff) && requestTimeout.equals(o.requestTimeout)
                && externalUrl.equals(o.externalUrl);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(urls, java.util.Arrays.hashCode(secret), retryFor, initialBackoff,
                maxBackoff, requestTimeout, externalUrl);
    }

    @Override
    public String toString() {
        return "WebhookSettings[urls=" + urls + ", secret=" + (secret.length == 0 ? "none" : "(set)")
                + ", retryFor=" + retryFor + ", initialBackoff=" + initialBackoff + ", maxBackoff="
                + maxBackoff + ", requestTimeout=" + requestTimeout + "]";
    }
}
