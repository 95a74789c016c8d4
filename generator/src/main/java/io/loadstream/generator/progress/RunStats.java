package io.loadstream.generator.progress;

import io.loadstream.events.ErrorClass;
import io.loadstream.events.RequestTiming;
import io.loadstream.generator.executor.RequestSink;
import io.loadstream.generator.plan.Redactor;
import io.loadstream.schemas.LatencyHistograms;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts what passes from the executor to the publisher, for the console and the control records, in two places
 * so that each request is recorded once and the request loop does the least:
 * <ul>
 *   <li>on the request loop's threads ({@link #countingInto}): requests and errors, exact, including timings
 *       that the publisher's buffer could not take;</li>
 *   <li>on the publisher thread ({@link #timingTaken}, one thread): the latency of the last interval in an
 *       HdrHistogram {@link SingleWriterRecorder} with the wire's layout ({@link LatencyHistograms}: 1 µs to one
 *       hour, 3 significant digits; longer latencies count as one hour), and requests slower than
 *       {@code slow_request_ms}, logged at most one line a second with a count of the others. A timing the
 *       buffer refused (counted as dropped) is in neither.</li>
 * </ul>
 * Readers ({@link #requests}, {@link #takeInterval}...) may be on any thread.
 */
public final class RunStats {

    /** At most one slow-request line per this many milliseconds. */
    static final long SLOW_LOG_INTERVAL_MS = 1_000;

    private static final Logger LOG = LoggerFactory.getLogger("io.loadstream.generator.slow");

    private final long slowRequestUs;
    private final Redactor redactor;
    private final LongAdder requests = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder slow = new LongAdder();
    private final SingleWriterRecorder recorder = new SingleWriterRecorder(LatencyHistograms.LOWEST_DISCERNIBLE_US,
            LatencyHistograms.HIGHEST_TRACKABLE_US, LatencyHistograms.SIGNIFICANT_DIGITS);
    private final AtomicLong nextSlowLogMs = new AtomicLong();
    private final LongAdder slowNotLogged = new LongAdder();

    /**
     * Creates the counters.
     *
     * @param slowRequestMs requests slower than this many milliseconds are logged
     * @param redactor      removes secrets from log lines
     */
    public RunStats(long slowRequestMs, Redactor redactor) {
        this.slowRequestUs = slowRequestMs * 1000;
        this.redactor = redactor;
    }

    /**
     * The request loop's sink: counts each timing's request (and error), then hands it to {@code next}. Any
     * thread.
     *
     * @param next where each timing goes next (the publisher)
     * @return the sink for the executor
     */
    public RequestSink countingInto(RequestSink next) {
        return event -> {
            requests.increment();
            if (event.getErrorClass() != ErrorClass.NONE) {
                errors.increment();
            }
            next.requestCompleted(event);
        };
    }

    /**
     * Records a timing's latency, and logs it when slow: call from one thread only (the publisher's), for every
     * timing it takes from its buffer.
     *
     * @param event the timing
     */
    public void timingTaken(RequestTiming event) {
        long latency = event.getLatencyUs();
        recorder.recordValue(LatencyHistograms.clampUs(latency));
        if (latency > slowRequestUs) {
            slow.increment();
            logSlow(event);
        }
    }

    private void logSlow(RequestTiming event) {
        long nowMs = System.currentTimeMillis();
        long due = nextSlowLogMs.get();
        if (nowMs < due || !nextSlowLogMs.compareAndSet(due, nowMs + SLOW_LOG_INTERVAL_MS)) {
            slowNotLogged.increment();
            return;
        }
        long others = slowNotLogged.sumThenReset();
        // INFO, not WARN: a slow request is a finding of the run (the report counts them), not a fault of loadstream,
        // and run's console stays the progress and the summary; --verbose shows these lines.
        if (LOG.isInfoEnabled()) {
            LOG.info(redactor.redact(String.format("Slow request: %s took %.1f ms (status %d%s)%s",
                    event.getEndpoint(), event.getLatencyUs() / 1000.0, event.getStatus(),
                    event.getErrorClass() == ErrorClass.NONE ? "" : ", " + event.getErrorClass(),
                    others > 0 ? "; " + others + " more slow requests since the last line" : "")));
        }
    }

    /** Requests ended so far. */
    public long requests() {
        return requests.sum();
    }

    /** Requests that ended with an error so far. */
    public long errors() {
        return errors.sum();
    }

    /** Requests slower than {@code slow_request_ms} so far. */
    public long slowRequests() {
        return slow.sum();
    }

    /**
     * The latencies recorded since the previous call (the reporter's interval), and resets. Read percentiles from
     * it with {@link LatencyHistograms#percentileUs}.
     *
     * @return the interval's histogram, in microseconds, with {@link LatencyHistograms}' layout; a new one
     */
    public Histogram takeInterval() {
        return recorder.getIntervalHistogram();
    }
}
