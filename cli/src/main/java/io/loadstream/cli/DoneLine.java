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
        return String.format(Locale.ROOT, "Done: %d requests in %.1f s (%.0f req/s, %d errors%s), "
                        + "%d iterations, %d dropped iterations, %d events dropped%s",
                result.requestsSent(), seconds, result.requestsSent() / seconds, result.errors(), cpu,
                result.iterationsStarted(), result.droppedIterations(), result.eventsDropped(),
                result.aborted() ? "; aborted: " + result.reason() : "");
    }
}
