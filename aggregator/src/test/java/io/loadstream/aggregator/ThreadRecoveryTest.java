package io.loadstream.aggregator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class ThreadRecoveryTest {

    private final AtomicLong nowMs = new AtomicLong(1_000_000);
    private final ThreadRecovery recovery = new ThreadRecovery(nowMs::get);

    @Test
    void aCommitThatFailsAfterABrokerPauseReplacesTheThread() {
        // as Streams wraps it when the broker aborted the transaction during a 20 s pause (seen in bench/faults.sh)
        StreamsException e = new StreamsException("Error encountered trying to commit a transaction",
                new InvalidTxnStateException("The producer attempted a transactional operation in an invalid state."));

        assertThat(recovery.decide(e)).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        assertThat(recovery.decide(new ProducerFencedException("fenced")))
                .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }

    @Test
    void anythingElseShutsTheInstanceDown() {
        assertThat(recovery.decide(new StreamsException("boom", new IllegalStateException("a bug"))))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        assertThat(recovery.decide(new NullPointerException()))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }

    @Test
    void brokerFaultsPastTheBudgetShutItDownAndTheBudgetRenewsWithTime() {
        InvalidTxnStateException fault = new InvalidTxnStateException("invalid state");
        for (int i = 0; i < ThreadRecovery.MAX_REPLACEMENTS; i++) {
            assertThat(recovery.decide(fault)).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        }

        assertThat(recovery.decide(fault)).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        nowMs.addAndGet(ThreadRecovery.WINDOW_MS + 1);
        assertThat(recovery.decide(fault)).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }
}
