package io.loadstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code generate} and {@code agent} in-process: options, messages and exit codes, before any load starts. */
class GenerateCommandTest {

    private final InProcessCli cli = new InProcessCli();

    @Test
    void generateAndAgentAnswerHelp() {
        assertThat(cli.run("generate", "--help")).isEqualTo(ExitCodes.OK);
        assertThat(cli.out()).contains("Usage: loadstream generate").contains("--segment")
                .contains("--bootstrap").contains("--run-id").contains("--kafka-config");
        assertThat(cli.run("agent", "--help")).isEqualTo(ExitCodes.OK);
        assertThat(cli.out()).contains("Usage: loadstream agent").contains("--role");
    }

    @Test
    void aSegmentOutsideItsRangeIsAConfigurationError(@TempDir Path dir) throws Exception {
        Path plan = Files.writeString(dir.resolve("plan.yaml"), "name: x\n");
        assertThat(cli.run("generate", plan.toString(), "--bootstrap", "127.0.0.1:1", "--run-id", "r1",
                "--segment", "3/2")).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("1 <= i <= n").doesNotContain("at io.loadstream");
    }

    @Test
    void anIllegalRunIdIsAConfigurationError(@TempDir Path dir) throws Exception {
        Path plan = Files.writeString(dir.resolve("plan.yaml"), "name: x\n");
        assertThat(cli.run("generate", plan.toString(), "--bootstrap", "127.0.0.1:1", "--run-id", "no|pipes"))
                .isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("run id");
    }

    @Test
    void aMissingPlanIsAConfigurationError(@TempDir Path dir) {
        assertThat(cli.run("generate", dir.resolve("absent.yaml").toString(), "--bootstrap", "127.0.0.1:1",
                "--run-id", "r1")).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("absent.yaml").contains("does not exist");
    }

    @Test
    void anUnreadableKafkaConfigIsAConfigurationError(@TempDir Path dir) throws Exception {
        Path plan = Files.writeString(dir.resolve("plan.yaml"), "name: x\n");
        assertThat(cli.run("generate", plan.toString(), "--bootstrap", "127.0.0.1:1", "--run-id", "r1",
                "--kafka-config", dir.resolve("none.properties").toString())).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("The Kafka configuration").contains("does not exist or is not a file");
    }

    @Test
    void anUnknownAgentRoleIsAConfigurationError() {
        assertThat(cli.run("agent", "--bootstrap", "127.0.0.1:1", "--run-id", "r1", "--role", "toaster"))
                .isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("--role must be one of");
    }
}
