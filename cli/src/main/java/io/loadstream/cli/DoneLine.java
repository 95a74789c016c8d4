package io.loadstream.cli;

import io.loadstream.generator.GeneratorResult;
import java.util.Locale;

/** The line that ends a generator's output ({@code generate}, {@code run}): what it sent. Scripts and tests read it. */
final class DoneLine {

    private DoneLine() {
    }

    /**
     * The line for a generator's result.
     *
     * @param result  the generator's result
     * @param withCpu whether to give the process's CPU time per request: only when the process is the generator
     *                alone ({@code run} shares its JVM with the aggregator, the reporter and the demo target)
     * @return e.g. {@code Done: 1200 requests in 20.0 s (60 req/s, 0 errors, ...)}
     */
    static String of(GeneratorResult result, boolean withCpu) {
        double seconds = Math.max(1e-3, result.elapsed().toNanos() / 1e9);
        String cpu = withCpu ? String.format(Locale.ROOT, ", %.1f us CPU each", result.cpuMicrosPerRequest()) : "";
        return String.format(Locale.ROOT, "Done: %s in %.1f s (%.0f req/s, %s%s), %s, %s, %s%s",
                plural(result.requestsSent(), "request"), seconds, result.requestsSent() / seconds,
                plural(result.errors(), "error"), cpu, plural(result.iterationsStarted(), "iteration"),
                plural(result.droppedIterations(), "dropped iteration"), plural(result.eventsDropped(),
                        "event") + " dropped", result.aborted() ? "; aborted: " + result.reason() : "");
    }

    /** {@code 1 request}, {@code 2 requests}, {@code 0 requests}. */
    static String plural(long count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }
}
