package io.loadstream.reporter.alert;

import java.time.Duration;
import java.util.List;

/**
 * How every alert subscriber (webhook, Alertmanager) retries a notification it could not deliver: exponential
 * backoff from {@code initialBackoff}, doubling up to {@code maxBackoff}, for as long as {@code retryFor} since the
 * subscriber stopped answering; then what it still holds is given up and reported. Immutable.
 *
 * @param initialBackoff wait before the first retry; each later retry waits twice as long; positive
 * @param maxBackoff     longest wait between two attempts; at least {@code initialBackoff}
 * @param retryFor       how long a subscriber may fail (no answer, a timeout, a 5xx, 408 or 429) before what it
 *                       holds is given up; positive. Long enough by default (10 minutes) to outlast a restart of the
 *                       subscriber
 * @param requestTimeout time one attempt may take before it counts as failed (and is retried with the same
 *                       idempotency key: a timeout is not a refusal); positive
 */
public record DeliveryRetry(Duration initialBackoff, Duration maxBackoff, Duration retryFor,
                            Duration requestTimeout) {

    /** The default of {@code retryFor}: 10 minutes, which outlasts a restart or a redeploy of a receiver. */
    public static final Duration DEFAULT_RETRY_FOR = Duration.ofMinutes(10);

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException when a duration is not positive or {@code maxBackoff < initialBackoff}
     */
    public DeliveryRetry {
        for (Duration d : List.of(initialBackoff, maxBackoff, retryFor, requestTimeout)) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("Alert delivery backoffs, retry time and timeout must be positive, "
                        + "not " + d);
            }
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("The longest alert delivery backoff must not be shorter than the first");
        }
    }

    /**
     * The wait before retry number {@code failedAttempts}: {@code initialBackoff * 2^(failedAttempts-1)}, capped at
     * {@code maxBackoff}.
     *
     * @param failedAttempts attempts failed in a row so far, at least 1
     * @return the wait
     */
    public Duration backoff(int failedAttempts) {
        long wait = initialBackoff.toMillis() << Math.min(30, Math.max(0, failedAttempts - 1));
        return Duration.ofMillis(Math.min(wait, maxBackoff.toMillis()));
    }
}
