package io.loadstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PollTest {

    private static final Duration GENEROUS = Duration.ofSeconds(60);
    private static final Duration BRIEF = Duration.ofMillis(1);

    @Test
    void returnsTheFirstValueAnAttemptGivesAfterAskingAgain() throws Exception {
        AtomicInteger tries = new AtomicInteger();

        int value = Poll.untilPresent(GENEROUS, BRIEF,
                () -> tries.incrementAndGet() < 3 ? Optional.empty() : Optional.of(42), () -> "never");

        assertThat(value).isEqualTo(42);
        assertThat(tries).hasValue(3);
    }

    @Test
    void returnsAtOnceWhenTheConditionAlreadyHolds() throws Exception {
        AtomicInteger tries = new AtomicInteger();

        Poll.until(GENEROUS, GENEROUS, () -> tries.incrementAndGet() > 0, () -> "never");

        assertThat(tries).hasValue(1);
    }

    @Test
    void givesUpAfterItsTimeoutWithTheMessageOfTheWait() {
        AtomicInteger tries = new AtomicInteger();

        assertThatThrownBy(() -> Poll.until(Duration.ZERO, BRIEF, () -> tries.incrementAndGet() < 0,
                () -> "the leaders within 0 s"))
                .isInstanceOf(Poll.TimedOutException.class)
                .hasMessage("the leaders within 0 s");
        assertThat(tries).hasValue(1);
    }

    @Test
    void passesOnWhatTheConditionThrowsAsAFutureWould() {
        ExecutionException failed = new ExecutionException(new IllegalStateException("broker said no"));
        IOException checked = new IOException("disk");
        IllegalArgumentException unchecked = new IllegalArgumentException("bad");

        assertThatThrownBy(() -> Poll.until(GENEROUS, BRIEF, () -> {
            throw failed;
        }, () -> "never")).isSameAs(failed);
        assertThatThrownBy(() -> Poll.until(GENEROUS, BRIEF, () -> {
            throw checked;
        }, () -> "never")).isInstanceOf(ExecutionException.class).hasCause(checked);
        assertThatThrownBy(() -> Poll.until(GENEROUS, BRIEF, () -> {
            throw unchecked;
        }, () -> "never")).isSameAs(unchecked);
    }

    @Test
    void refusesANegativeTimeoutOrAnIntervalThatIsNotPositive() {
        assertThatThrownBy(() -> Poll.until(Duration.ofSeconds(-1), BRIEF, () -> true, () -> "never"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
        assertThatThrownBy(() -> Poll.until(GENEROUS, Duration.ZERO, () -> true, () -> "never"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("interval");
    }
}
