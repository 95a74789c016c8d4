package io.loadstream.reporter.stats;

import io.loadstream.events.LatencyStats;
import io.loadstream.schemas.LatencyHistograms;
import java.nio.ByteBuffer;
import org.HdrHistogram.Histogram;

/**
 * The phases of a set of requests, from the aggregator's HdrHistograms (microseconds, 3 significant digits):
 *
 * <ul>
 *   <li><b>service time</b>: from the moment the generator handed the request to the HTTP client (the actual send)
 *       to the end of the response, for every request. It leaves out the time a request waited for its start after
 *       the load model's intended start (coordinated omission), which the latency includes: latency = that wait +
 *       service time. In a closed model the two are equal;</li>
 *   <li><b>time to first byte</b> (TTFB): from the actual send to the arrival of the response's status line and
 *       headers, for the requests that received a response (no failure before it: a refused connection, a timeout
 *       before the headers). Both include opening a connection (and TLS) when the request needed a new one.</li>
 * </ul>
 *
 * <p>Percentiles are read from the histograms as merged by the aggregator, never averaged. A service-time
 * percentile is also bounded by the latency's at the same percentile, and a TTFB percentile by the largest latency:
 * per request TTFB ≤ service time ≤ latency, so the bounds hold for the exact values and only remove a histogram
 * bucket's rounding up (at most one part in 1,000) where it would contradict the latency figures. Immutable.
 */
public final class PhaseStats {

    /** No phase figures: the statistics came from an aggregator that did not keep the histograms. */
    public static final PhaseStats NONE = new PhaseStats(null, null, Stats.EMPTY);

    private final Histogram serviceTime;
    private final Histogram timeToFirstByte;
    private final Stats latency;

    private PhaseStats(Histogram serviceTime, Histogram timeToFirstByte, Stats latency) {
        this.serviceTime = serviceTime;
        this.timeToFirstByte = timeToFirstByte;
        this.latency = latency;
    }

    /**
     * Reads the phase histograms of one {@link LatencyStats} (an endpoint's totals, say).
     *
     * @param stats   statistics as published by the aggregator; their histograms may be absent (older aggregators)
     * @param latency the same requests' latency statistics, decoded ({@link Stats#of})
     * @return the phases; a phase whose histogram is absent has no figures
     * @throws IllegalArgumentException when a histogram's bytes are not a compressed HdrHistogram
     */
    public static PhaseStats of(LatencyStats stats, Stats latency) {
        return new PhaseStats(decodeOrNull(stats.getServiceTimeHistogram()),
                decodeOrNull(stats.getTtfbHistogram()), latency);
    }

    private static Histogram decodeOrNull(ByteBuffer bytes) {
        return bytes == null ? null : LatencyHistograms.decode(bytes);
    }

    /** Requests with a service time (every request, when known); -1 when the histogram was not kept. */
    public long serviceTimeCount() {
        return serviceTime == null ? -1 : serviceTime.getTotalCount();
    }

    /** Requests that received a response's headers, so with a time to first byte; -1 when it was not kept. */
    public long timeToFirstByteCount() {
        return timeToFirstByte == null ? -1 : timeToFirstByte.getTotalCount();
    }

    /**
     * Service time at a percentile.
     *
     * @param percentile 0 to 100, decimals allowed
     * @return milliseconds, to the histogram's precision and never above the latency at that percentile; NaN when
     *         no request has one (or the histogram was not kept)
     * @throws IllegalArgumentException when the percentile is outside 0..100
     */
    public double serviceTimePercentileMs(double percentile) {
        if (serviceTime == null || serviceTime.getTotalCount() == 0) {
            checkPercentile(percentile);
            return Double.NaN;
        }
        long us = LatencyHistograms.percentileUs(serviceTime, percentile, 0, serviceTime.getMaxValue());
        if (serviceTime.getTotalCount() == latency.histogramCount() && latency.count() > 0) {
            // The same requests: the k-th smallest service time is at most the k-th smallest latency.
            us = Math.min(us, Math.round(latency.percentileMs(percentile) * 1000));
        }
        return us / 1000.0;
    }

    /**
     * Time to first byte at a percentile, over the requests that received a response.
     *
     * @param percentile 0 to 100, decimals allowed
     * @return milliseconds, to the histogram's precision and never above the largest latency; NaN when no request
     *         received a response (or the histogram was not kept)
     * @throws IllegalArgumentException when the percentile is outside 0..100
     */
    public double timeToFirstBytePercentileMs(double percentile) {
        if (timeToFirstByte == null || timeToFirstByte.getTotalCount() == 0) {
            checkPercentile(percentile);
            return Double.NaN;
        }
        long maxUs = timeToFirstByte.getMaxValue();
        if (latency.count() > 0) {
            maxUs = Math.min(maxUs, Math.round(latency.maxMs() * 1000));
        }
        return LatencyHistograms.percentileUs(timeToFirstByte, percentile, 0, maxUs) / 1000.0;
    }

    private static void checkPercentile(double percentile) {
        if (!(percentile >= 0 && percentile <= 100)) {
            throw new IllegalArgumentException("A percentile is between 0 and 100, not " + percentile);
        }
    }
}
