package io.loadstream.reporter.run;

/**
 * Figures of one endpoint (or {@code *}) in one closed window, for the report's timeline and charts.
 *
 * @param windowStartMs start of the window, epoch milliseconds
 * @param windowEndMs   end of the window, exclusive, epoch milliseconds
 * @param endpoint      endpoint name, or {@code *} for all
 * @param requests      requests in the window
 * @param errors        failed requests in the window
 * @param p50Ms         median latency, milliseconds
 * @param p95Ms         95th percentile latency, milliseconds
 * @param p99Ms         99th percentile latency, milliseconds
 * @param maxMs         largest latency, milliseconds
 * @param rps           requests per second over the window
 */
public record TimelinePoint(long windowStartMs, long windowEndMs, String endpoint, long requests, long errors,
                            double p50Ms, double p95Ms, double p99Ms, double maxMs, double rps) {

    /** Fraction of failed requests in the window, 0 to 1. */
    public double errorRate() {
        return requests == 0 ? 0 : (double) errors / requests;
    }
}
