package io.loadstream.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BrokerOptionsTest {

    @Test
    void defaultsToFreePortsATemporaryDirectoryAndDefaultJvmOptions() {
        assertThat(BrokerOptions.DEFAULT.port()).isZero();
        assertThat(BrokerOptions.DEFAULT.controllerPort()).isZero();
        assertThat(BrokerOptions.DEFAULT.directory()).isEmpty();
        assertThat(BrokerOptions.DEFAULT.effectiveJvmOptions()).isEqualTo(BrokerOptions.DEFAULT_JVM_OPTIONS);
    }

    @Test
    void withersChangeOnlyTheirOwnField() {
        BrokerOptions options = BrokerOptions.DEFAULT.withPort(19092).withDirectory(Path.of("/tmp/x"))
                .withJvmOptions(List.of("-Xmx2g")).withServerProperty("num.partitions", "3");

        assertThat(options.port()).isEqualTo(19092);
        assertThat(options.directory()).contains(Path.of("/tmp/x"));
        assertThat(options.effectiveJvmOptions()).containsExactly("-Xmx2g");
        assertThat(options.serverOverrides()).containsEntry("num.partitions", "3");
        assertThat(options.startTimeout()).isEqualTo(BrokerOptions.DEFAULT.startTimeout());
        assertThat(BrokerOptions.DEFAULT.serverOverrides()).isEmpty();
    }

    @Test
    void aRetentionSetsKafkasRetentionAndRollsSegmentsEveryQuarterOfItWithinAMinuteAndADay() {
        assertThat(BrokerOptions.DEFAULT.withRetention(Duration.ofHours(6)).serverOverrides())
                .containsEntry("log.retention.ms", "21600000").containsEntry("log.roll.ms", "5400000");
        assertThat(BrokerOptions.DEFAULT.withRetention(Duration.ofMinutes(2)).serverOverrides())
                .containsEntry("log.retention.ms", "120000").containsEntry("log.roll.ms", "60000");
        assertThat(BrokerOptions.DEFAULT.withRetention(Duration.ofDays(30)).serverOverrides())
                .containsEntry("log.roll.ms", String.valueOf(Duration.ofDays(1).toMillis()));
        assertThatThrownBy(() -> BrokerOptions.DEFAULT.withRetention(Duration.ofSeconds(59)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1 minute");
    }

    @Test
    void rejectsPortsOutsideTheTcpRange() {
        assertThatThrownBy(() -> BrokerOptions.DEFAULT.withPort(70000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port must be between 1 and 65535");
        assertThatThrownBy(() -> BrokerOptions.DEFAULT.withControllerPort(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("controllerPort");
    }

    @Test
    void rejectsTheSamePortForClientsAndController() {
        assertThatThrownBy(() -> BrokerOptions.DEFAULT.withPort(9092).withControllerPort(9092))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must differ");
    }

    @Test
    void rejectsANonPositiveStartTimeout() {
        assertThatThrownBy(() -> BrokerOptions.DEFAULT.withStartTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("startTimeout must be positive");
    }
}
