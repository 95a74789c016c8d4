package io.loadstream.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The Testcontainers path of {@link KafkaExtension}, on its own. It needs a Docker engine and is skipped
 * (not failed) where none answers; the embedded broker covers the same ground there.
 */
@Testcontainers(disabledWithoutDocker = true)
class KafkaContainerTest {

    @Container
    private static final KafkaContainer KAFKA = new KafkaContainer(KafkaExtension.KAFKA_IMAGE);

    @Test
    void theContainerImageAnswersAsAOneNodeCluster() throws Exception {
        TestKafka kafka = new TestKafka(KAFKA.getBootstrapServers(), KafkaSource.TESTCONTAINERS);

        try (Admin admin = kafka.admin()) {
            assertThat(admin.describeCluster().nodes().get(60, TimeUnit.SECONDS)).hasSize(1);
        }
    }
}
