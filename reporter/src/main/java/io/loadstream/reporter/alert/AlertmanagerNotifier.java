package io.loadstream.reporter.alert;

import io.loadstream.events.Alert;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts alerts to Alertmanagers as one of their clients, following Alertmanager's client contract: each state
 * change is posted to {@code URL/api/v2/alerts} ({@link AlertmanagerPayload#postable}), every active alert is posted
 * again every {@code resendInterval} so that Alertmanager does not resolve it by itself, a resolved alert is posted
 * with its {@code endsAt}, and {@link #close()} ends every alert still active.
 *
 * <ul>
 *   <li>{@link #accept} returns at once. Each Alertmanager has its own queue and thread, so a slow or unreachable
 *       one delays neither the reporter nor the other subscribers.</li>
 *   <li>A queue holds the latest state of each alert (by fingerprint) not yet delivered, and posts them together.
 *       A failed post (no answer, or a 5xx, 408 or 429) is retried with exponential backoff, however long the
 *       Alertmanager is down, with whatever is then the latest state: nothing still active is lost. A post refused
 *       with another 4xx is given up at once (a retry would be refused again) and reported.</li>
 *   <li>The {@code Authorization} header goes with every post and is never logged.</li>
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class AlertmanagerNotifier implements AlertSink {

    private static final Logger LOG = LoggerFactory.getLogger(AlertmanagerNotifier.class);

    private final AlertmanagerSettings settings;
    private final Clock clock;
    private final Consumer<String> onGiveUp;
    private final HttpClient http;
    private final List<Queue> queues = new ArrayList<>();
    private final ScheduledExecutorService resender;
    /** The alerts firing now, by fingerprint: what the periodic re-send posts. */
    private final Map<String, Alert> active = new LinkedHashMap<>();
    private final List<String> failures = new ArrayList<>();
    private boolean ended;

    /**
     * Starts the queues and the periodic re-send.
     *
     * @param settings the Alertmanagers and timings
     * @param clock    gives the end time of the alerts still active at {@link #close()}
     * @param onGiveUp told one sentence each time a post is given up (e.g. to print it)
     * @throws IllegalArgumentException when the CA file cannot be read
     */
    public AlertmanagerNotifier(AlertmanagerSettings settings, Clock clock, Consumer<String> onGiveUp) {
        this.settings = settings;
        this.clock = clock;
        this.onGiveUp = onGiveUp;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(settings.requestTimeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        settings.caFile().ifPresent(file -> builder.sslContext(TrustedCertificates.sslContext(file)));
        this.http = builder.build();
        int index = 0;
        for (URI base : settings.urls()) {
            Queue queue = new Queue(AlertmanagerSettings.alertsEndpoint(base));
            Thread thread = new Thread(queue::deliverUntilStopped, "loadstream-alertmanager-" + index++);
            thread.setDaemon(true);
            queue.thread = thread;
            queues.add(queue);
            thread.start();
        }
        this.resender = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "loadstream-alertmanager-resend");
            thread.setDaemon(true);
            return thread;
        });
        long everyMs = settings.resendInterval().toMillis();
        resender.scheduleAtFixedRate(this::resendActive, everyMs, everyMs, TimeUnit.MILLISECONDS);
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
        for (Queue queue : queues) {
            if (!queue.awaitEmpty(deadline)) {
                return false;
            }
        }
        return true;
    }

    /** Posts that Alertmanagers accepted, over every URL. */
    public long delivered() {
        return queues.stream().mapToLong(Queue::delivered).sum();
    }

    /** One sentence per post given up. */
    public synchronized List<String> failures() {
        return List.copyOf(failures);
    }

    /** Stops the re-send and the queues; what a queue still holds is dropped (see {@link #awaitIdle}). */
    @Override
    public void close() {
        resender.shutdownNow();
        queues.forEach(Queue::stop);
    }

    private void giveUp(String message) {
        LOG.error(message);
        synchronized (this) {
            failures.add(message);
        }
        onGiveUp.accept(message);
    }

    /** What to do after an answer: done, retry, or give up. */
    private enum Outcome { DELIVERED, RETRY, REFUSED }

    /** One Alertmanager's queue and its thread. */
    private final class Queue {

        private final URI endpoint;
        private final Map<String, Alert> pending = new LinkedHashMap<>();
        private Thread thread;
        private boolean inFlight;
        private boolean stopped;
        private long delivered;
        private String lastProblem = "";

        Queue(URI endpoint) {
            this.endpoint = endpoint;
        }

        synchronized void offer(Alert alert) {
            pending.put(alert.getFingerprint(), alert);
            notifyAll();
        }

        synchronized long delivered() {
            return delivered;
        }

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

        void stop() {
            synchronized (this) {
                stopped = true;
                notifyAll();
            }
            thread.interrupt();
        }

        void deliverUntilStopped() {
            int failedAttempts = 0;
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
                        batch = new ArrayList<>(pending.values());
                        inFlight = true;
                    }
                    Outcome outcome = post(batch);
                    if (outcome == Outcome.REFUSED) {
                        giveUp("Alertmanager " + endpoint + " refused " + batch.size() + " alert(s): "
                                + lastProblem);
                    }
                    synchronized (this) {
                        if (outcome != Outcome.RETRY) {
                            // Only what was posted leaves the queue: a newer state that came meanwhile stays.
                            batch.forEach(a -> pending.remove(a.getFingerprint(), a));
                        }
                        if (outcome == Outcome.DELIVERED) {
                            delivered++;
                        }
                        inFlight = false;
                        notifyAll();
                    }
                    failedAttempts = outcome == Outcome.RETRY ? failedAttempts + 1 : 0;
                    if (failedAttempts > 0) {
                        long waitMs = backoff(failedAttempts).toMillis();
                        LOG.warn("Posting alerts to {} failed ({}); retrying in {} ms", endpoint, lastProblem,
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

        private Outcome post(List<Alert> batch) throws InterruptedException {
            HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                    .timeout(settings.requestTimeout())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(
                            AlertmanagerPayload.postable(batch, settings.generatorUrl())));
            settings.authorization().ifPresent(value -> request.header("Authorization", value));
            try {
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    return Outcome.DELIVERED;
                }
                lastProblem = "HTTP status " + status + " " + abbreviate(response.body());
                boolean retryable = status >= 500 || status == 408 || status == 429;
                return retryable ? Outcome.RETRY : Outcome.REFUSED;
            } catch (java.io.IOException e) {
                lastProblem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                return Outcome.RETRY;
            }
        }
    }

    /** The wait before retry {@code failedAttempts}: initial * 2^(failedAttempts-1), capped. */
    Duration backoff(int failedAttempts) {
        long wait = settings.initialBackoff().toMillis() << Math.min(30, failedAttempts - 1);
        return Duration.ofMillis(Math.min(wait, settings.maxBackoff().toMillis()));
    }

    private static String abbreviate(String body) {
        String text = body == null ? "" : body.strip();
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
