package io.loadstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line in-process: options, messages and exit codes, without starting a broker. */
class LoadstreamCommandTest {

    private final InProcessCli cli = new InProcessCli();

    @Test
    void versionNamesLoadstreamKafkaAndJava() {
        assertThat(cli.run("--version")).isEqualTo(ExitCodes.OK);
        assertThat(cli.out()).contains("loadstream 0.1.0").contains("Kafka 4.").contains("Java ");
    }

    @Test
    void helpListsTheBrokerCommandAndTheExitCodes() {
        assertThat(cli.run("--help")).isEqualTo(ExitCodes.OK);
        assertThat(cli.out()).contains("broker").contains("99 a threshold failed")
                .contains("104 invalid plan or configuration");
    }

    @Test
    void withoutACommandItPrintsTheUsage() {
        assertThat(cli.run()).isEqualTo(ExitCodes.OK);
        assertThat(cli.out()).contains("Usage: loadstream");
    }

    @Test
    void everySubcommandAnswersHelp() {
        assertThat(cli.run("broker", "--help")).isEqualTo(ExitCodes.OK);
        assertThat(cli.out()).contains("Usage: loadstream broker").contains("--port").contains("--dir");
    }

    @Test
    void anUnknownCommandIsAConfigurationErrorWithASuggestion() {
        assertThat(cli.run("broke")).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("loadstream: Unmatched argument").contains("broker");
    }

    @Test
    void aPortOutsideTheTcpRangeIsAConfigurationErrorWithoutAStackTrace() {
        assertThat(cli.run("broker", "--port", "99999")).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err())
                .contains("--port must be between 1 and 65535")
                .contains("See 'loadstream broker --help'")
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
    }

    @Test
    void aPortThatIsNotANumberIsAConfigurationError() {
        assertThat(cli.run("broker", "--port", "kafka")).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("'kafka' is not an int");
    }

    @Test
    void aDirectoryThatIsAFileIsAConfigurationError(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "x");

        assertThat(cli.run("broker", "--port", "0", "--dir", file.toString())).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("exists and is not a directory");
    }

    @Test
    void aBusyPortFailsWithASentenceAndExitCodeOne() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();

            assertThat(cli.run("broker", "--port", String.valueOf(port))).isEqualTo(ExitCodes.FAILURE);
            assertThat(cli.err()).contains("port " + port + " on 127.0.0.1 is already in use")
                    .doesNotContain("\tat ");
        }
    }

    @Test
    void verbosePrintsTheStackTraceToo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(cli.run("broker", "--verbose", "--port", String.valueOf(taken.getLocalPort())))
                    .isEqualTo(ExitCodes.FAILURE);
            assertThat(cli.err()).contains("already in use").contains("\tat ");
        }
    }

    @Test
    void brokerJvmOptionsSplitOnWhiteSpace() {
        assertThat(BrokerJvmOptions.parse(null)).isEmpty();
        assertThat(BrokerJvmOptions.parse("  ")).isEmpty();
        assertThat(BrokerJvmOptions.parse(" -Xmx2g  -XX:+UseZGC ")).containsExactly("-Xmx2g", "-XX:+UseZGC");
    }
}
