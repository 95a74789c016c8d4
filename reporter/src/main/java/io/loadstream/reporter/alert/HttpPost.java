package io.loadstream.reporter.alert;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * One JSON POST to an alert subscriber and what its answer means for delivery, the same for webhooks and
 * Alertmanagers: 2xx delivered; no answer, a timeout, a 5xx, 408 or 429 retried (the subscriber may be restarting,
 * and a timeout may hide a delivered request: at-least-once, hence the idempotency key); any other status refused
 * (a retry would be refused again). Thread-safe.
 */
final class HttpPost {

    private final HttpClient http;
    private final Duration requestTimeout;

    /**
     * Creates the client.
     *
     * @param requestTimeout time one post may take, connection included
     * @param caFile         PEM CA certificates to trust for https instead of the JDK's, or empty
     * @throws IllegalArgumentException when the CA file cannot be read
     */
    HttpPost(Duration requestTimeout, Optional<Path> caFile) {
        this.requestTimeout = requestTimeout;
        // HTTP/1.1: no h2c upgrade headers, which some receivers behind proxies refuse.
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(requestTimeout)
                .followRedirects(HttpClient.Redirect.NEVER);
        caFile.ifPresent(file -> builder.sslContext(TrustedCertificates.sslContext(file)));
        this.http = builder.build();
    }

    /**
     * Posts once.
     *
     * @param url     where to
     * @param body    UTF-8 JSON
     * @param headers extra headers (never logged: they may hold credentials)
     * @return the outcome and, unless delivered, the problem in a few words
     * @throws InterruptedException when interrupted while waiting for the answer
     */
    SubscriberQueue.Attempt post(URI url, byte[] body, Map<String, String> headers) throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return SubscriberQueue.Attempt.DELIVERED;
            }
            String problem = "HTTP status " + status + (response.body() == null || response.body().isBlank() ? ""
                    : " " + abbreviate(response.body()));
            boolean retryable = status >= 500 || status == 408 || status == 429;
            return new SubscriberQueue.Attempt(retryable ? SubscriberQueue.Outcome.RETRY
                    : SubscriberQueue.Outcome.REFUSED, problem);
        } catch (HttpTimeoutException e) {
            return new SubscriberQueue.Attempt(SubscriberQueue.Outcome.RETRY, "no answer within "
                    + requestTimeout.toMillis() + " ms (" + e.getClass().getSimpleName() + ")");
        } catch (IOException e) {
            return new SubscriberQueue.Attempt(SubscriberQueue.Outcome.RETRY, e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    private static String abbreviate(String body) {
        String text = body.strip();
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
