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
 * @param coveredS      seconds of the window that the run covered (the run's start and end inside it), at most the
 *                      window's length; the denominator of {@link #rps()}
 */
public record TimelinePoint(long windowStartMs, long windowEndMs, String endpoint, long requests, long errors,
                            double p50Ms, double p95Ms, double p99Ms, double maxMs, double coveredS) {

    /** Fraction of failed requests in the window, 0 to 1. */
    public double errorRate() {
        return requests == 0 ? 0 : (double) errors / requests;
    }

    /**
     * Requests per second over the part of the window the run covered, so that the first and last windows of a run
     * (aligned to the clock, not to the run) are not diluted by the time before the start or after the end.
     *
     * @return requests per covered second; 0 when the run did not cover the window at all
     */
    public double rps() {
        return coveredS > 0 ? requests / coveredS : 0;
    }

    /**
     * The same point with another covered time.
     *
     * @param seconds the covered seconds
     * @return a copy
     */
    public TimelinePoint withCoveredS(double seconds) {
        return new TimelinePoint(windowStartMs, windowEndMs, endpoint, requests, errors, p50Ms, p95Ms, p99Ms, maxMs,
                seconds);
    }
}
