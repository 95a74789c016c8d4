package io.loadstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class EventKeysTest {

    private static final String RUN = "weekly-2025.11.26_a";

    @Test
    void joinsRunIdAndParts() {
        assertThat(EventKeys.requestKey(RUN, "GET /api/sns/posts/{id}")).isEqualTo(RUN + "|GET /api/sns/posts/{id}");
        assertThat(EventKeys.windowKey(RUN, "*", 1_764_000_000_000L)).isEqualTo(RUN + "|*|1764000000000");
        assertThat(EventKeys.hostKey(RUN, "loadgen-01")).isEqualTo(RUN + "|loadgen-01");
        assertThat(EventKeys.runKey(RUN)).isEqualTo(RUN);
        assertThat(EventKeys.alertKey(RUN, "9f86d081884c7d65")).isEqualTo(RUN + "|9f86d081884c7d65");
        assertThat(EventKeys.runIdOf(EventKeys.alertKey(RUN, "9f86d081884c7d65"))).isEqualTo(RUN);
    }

    @Test
    void recoversTheRunIdEvenWhenTheEndpointContainsTheSeparator() {
        assertThat(EventKeys.runIdOf(EventKeys.requestKey(RUN, "GET /a|b"))).isEqualTo(RUN);
        assertThat(EventKeys.runIdOf(EventKeys.windowKey(RUN, "GET /x", 0))).isEqualTo(RUN);
        assertThat(EventKeys.runIdOf(EventKeys.hostKey(RUN, "h"))).isEqualTo(RUN);
        assertThat(EventKeys.runIdOf(EventKeys.runKey(RUN))).isEqualTo(RUN);
    }

    @Test
    void rejectsAKeyThatDoesNotStartWithARunId() {
        assertThatThrownBy(() -> EventKeys.runIdOf("|GET /x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not start with a run id");
        assertThatThrownBy(() -> EventKeys.runIdOf(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be null");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "0", "Run-1", "r.1_2-3", "2025-11-26T10.00.00"})
    void acceptsRunIdsOfLettersDigitsDotsUnderscoresAndHyphens(String runId) {
        assertThat(EventKeys.validateRunId(runId)).isEqualTo(runId);
    }

    @Test
    void acceptsRunIdsUpToOneHundredCharacters() {
        assertThat(EventKeys.validateRunId("r".repeat(100))).hasSize(100);
        assertThatThrownBy(() -> EventKeys.validateRunId("r".repeat(101)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("101 characters long; at most 100");
    }

    @ParameterizedTest
    @NullAndEmptySource
    void rejectsAMissingRunId(String runId) {
        assertThatThrownBy(() -> EventKeys.validateRunId(runId))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be empty");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-run", ".run", "_run"})
    void rejectsRunIdsThatStartWithPunctuation(String runId) {
        assertThatThrownBy(() -> EventKeys.validateRunId(runId))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must start with a letter or a digit");
    }

    @ParameterizedTest
    @ValueSource(strings = {"run|1", "run 1", "run/1", "rün", "run:1"})
    void rejectsRunIdsWithOtherCharacters(String runId) {
        assertThatThrownBy(() -> EventKeys.validateRunId(runId))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + runId + "'")
                .hasMessageContaining("at index");
    }

    @Test
    void rejectsIllegalPartsWhenBuildingKeys() {
        assertThatThrownBy(() -> EventKeys.requestKey("bad|run", "GET /x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EventKeys.requestKey(RUN, ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("endpoint must not be empty");
        assertThatThrownBy(() -> EventKeys.windowKey(RUN, "GET /x", -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not negative");
        assertThatThrownBy(() -> EventKeys.hostKey(RUN, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host must not be empty");
        assertThatThrownBy(() -> EventKeys.alertKey(RUN, ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fingerprint must not be empty");
    }
}
