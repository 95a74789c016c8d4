package io.loadstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The agent's options and errors, in-process, without a broker (nothing listens at port 1: it is never reached). */
class AgentCommandTest {

    private final InProcessCli cli = new InProcessCli();

    @Test
    void helpListsTheWatchedProcessOptions() {
        assertThat(cli.run("agent", "--help")).isEqualTo(ExitCodes.OK);
        assertThat(cli.out()).contains("--pid").contains("--process-name").contains("--until-stopped");
    }

    @Test
    void aPidAndAProcessNameTogetherAreAConfigurationError() {
        assertThat(cli.run("agent", "--bootstrap", "127.0.0.1:1", "--run-id", "r", "--pid", "1",
                "--process-name", "java")).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("give one of them").doesNotContain("\tat ");
    }

    @Test
    void aProcessThatIsNotRunningIsAConfigurationErrorBeforeKafkaIsTouched() {
        assertThat(cli.run("agent", "--bootstrap", "127.0.0.1:1", "--run-id", "r", "--process-name",
                "no-such-process-xyz")).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("No process named 'no-such-process-xyz' is running");
        assertThat(cli.run("agent", "--bootstrap", "127.0.0.1:1", "--run-id", "r", "--pid", "0"))
                .isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("--pid must be a process id above 0");
    }
}
