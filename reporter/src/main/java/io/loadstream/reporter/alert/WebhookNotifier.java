package io.loadstream.reporter.alert;

import io.loadstream.events.Alert;
import java.net.URI;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts each alert state change to every configured webhook, in Alertmanager's format
 * ({@link AlertmanagerPayload}), with Jetty's HttpClient.
 *
 * <ul>
 *   <li>{@link #accept} returns at once: delivery runs on the client's and a scheduler's threads.</li>
 *   <li>Each state (fingerprint, status, start) is sent at most once per URL, however often it is accepted.</li>
 *   <li>A failed attempt (no answer within the timeout, or a status other than 2xx) is retried with exponential
 *       backoff; after {@code maxAttempts} the notification is given up, logged as an error and reported to the
 *       give-up listener.</li>
 *   <li>Notifications to one URL are delivered in order: the next waits until the previous one succeeded or was
 *       given up, so a receiver never sees "resolved" before "firing".</li>
 * </ul>
 *
 * <p>With a secret, each request carries {@value #SIGNATURE_HEADER}{@code : sha256=<hex>}, the HMAC-SHA256 of the
 * body under the secret. Thread-safe.
 */
public final class WebhookNotifier implements AlertSink {

    /** The signature header: {@code sha256=} and the lower-case hex HMAC-SHA256 of the body. */
    public static final String SIGNATURE_HEADER = "X-Loadstream-Signature";

    private static final Logger LOG = LoggerFactory.getLogger(WebhookNotifier.class);

    private final WebhookSettings settings;
    private final HttpClient client;
    private final ScheduledExecutorService scheduler;
    private final Consumer<String> onGiveUp;
    private final Set<String> sent = new HashSet<>();
    private final Map<URI, CompletableFuture<Void>> tails = new HashMap<>();
    private final List<String> failures = new ArrayList<>();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong attempts = new AtomicLong();

    /**
     * Starts a notifier and its HTTP client.
     *
     * @param settings the URLs, secret and retry settings
     * @param onGiveUp told one sentence each time a notification is given up (e.g. to print it); not null
     * @throws IllegalStateException when the HTTP client does not start
     */
    public WebhookNotifier(WebhookSettings settings, Consumer<String> onGiveUp) {
        this.settings = settings;
        this.onGiveUp = onGiveUp;
        this.client = new HttpClient();
        client.setName("loadstream-webhooks");
        client.setConnectTimeout(settings.requestTimeout().toMillis());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "loadstream-webhook-retry");
            thread.setDaemon(true);
            return thread;
        });
        try {
            client.start();
        } catch (Exception e) {
            scheduler.shutdownNow();
            throw new IllegalStateException("Cannot start the webhook HTTP client: " + e.getMessage(), e);
        }
    }

    @Override
    public void accept(Alert alert) {
        if (settings.urls().isEmpty()) {
            return;
        }
        String state = alert.getFingerprint() + "|" + alert.getStatus() + "|" + alert.getStartsAtMs();
        byte[] body = AlertmanagerPayload.bytes(alert, settings.externalUrl());
        String signature = settings.secret().length == 0 ? null : "sha256=" + hmac(settings.secret(), body);
        synchronized (this) {
            if (!sent.add(state)) {
                return;
            }
            for (URI url : settings.urls()) {
                String what = alert.getRule() + " " + alert.getStatus().name().toLowerCase(java.util.Locale.ROOT);
                CompletableFuture<Void> previous = tails.getOrDefault(url, CompletableFuture.completedFuture(null));
                tails.put(url, previous.thenCompose(ignored -> deliver(url, body, signature, what)));
            }
        }
    }

    private CompletableFuture<Void> deliver(URI url, byte[] body, String signature, String what) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        attempt(url, body, signature, what, 1, done);
        return done;
    }

    private void attempt(URI url, byte[] body, String signature, String what, int attempt,
                         CompletableFuture<Void> done) {
        attempts.incrementAndGet();
        var request = client.newRequest(url)
                .method(HttpMethod.POST)
                .timeout(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .body(new BytesRequestContent("application/json", body));
        if (signature != null) {
            request.headers(headers -> headers.put(SIGNATURE_HEADER, signature));
        }
        request.send((Result result) -> {
            String problem = problem(result);
            if (problem == null) {
                delivered.incrementAndGet();
                done.complete(null);
                return;
            }
            if (attempt >= settings.maxAttempts()) {
                String message = "Gave up sending the alert '" + what + "' to " + url + " after " + attempt
                        + " attempts; last failure: " + problem;
                LOG.error(message);
                synchronized (this) {
                    failures.add(message);
                }
                onGiveUp.accept(message);
                done.complete(null);
                return;
            }
            Duration wait = backoff(attempt);
            LOG.warn("Webhook {} attempt {} failed ({}); retrying in {} ms", url, attempt, problem, wait.toMillis());
            try {
                scheduler.schedule(() -> attempt(url, body, signature, what, attempt + 1, done), wait.toMillis(),
                        TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                String message = "Gave up sending the alert '" + what + "' to " + url + ": the reporter is closing";
                LOG.error(message);
                onGiveUp.accept(message);
                done.complete(null);
            }
        });
    }

    private static String problem(Result result) {
        if (result.isFailed()) {
            Throwable failure = result.getFailure();
            return failure.getClass().getSimpleName() + (failure.getMessage() == null ? "" : ": "
                    + failure.getMessage());
        }
        int status = result.getResponse().getStatus();
        return status >= 200 && status < 300 ? null : "HTTP status " + status;
    }

    /** The wait before attempt {@code attempt + 1}: initial * 2^(attempt-1), capped. */
    Duration backoff(int attempt) {
        long initial = settings.initialBackoff().toMillis();
        long wait = initial << Math.min(30, attempt - 1);
        return Duration.ofMillis(Math.min(wait, settings.maxBackoff().toMillis()));
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
        CompletableFuture<?>[] pending;
        synchronized (this) {
            pending = tails.values().toArray(new CompletableFuture<?>[0]);
        }
        try {
            CompletableFuture.allOf(pending).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Notifications delivered (2xx), counting each URL. */
    public long delivered() {
        return delivered.get();
    }

    /** HTTP attempts made so far, retries included. */
    public long attempts() {
        return attempts.get();
    }

    /** One sentence per notification given up. */
    public synchronized List<String> failures() {
        return List.copyOf(failures);
    }

    /** Stops the retries and the HTTP client; notifications still pending are dropped (see {@link #awaitIdle}). */
    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            client.stop();
        } catch (Exception e) {
            LOG.warn("The webhook HTTP client did not stop cleanly: {}", e.toString());
        }
    }
}
