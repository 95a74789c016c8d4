package io.loadstream.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
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
}
