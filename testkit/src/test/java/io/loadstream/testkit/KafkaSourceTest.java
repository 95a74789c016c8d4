package io.loadstream.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class KafkaSourceTest {

    private final AtomicInteger dockerProbes = new AtomicInteger();

    private BooleanSupplier docker(boolean answers) {
        return () -> {
            dockerProbes.incrementAndGet();
            return answers;
        };
    }

    @Test
    void anExistingClusterInTheEnvironmentWinsWithoutProbingDocker() {
        KafkaSource source = KafkaSource.choose(Map.of("LOADSTREAM_TEST_BOOTSTRAP", " kafka:9092 "), docker(true));

        assertThat(source).isEqualTo(KafkaSource.ENVIRONMENT);
        assertThat(KafkaSource.configuredBootstrap(Map.of("LOADSTREAM_TEST_BOOTSTRAP", " kafka:9092 ")))
                .contains("kafka:9092");
        assertThat(dockerProbes).hasValue(0);
    }

    @Test
    void aBlankEnvironmentVariableCountsAsUnset() {
        assertThat(KafkaSource.choose(Map.of("LOADSTREAM_TEST_BOOTSTRAP", "  "), docker(false)))
                .isEqualTo(KafkaSource.EMBEDDED);
    }

    @Test
    void usesTestcontainersWhenDockerAnswers() {
        assertThat(KafkaSource.choose(Map.of(), docker(true))).isEqualTo(KafkaSource.TESTCONTAINERS);
    }

    @Test
    void fallsBackToTheEmbeddedBrokerWithoutDocker() {
        assertThat(KafkaSource.choose(Map.of(), docker(false))).isEqualTo(KafkaSource.EMBEDDED);
        assertThat(dockerProbes).hasValue(1);
    }

    @Test
    void dockerCanBeSwitchedOffSoTheEmbeddedBrokerIsUsedEvenWhereDockerRuns() {
        assertThat(KafkaSource.choose(Map.of("LOADSTREAM_TEST_DOCKER", "false"), docker(true)))
                .isEqualTo(KafkaSource.EMBEDDED);
        assertThat(dockerProbes).hasValue(0);
    }
}
