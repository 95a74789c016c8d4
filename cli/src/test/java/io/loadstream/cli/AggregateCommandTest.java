package io.loadstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The aggregate command's options and errors, in-process, without a broker. */
class AggregateCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine commandLine = LoadstreamCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void helpListsEveryOption() {
        assertThat(run("aggregate", "--help")).isEqualTo(ExitCodes.OK);
        assertThat(out.toString()).contains("Usage: loadstream aggregate").contains("--bootstrap")
                .contains("--application-id").contains("loadstream-aggregator").contains("--state-dir")
                .contains("--threads");
    }

    @Test
    void theBootstrapServersAreRequired() {
        assertThat(run("aggregate")).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(err.toString()).contains("Missing required option: '--bootstrap=SERVERS'");
    }

    @Test
    void zeroThreadsIsAConfigurationErrorWithoutAStackTrace() {
        assertThat(run("aggregate", "--bootstrap", "127.0.0.1:9092", "--threads", "0"))
                .isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(err.toString()).contains("--threads must be at least 1").doesNotContain("\tat ");
    }
}
