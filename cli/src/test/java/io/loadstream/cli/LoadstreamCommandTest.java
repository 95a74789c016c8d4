package io.loadstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line in-process: options, messages and exit codes, without starting a broker. */
class LoadstreamCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine commandLine = LoadstreamCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void versionNamesLoadstreamKafkaAndJava() {
        assertThat(run("--version")).isEqualTo(ExitCodes.OK);
        assertThat(out.toString()).contains("loadstream 0.1.0").contains("Kafka 4.").contains("Java ");
    }

    @Test
    void helpListsTheBrokerCommandAndTheExitCodes() {
        assertThat(run("--help")).isEqualTo(ExitCodes.OK);
        assertThat(out.toString()).contains("broker").contains("99 a threshold failed")
                .contains("104 invalid plan or configuration");
    }

    @Test
    void withoutACommandItPrintsTheUsage() {
        assertThat(run()).isEqualTo(ExitCodes.OK);
        assertThat(out.toString()).contains("Usage: loadstream");
    }

    @Test
    void everySubcommandAnswersHelp() {
        assertThat(run("broker", "--help")).isEqualTo(ExitCodes.OK);
        assertThat(out.toString()).contains("Usage: loadstream broker").contains("--port").contains("--dir");
    }

    @Test
    void anUnknownCommandIsAConfigurationErrorWithASuggestion() {
        assertThat(run("broke")).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(err.toString()).contains("loadstream: Unmatched argument").contains("broker");
    }

    @Test
    void aPortOutsideTheTcpRangeIsAConfigurationErrorWithoutAStackTrace() {
        assertThat(run("broker", "--port", "99999")).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(err.toString())
                .contains("--port must be between 1 and 65535")
                .contains("See 'loadstream broker --help'")
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
    }

    @Test
    void aPortThatIsNotANumberIsAConfigurationError() {
        assertThat(run("broker", "--port", "kafka")).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(err.toString()).contains("'kafka' is not an int");
    }

    @Test
    void aDirectoryThatIsAFileIsAConfigurationError(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "x");

        assertThat(run("broker", "--port", "0", "--dir", file.toString())).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(err.toString()).contains("exists and is not a directory");
    }

    @Test
    void aBusyPortFailsWithASentenceAndExitCodeOne() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();

            assertThat(run("broker", "--port", String.valueOf(port))).isEqualTo(ExitCodes.FAILURE);
            assertThat(err.toString()).contains("port " + port + " on 127.0.0.1 is already in use")
                    .doesNotContain("\tat ");
        }
    }

    @Test
    void verbosePrintsTheStackTraceToo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(run("broker", "--verbose", "--port", String.valueOf(taken.getLocalPort())))
                    .isEqualTo(ExitCodes.FAILURE);
            assertThat(err.toString()).contains("already in use").contains("\tat ");
        }
    }

    @Test
    void brokerJvmOptionsSplitOnWhiteSpace() {
        assertThat(BrokerCommand.jvmOptions(null)).isEmpty();
        assertThat(BrokerCommand.jvmOptions("  ")).isEmpty();
        assertThat(BrokerCommand.jvmOptions(" -Xmx2g  -XX:+UseZGC ")).containsExactly("-Xmx2g", "-XX:+UseZGC");
    }
}
