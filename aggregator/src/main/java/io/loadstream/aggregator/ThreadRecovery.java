package io.loadstream.aggregator;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TransactionAbortedException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

/**
 * Decides what a stream thread that died does next. A broker that pauses longer than the transaction timeout (a
 * stop-the-world pause, a VM migration, a network partition) aborts the open transaction, and the thread's next
 * commit fails with {@link InvalidTxnStateException} (or a fenced or timed-out producer): a fault of the broker, not
 * of the data. Such a thread is <b>replaced</b>: exactly-once v2 aborts what the old one had not committed, and the
 * new one resumes from the last commit, so the totals stay exact. Anything else (a bug, a state store that cannot be
 * written) shuts the instance down, and so do broker faults that come back more than {@value #MAX_REPLACEMENTS}
 * times within {@value #WINDOW_MS} ms, so that a broker that is gone for good does not make the threads spin.
 * Thread-safe: stream threads die concurrently.
 */
final class ThreadRecovery {

    /** Most replacements within {@link #WINDOW_MS}. */
    static final int MAX_REPLACEMENTS = 10;
    /** The period over which replacements are counted, in milliseconds (10 minutes). */
    static final long WINDOW_MS = 600_000;

    private final LongSupplier clockMs;
    private final Deque<Long> replacementsMs = new ArrayDeque<>();

    ThreadRecovery(LongSupplier clockMs) {
        this.clockMs = clockMs;
    }

    /**
     * What to do with the thread that threw {@code e}.
     *
     * @param e what the thread died of
     * @return {@code REPLACE_THREAD} for a broker fault within the budget, else {@code SHUTDOWN_CLIENT}
     */
    synchronized StreamThreadExceptionResponse decide(Throwable e) {
        if (!isBrokerFault(e)) {
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        long now = clockMs.getAsLong();
        while (!replacementsMs.isEmpty() && now - replacementsMs.peekFirst() > WINDOW_MS) {
            replacementsMs.removeFirst();
        }
        if (replacementsMs.size() >= MAX_REPLACEMENTS) {
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        replacementsMs.addLast(now);
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    /** Whether {@code e}, or one of its causes, is a fault of the broker's side of a transaction. */
    static boolean isBrokerFault(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InvalidTxnStateException || t instanceof ProducerFencedException
                    || t instanceof InvalidProducerEpochException || t instanceof TransactionAbortedException
                    || t instanceof RetriableException) {
                return true;
            }
        }
        return false;
    }
}
