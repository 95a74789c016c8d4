package io.loadstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code --metrics-port} on the commands that follow a run. */
class MetricsOptionsTest {

    private final InProcessCli cli = new InProcessCli();

    @ParameterizedTest
    @ValueSource(strings = {"run", "report"})
    void helpListsTheMetricsAndAlertmanagerOptions(String command) {
        assertThat(cli.run(command, "--help")).isEqualTo(ExitCodes.OK);
        assertThat(cli.out()).contains("--metrics-port=PORT").contains("--metrics-host=HOST")
                .contains("--alertmanager=URL").contains("--alertmanager-bearer-token-file=FILE");
    }

    @Test
    void aPortOutOfRangeIsOneSentenceAndExit104(@TempDir Path dir) {
        assertThat(cli.run("report", "--bootstrap", "127.0.0.1:1", "--run-id", "r1", "--out", dir.toString(),
                "--metrics-port", "70000")).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("--metrics-port must be a TCP port").doesNotContain("\tat ");
    }
}
