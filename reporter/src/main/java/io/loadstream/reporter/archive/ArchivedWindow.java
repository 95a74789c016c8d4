package io.loadstream.reporter.archive;

import io.loadstream.schemas.LatencyHistograms;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.HdrHistogram.Histogram;

/**
 * One endpoint's figures over one period of a run, as the archive keeps them: the counts and the latency histogram
 * in loadstream's compressed HdrHistogram encoding ({@link LatencyHistograms}), so that any set of archived windows
 * merges exactly. Immutable.
 *
 * @param startMs       start of the period, inclusive, epoch milliseconds
 * @param endMs         end of the period, exclusive, epoch milliseconds
 * @param coveredMs     how much of the period the run covered, milliseconds (the first and last windows of a run
 *                      are partly outside it); the throughput of the period is {@code count / coveredMs}
 * @param count         requests whose intended start fell in the period
 * @param errors        those of them that failed
 * @param bytesSent     request bytes sent, headers and body
 * @param bytesReceived response bytes received, headers and body
 * @param minUs         smallest latency, microseconds; 0 when count is 0
 * @param maxUs         largest latency, microseconds; 0 when count is 0
 * @param histogram     the latency histogram, compressed HdrHistogram encoding; empty for no request
 */
public record ArchivedWindow(long startMs, long endMs, long coveredMs, long count, long errors, long bytesSent,
                             long bytesReceived, long minUs, long maxUs, byte[] histogram) {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException when the period is empty, a figure is negative or errors exceed count
     */
    public ArchivedWindow {
        if (endMs <= startMs) {
            throw new IllegalArgumentException("A window ends after it starts: " + startMs + ".." + endMs);
        }
        if (coveredMs < 0 || count < 0 || errors < 0 || errors > count || bytesSent < 0 || bytesReceived < 0
                || minUs < 0 || maxUs < minUs) {
            throw new IllegalArgumentException("Invalid window figures at " + startMs);
        }
        histogram = histogram == null ? new byte[0] : histogram.clone();
    }

    /** The histogram's encoding, a copy. */
    @Override
    public byte[] histogram() {
        return histogram.clone();
    }

    /** The histogram, decoded into loadstream's layout. */
    public Histogram decodeHistogram() {
        return LatencyHistograms.decode(ByteBuffer.wrap(histogram));
    }

    /**
     * Merges this window with the next one of the same endpoint, exactly: counts add up, the extremes are kept and
     * the histograms are added bucket by bucket.
     *
     * @param next a later window that does not overlap this one
     * @return one window from this start to {@code next}'s end
     * @throws IllegalArgumentException when {@code next} starts before this one ends
     */
    public ArchivedWindow mergeWith(ArchivedWindow next) {
        if (next.startMs < endMs) {
            throw new IllegalArgumentException("Only a later window merges: " + next.startMs + " < " + endMs);
        }
        Histogram merged = decodeHistogram();
        merged.add(next.decodeHistogram());
        long min = count == 0 ? next.minUs : next.count == 0 ? minUs : Math.min(minUs, next.minUs);
        long max = Math.max(maxUs, next.maxUs);
        byte[] encoded = merged.getTotalCount() == 0 ? new byte[0] : LatencyHistograms.encode(merged).array();
        return new ArchivedWindow(startMs, next.endMs, coveredMs + next.coveredMs, count + next.count,
                errors + next.errors, bytesSent + next.bytesSent, bytesReceived + next.bytesReceived, min, max,
                encoded);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ArchivedWindow w && startMs == w.startMs && endMs == w.endMs
                && coveredMs == w.coveredMs && count == w.count && errors == w.errors && bytesSent == w.bytesSent
                && bytesReceived == w.bytesReceived && minUs == w.minUs && maxUs == w.maxUs
                && Arrays.equals(histogram, w.histogram);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(startMs) * 31 + Arrays.hashCode(histogram);
    }

    @Override
    public String toString() {
        return "ArchivedWindow[" + startMs + ".." + endMs + ", count=" + count + ", errors=" + errors + "]";
    }
}
