package io.loadstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicsTest {

    @Test
    void defaultsToTheDocumentedTopicNames() {
        Topics topics = Topics.DEFAULT;

        assertThat(topics.requests()).isEqualTo("loadstream.requests");
        assertThat(topics.system()).isEqualTo("loadstream.system");
        assertThat(topics.control()).isEqualTo("loadstream.control");
        assertThat(topics.windows()).isEqualTo("loadstream.windows");
        assertThat(topics.totals()).isEqualTo("loadstream.totals");
        assertThat(topics.alerts()).isEqualTo("loadstream.alerts");
        assertThat(topics.systemWindows()).isEqualTo("loadstream.system-windows");
        assertThat(topics.dlq()).isEqualTo("loadstream.dlq");
        assertThat(topics.all()).hasSize(8).doesNotHaveDuplicates();
    }

    @Test
    void replacesTheDefaultPrefixWithTheGivenOne() {
        Topics topics = Topics.withPrefix("perf_team-2.staging");

        assertThat(topics.requests()).isEqualTo("perf_team-2.staging.requests");
        assertThat(topics.systemWindows()).isEqualTo("perf_team-2.staging.system-windows");
        assertThat(topics.all()).allMatch(name -> name.startsWith("perf_team-2.staging."));
        assertThat(Topics.withPrefix(Topics.DEFAULT_PREFIX)).isEqualTo(Topics.DEFAULT);
    }

    @ParameterizedTest
    @NullAndEmptySource
    void rejectsAMissingPrefix(String prefix) {
        assertThatThrownBy(() -> Topics.withPrefix(prefix))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be empty");
    }

    @ParameterizedTest
    @ValueSource(strings = {"load stream", "load/stream", "lüdstream", "a|b", "runs:1", "x*"})
    void rejectsAPrefixWithCharactersKafkaDoesNotAllow(String prefix) {
        assertThatThrownBy(() -> Topics.withPrefix(prefix))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + prefix + "'")
                .hasMessageContaining("legal in Kafka topic names");
    }

    @Test
    void rejectsAPrefixThatMakesATopicNameTooLong() {
        String longest = "p".repeat(Topics.MAX_TOPIC_LENGTH - ".system-windows".length());

        assertThat(Topics.withPrefix(longest).systemWindows()).hasSize(Topics.MAX_TOPIC_LENGTH);
        assertThatThrownBy(() -> Topics.withPrefix(longest + "p"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 234");
    }

    @Test
    void validatesNamesGivenDirectly() {
        assertThatThrownBy(() -> new Topics("a", "b", "c", "d", "e", "f", "g", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dlq topic name");
        assertThatThrownBy(() -> new Topics("a", "b", "..", "d", "e", "f", "g", "h"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("control topic name must not be '..'");
        assertThatThrownBy(() -> new Topics("a b", "b", "c", "d", "e", "f", "g", "h"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("requests topic name 'a b'");
    }
}
