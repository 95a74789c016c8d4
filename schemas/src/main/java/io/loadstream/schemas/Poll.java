package io.loadstream.schemas;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Waits for a condition by asking it again at a fixed interval, within a bounded time: the one poll loop of the
 * main code of the modules that see {@code schemas} (tests wait with Awaitility instead). Failures travel as a
 * {@link java.util.concurrent.Future#get(long, TimeUnit)}'s do, so that callers waiting on Kafka's admin futures
 * handle one set of exceptions.
 */
public final class Poll {

    private Poll() {
    }

    /** A wait that ran out of time; its message says what was waited for. */
    public static final class TimedOutException extends TimeoutException {
        private static final long serialVersionUID = 1L;

        TimedOutException(String message) {
            super(message);
        }
    }

    /**
     * Asks {@code condition} until it holds: at once, then every {@code interval}, at most until {@code timeout}
     * has passed (one last time at the end).
     *
     * @param timeout   how long to wait at most, not negative
     * @param interval  the pause between two tries, positive
     * @param condition what to wait for; may block (its own time counts against {@code timeout})
     * @param failure   the timeout's message, e.g. what did not happen "within 30 s"
     * @throws InterruptedException when interrupted while waiting
     * @throws ExecutionException   when the condition throws: its {@code ExecutionException} as is, any other
     *                              checked exception as the cause of one (a {@code TimeoutException} of the
     *                              condition's own is thrown as is; runtime exceptions too)
     * @throws TimedOutException    when the condition still does not hold after {@code timeout}
     */
    public static void until(Duration timeout, Duration interval, Callable<Boolean> condition,
                             Supplier<String> failure)
            throws InterruptedException, ExecutionException, TimeoutException {
        untilPresent(timeout, interval, () -> Boolean.TRUE.equals(condition.call())
                ? Optional.of(Boolean.TRUE) : Optional.empty(), failure);
    }

    /**
     * Asks {@code attempt} until it gives a value, as {@link #until} does, and returns that value.
     *
     * @param timeout  how long to wait at most, not negative
     * @param interval the pause between two tries, positive
     * @param attempt  one try: a value, or empty when it is not there yet
     * @param failure  the timeout's message
     * @param <T>      the value's type
     * @return the first value the attempt gave
     * @throws InterruptedException when interrupted while waiting
     * @throws ExecutionException   when the attempt throws, as for {@link #until}
     * @throws TimedOutException    when the attempt still gives no value after {@code timeout}
     */
    public static <T> T untilPresent(Duration timeout, Duration interval, Callable<Optional<T>> attempt,
                                     Supplier<String> failure)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (timeout.isNegative() || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("A poll needs a timeout of at least 0 and a positive interval, not "
                    + timeout + " and " + interval);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> value = call(attempt);
            if (value.isPresent()) {
                return value.get();
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new TimedOutException(failure.get());
            }
            TimeUnit.NANOSECONDS.sleep(Math.min(left, interval.toNanos()));
        }
    }

    private static <T> Optional<T> call(Callable<Optional<T>> attempt)
            throws InterruptedException, ExecutionException, TimeoutException {
        try {
            return attempt.call();
        } catch (InterruptedException | ExecutionException | TimeoutException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new ExecutionException(e);
        }
    }
}
