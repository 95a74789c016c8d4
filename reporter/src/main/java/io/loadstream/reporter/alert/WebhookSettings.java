package io.loadstream.reporter.alert;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * How webhooks are delivered. Immutable; {@link #DEFAULT} retries 5 times from 500 ms, doubling up to 8 s, with a
 * 10 s timeout per attempt (so one notification gives up after about 65 s at worst).
 *
 * @param urls            where to POST each alert state change (http or https)
 * @param secret          HMAC-SHA256 key for the {@value WebhookNotifier#SIGNATURE_HEADER} header; empty for none
 * @param maxAttempts     attempts per notification and URL before giving up, at least 1
 * @param initialBackoff  wait before the first retry; each later retry waits twice as long
 * @param maxBackoff      longest wait between attempts
 * @param requestTimeout  total time one attempt may take
 * @param externalUrl     the {@code externalURL} of the payload; may be empty
 */
public record WebhookSettings(List<URI> urls, byte[] secret, int maxAttempts, Duration initialBackoff,
                              Duration maxBackoff, Duration requestTimeout, String externalUrl) {

    /** No URL, no secret, default delivery settings. */
    public static final WebhookSettings DEFAULT = new WebhookSettings(List.of(), new byte[0], 5,
            Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofSeconds(10), "");

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException when a URL is not absolute http(s), or a count or duration is out of range
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
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("Webhook attempts must be at least 1, not " + maxAttempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0 || requestTimeout.isNegative()
                || requestTimeout.isZero()) {
            throw new IllegalArgumentException("Webhook backoff and timeout must be positive, with maxBackoff >= "
                    + "initialBackoff");
        }
    }

    /** A copy with other URLs. */
    public WebhookSettings withUrls(List<URI> newUrls) {
        return new WebhookSettings(newUrls, secret, maxAttempts, initialBackoff, maxBackoff, requestTimeout,
                externalUrl);
    }

    /** A copy with another secret (empty for none). */
    public WebhookSettings withSecret(byte[] newSecret) {
        return new WebhookSettings(urls, newSecret, maxAttempts, initialBackoff, maxBackoff, requestTimeout,
                externalUrl);
    }

    /** A copy with other retry settings. */
    public WebhookSettings withRetries(int attempts, Duration initial, Duration max, Duration timeout) {
        return new WebhookSettings(urls, secret, attempts, initial, max, timeout, externalUrl);
    }

    /** The secret; a copy. */
    @Override
    public byte[] secret() {
        return secret.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof WebhookSettings o && urls.equals(o.urls) && java.util.Arrays.equals(secret, o.secret)
                && maxAttempts == o.maxAttempts && initialBackoff.equals(o.initialBackoff)
                && maxBackoff.equals(o.maxBackoff) && requestTimeout.equals(o.requestTimeout)
                && externalUrl.equals(o.externalUrl);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(urls, java.util.Arrays.hashCode(secret), maxAttempts, initialBackoff,
                maxBackoff, requestTimeout, externalUrl);
    }

    @Override
    public String toString() {
        return "WebhookSettings[urls=" + urls + ", secret=" + (secret.length == 0 ? "none" : "(set)")
                + ", maxAttempts=" + maxAttempts + ", initialBackoff=" + initialBackoff + ", maxBackoff="
                + maxBackoff + ", requestTimeout=" + requestTimeout + "]";
    }
}
