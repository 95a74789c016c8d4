package io.loadstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** {@code loadstream demo-target} in-process: its options and failures (DemoTargetCommandIT runs the server). */
class DemoTargetCommandTest {

    private final InProcessCli cli = new InProcessCli();

    @Test
    void helpListsEveryOption() {
        assertThat(cli.run("demo-target", "--help")).isEqualTo(ExitCodes.OK);
        assertThat(cli.out()).contains("Usage: loadstream demo-target")
                .contains("--port", "--host", "--token", "--workers", "--seed");
    }

    @Test
    void theTopLevelHelpListsTheCommand() {
        assertThat(cli.run("--help")).isEqualTo(ExitCodes.OK);
        assertThat(cli.out()).contains("demo-target");
    }

    @Test
    void aPortOutsideTheTcpRangeIsAConfigurationError() {
        assertThat(cli.run("demo-target", "--port", "70000")).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("--port must be between 1 and 65535").doesNotContain("\tat ");
    }

    @Test
    void anAddressOfAnotherMachineIsAConfigurationErrorNotABusyPort() {
        assertThat(cli.run("demo-target", "--port", "0", "--host=8.8.8.8")).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("--host 8.8.8.8 is not an address of this machine")
                .doesNotContain("already in use").doesNotContain("\tat ");
    }

    @Test
    void aWorkerPoolOfZeroIsAConfigurationError() {
        assertThat(cli.run("demo-target", "--port", "0", "--workers", "0")).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("--workers must be between 1 and");
    }

    @Test
    void aBlankTokenIsAConfigurationError() {
        assertThat(cli.run("demo-target", "--port", "0", "--token", " ")).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("The token must not be blank.");
    }

    @Test
    void aBusyPortFailsWithOneSentenceAndExitCodeOne() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();

            assertThat(cli.run("demo-target", "--port", String.valueOf(port))).isEqualTo(ExitCodes.FAILURE);
            assertThat(cli.err().lines().toList()).containsExactly("loadstream: Port " + port
                    + " on 127.0.0.1 is already in use (or not allowed); stop what uses it or choose another port.");
        }
    }
}
