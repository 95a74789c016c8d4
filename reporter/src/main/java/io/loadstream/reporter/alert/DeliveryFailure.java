package io.loadstream.reporter.alert;

/**
 * Alert notifications that a subscriber did not get: given up after {@link DeliveryRetry#retryFor} of failures,
 * refused by the subscriber (a 4xx other than 408 and 429), left undelivered when the reporter stopped, or a
 * "resolved" withheld because its "firing" was not delivered.
 *
 * @param subscriber    the subscriber's URL without user info or query (which may hold credentials)
 * @param notifications how many notifications (alert state changes) it did not get, at least 1
 * @param lastProblem   the last failure, e.g. {@code HTTP status 503} or {@code HttpTimeoutException: ...}
 * @param atMs          when they were given up, epoch milliseconds
 * @param message       one sentence for the console and the report
 */
public record DeliveryFailure(String subscriber, int notifications, String lastProblem, long atMs, String message) {
}
