package io.loadstream.reporter.alert;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How alerts are posted to Alertmanagers ({@code POST URL/api/v2/alerts}). Immutable; {@link #DEFAULT} has no URL,
 * re-sends active alerts every 60 s (Alertmanager resolves an alert it has not heard of for its
 * {@code resolve_timeout}, 5 minutes by default), and retries a failed post from 500 ms, doubling up to 30 s, for
 * 10 minutes.
 *
 * @param urls            Alertmanager base URLs (http or https), e.g. {@code http://am:9093}; the path
 *                        {@code /api/v2/alerts} is added
 * @param authorization   the value of the {@code Authorization} header ({@code Basic ...} or {@code Bearer ...}),
 *                        or empty; never logged nor shown by {@link #toString()}
 * @param caFile          a PEM file of CA certificates to trust for https instead of the JDK's trust store, or
 *                        empty
 * @param resendInterval  how often every active alert is posted again; shorter than Alertmanager's
 *                        {@code resolve_timeout}
 * @param initialBackoff  wait before the first retry of a failed post; each later retry waits twice as long
 * @param maxBackoff      longest wait between two retries
 * @param requestTimeout  time one post may take
 * @param generatorUrl    the {@code generatorURL} of each alert (where the report is), or empty
 * @param retryFor        how long an Alertmanager may fail before what its queue holds is given up
 */
public record AlertmanagerSettings(List<URI> urls, Optional<String> authorization, Optional<Path> caFile,
                                   Duration resendInterval, Duration initialBackoff, Duration maxBackoff,
                                   Duration requestTimeout, String generatorUrl, Duration retryFor) {

    /** The path posted to, under each base URL. */
    public static final String ALERTS_PATH = "/api/v2/alerts";

    /** No URL; the default timings. */
    public static final AlertmanagerSettings DEFAULT = new AlertmanagerSettings(List.of(), Optional.empty(),
            Optional.empty(), Duration.ofSeconds(60), Duration.ofMillis(500), Duration.ofSeconds(30),
            Duration.ofSeconds(10), "", DeliveryRetry.DEFAULT_RETRY_FOR);

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException when a URL is not absolute http(s) or a duration is not positive
     */
    public AlertmanagerSettings {
        urls = List.copyOf(urls);
        Objects.requireNonNull(authorization, "authorization");
        Objects.requireNonNull(caFile, "caFile");
        generatorUrl = generatorUrl == null ? "" : generatorUrl;
        for (URI url : urls) {
            String scheme = url.getScheme();
            if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme) || url.getHost() == null) {
                throw new IllegalArgumentException("An Alertmanager must be an http or https URL with a host, not '"
                        + url + "'");
            }
        }
        for (Duration d : List.of(resendInterval, initialBackoff, maxBackoff, requestTimeout, retryFor)) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("Alertmanager intervals and timeouts must be positive, not " + d);
            }
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("The longest Alertmanager backoff must not be shorter than the first");
        }
    }

    /** A copy with other base URLs. */
    public AlertmanagerSettings withUrls(List<URI> value) {
        return new AlertmanagerSettings(value, authorization, caFile, resendInterval, initialBackoff, maxBackoff,
                requestTimeout, generatorUrl, retryFor);
    }

    /** A copy with another {@code Authorization} header value (empty for none). */
    public AlertmanagerSettings withAuthorization(Optional<String> value) {
        return new AlertmanagerSettings(urls, value, caFile, resendInterval, initialBackoff, maxBackoff,
                requestTimeout, generatorUrl, retryFor);
    }

    /** A copy that trusts the CA certificates of this PEM file (empty: the JDK's trust store). */
    public AlertmanagerSettings withCaFile(Optional<Path> value) {
        return new AlertmanagerSettings(urls, authorization, value, resendInterval, initialBackoff, maxBackoff,
                requestTimeout, generatorUrl, retryFor);
    }

    /** A copy with other timings. */
    public AlertmanagerSettings withTimings(Duration resend, Duration initial, Duration max, Duration timeout) {
        return new AlertmanagerSettings(urls, authorization, caFile, resend, initial, max, timeout, generatorUrl,
                retryFor);
    }

    /** A copy with another {@code generatorURL}. */
    public AlertmanagerSettings withGeneratorUrl(String value) {
        return new AlertmanagerSettings(urls, authorization, caFile, resendInterval, initialBackoff, maxBackoff,
                requestTimeout, value, retryFor);
    }

    /** A copy that retries a failing Alertmanager for this long. */
    public AlertmanagerSettings withRetryFor(Duration value) {
        return new AlertmanagerSettings(urls, authorization, caFile, resendInterval, initialBackoff, maxBackoff,
                requestTimeout, generatorUrl, value);
    }

    /** The retry settings, shared with the other subscribers' delivery. */
    public DeliveryRetry retry() {
        return new DeliveryRetry(initialBackoff, maxBackoff, retryFor, requestTimeout);
    }

    /** The URL posted to for a base URL: its path with {@value #ALERTS_PATH} appended. */
    public static URI alertsEndpoint(URI base) {
        String text = base.toString();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        return URI.create(text + ALERTS_PATH);
    }

    @Override
    public String toString() {
        return "AlertmanagerSettings[urls=" + urls + ", authorization=" + (authorization.isEmpty() ? "none" : "(set)")
                + ", caFile=" + caFile.map(Path::toString).orElse("none") + ", resendInterval=" + resendInterval
                + ", initialBackoff=" + initialBackoff + ", maxBackoff=" + maxBackoff + ", requestTimeout="
                + requestTimeout + ", generatorUrl=" + generatorUrl + ", retryFor=" + retryFor + "]";
    }
}
