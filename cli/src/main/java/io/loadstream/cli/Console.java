package io.loadstream.cli;

import java.io.PrintWriter;
import java.util.function.Consumer;

/**
 * Where a command's lines go: standard output and standard error. A runtime collaborator, kept out of the
 * configuration values; tests pass sinks that keep the lines.
 *
 * @param out receives the lines for standard output, one whole line per call, from any thread
 * @param err receives the lines for standard error, the same way
 */
record Console(Consumer<String> out, Consumer<String> err) {

    /** The prefix of the reporter's lines that say the run was given up: they go to standard error. */
    private static final String GAVE_UP = "Gave up";

    /**
     * The console of a command line: each line printed whole and flushed at once, so that lines from the
     * generator's progress, the reporter's thread and the command do not interleave.
     *
     * @param out standard output
     * @param err standard error
     * @return the console
     */
    static Console of(PrintWriter out, PrintWriter err) {
        return new Console(line -> print(out, line), line -> print(err, line));
    }

    /**
     * The reporter's console lines, as {@code report} and {@code run} print them: indented under the command's
     * own lines, and on standard error when the reporter gave the run up.
     *
     * @return the sink for {@code ReporterConfig.withConsole}
     */
    Consumer<String> reporterLines() {
        return line -> (line.startsWith(GAVE_UP) ? err : out).accept("  " + line);
    }

    private static void print(PrintWriter writer, String line) {
        synchronized (writer) {
            writer.println(line);
            writer.flush();
        }
    }
}
