package io.loadstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The aggregate command's options and errors, in-process, without a broker. */
class AggregateCommandTest {

    private final InProcessCli cli = new InProcessCli();

    @Test
    void helpListsEveryOption() {
        assertThat(cli.run("aggregate", "--help")).isEqualTo(ExitCodes.OK);
        assertThat(cli.out()).contains("Usage: loadstream aggregate").contains("--bootstrap")
                .contains("--application-id").contains("loadstream-aggregator").contains("--state-dir")
                .contains("--threads");
    }

    @Test
    void theBootstrapServersAreRequired() {
        assertThat(cli.run("aggregate")).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("Missing required option: '--bootstrap=SERVERS'");
    }

    @Test
    void zeroThreadsIsAConfigurationErrorWithoutAStackTrace() {
        assertThat(cli.run("aggregate", "--bootstrap", "127.0.0.1:9092", "--threads", "0"))
                .isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("--threads must be at least 1").doesNotContain("\tat ");
    }
}
