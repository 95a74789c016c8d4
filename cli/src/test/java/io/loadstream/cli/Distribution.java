package io.loadstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The packaged distribution ({@code cli/target/loadstream-VERSION}, which failsafe names in the system property
 * {@code loadstream.dist}), for the integration tests that run loadstream as a user does: in its own JVM.
 */
final class Distribution {

    private Distribution() {
    }

    /**
     * The command line that runs {@code loadstream ARGS} from the distribution with this JVM's java.
     *
     * @param jvmOptions options for the JVM, before the class path (may be empty)
     * @param args       the loadstream arguments
     * @return the command, for a {@link ProcessBuilder}
     */
    static List<String> command(List<String> jvmOptions, List<String> args) {
        Path dist = Path.of(System.getProperty("loadstream.dist"));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", dist.resolve("lib") + "/*", LoadstreamCommand.class.getName()));
        command.addAll(args);
        return command;
    }

    /** The same with no JVM options. */
    static List<String> command(String... args) {
        return command(List.of(), List.of(args));
    }

    /**
     * Reads a command's output until a line contains {@code expected}.
     *
     * @return the lines read, the matching one last
     * @throws AssertionError when the output ends first, with what was printed
     */
    static List<String> awaitLine(BufferedReader out, String expected) throws IOException {
        List<String> printed = new ArrayList<>();
        String line;
        while ((line = out.readLine()) != null) {
            printed.add(line);
            if (line.contains(expected)) {
                return printed;
            }
        }
        throw new AssertionError("The command ended without printing '" + expected + "':\n"
                + String.join("\n", printed));
    }

    /**
     * Waits until a running command's output file holds {@code expected}, polling every 200 ms.
     *
     * @param process the command
     * @param output  the file its output goes to
     * @param timeout how long to wait at most
     * @throws org.awaitility.core.ConditionTimeoutException after {@code timeout}, with what it printed
     * @throws org.awaitility.core.TerminalFailureException  when the command ends first, with what it printed
     */
    static void awaitOutput(Process process, Path output, String expected, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(200))
                .failFast(() -> assertThat(process.isAlive() || read(output).contains(expected))
                        .as(() -> "the command ended (exit " + process.exitValue() + ") before printing '" + expected
                                + "':\n" + read(output))
                        .isTrue())
                .untilAsserted(() -> assertThat(read(output)).as("what the command printed").contains(expected));
    }

    private static String read(Path output) {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
