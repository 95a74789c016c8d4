package io.loadstream.schemas;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.Histogram;

/**
 * The one definition of loadstream's latency histogram layout, and the codec of the {@code histogram} and
 * {@code service_time_histogram} fields of {@code LatencyStats}. The generator, the aggregator and the reporter all
 * build, encode, decode and read histograms through this class, so that they agree on every figure.
 *
 * <p>Layout: values in microseconds, from {@value #LOWEST_DISCERNIBLE_US} µs to {@value #HIGHEST_TRACKABLE_US} µs
 * (one hour), {@value #SIGNIFICANT_DIGITS} significant decimal digits. At its highest tracked value a histogram
 * keeps a resolution of about 3.6 s (one part in 1,000); at 100 ms, about 0.1 ms. Values below 0 are recorded as 0
 * and values above one hour as one hour (see {@link #clampUs(long)}): a request that took longer than that is
 * counted, with its latency understated.
 *
 * <p>Wire encoding: HdrHistogram's compressed encoding ({@code encodeIntoCompressedByteBuffer}), which any
 * HdrHistogram implementation decodes. Histograms of any set of windows merge exactly (same layout, added bucket
 * by bucket).
 *
 * <p>Reading: a percentile read from a bucket is the bucket's highest equivalent value, which can lie above the
 * exact largest latency recorded. {@link #percentileUs(AbstractHistogram, double, long, long)} clamps it to the exact
 * extremes, so that percentiles never contradict {@code min_us} and {@code max_us}; clamping keeps percentiles
 * monotone in the percentile.
 */
public final class LatencyHistograms {

    /** Lowest value a histogram tells apart from 0, in microseconds. */
    public static final long LOWEST_DISCERNIBLE_US = 1;
    /** Highest latency a histogram tracks, in microseconds (one hour); larger values are recorded as this. */
    public static final long HIGHEST_TRACKABLE_US = 3_600_000_000L;
    /** Significant decimal digits of every histogram: values are kept to one part in 1,000. */
    public static final int SIGNIFICANT_DIGITS = 3;

    private LatencyHistograms() {
    }

    /**
     * Returns a new empty histogram with loadstream's layout.
     *
     * @return a new histogram, 1 µs to {@value #HIGHEST_TRACKABLE_US} µs, {@value #SIGNIFICANT_DIGITS} digits
     */
    public static Histogram newHistogram() {
        return new Histogram(LOWEST_DISCERNIBLE_US, HIGHEST_TRACKABLE_US, SIGNIFICANT_DIGITS);
    }

    /**
     * Brings a latency into the tracked range.
     *
     * @param us a latency in microseconds; any value
     * @return 0 for negative values, {@value #HIGHEST_TRACKABLE_US} for larger ones, else {@code us}
     */
    public static long clampUs(long us) {
        return us < 0 ? 0 : Math.min(us, HIGHEST_TRACKABLE_US);
    }

    /**
     * Encodes a histogram for the wire, in HdrHistogram's compressed encoding.
     *
     * @param histogram the histogram; unchanged
     * @return a new buffer positioned at 0 holding exactly the encoding
     */
    public static ByteBuffer encode(AbstractHistogram histogram) {
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        return ByteBuffer.wrap(Arrays.copyOf(buffer.array(), length));
    }

    /**
     * Decodes a histogram from the wire into loadstream's layout. A histogram written with another layout (an
     * older or foreign writer) is re-recorded into this layout, so that it merges with every other histogram.
     *
     * @param bytes a compressed HdrHistogram; null or empty means no value at all. Its position is unchanged
     * @return a new histogram with loadstream's layout; empty when {@code bytes} is null or empty
     * @throws IllegalArgumentException when {@code bytes} is not a compressed HdrHistogram
     */
    public static Histogram decode(ByteBuffer bytes) {
        if (bytes == null || !bytes.hasRemaining()) {
            return newHistogram();
        }
        Histogram decoded;
        try {
            decoded = Histogram.decodeFromCompressedByteBuffer(bytes.duplicate(), HIGHEST_TRACKABLE_US);
        } catch (DataFormatException | RuntimeException e) {
            throw new IllegalArgumentException("The latency histogram is not a compressed HdrHistogram: "
                    + e.getMessage(), e);
        }
        if (hasLayout(decoded)) {
            return decoded;
        }
        Histogram histogram = newHistogram();
        histogram.add(decoded);
        return histogram;
    }

    /**
     * Tells whether a histogram has loadstream's layout, so that adding it to one of ours loses nothing.
     *
     * @param histogram any histogram
     * @return true when its range and precision are those of {@link #newHistogram()}
     */
    public static boolean hasLayout(AbstractHistogram histogram) {
        return histogram.getLowestDiscernibleValue() == LOWEST_DISCERNIBLE_US
                && histogram.getHighestTrackableValue() == HIGHEST_TRACKABLE_US
                && histogram.getNumberOfSignificantValueDigits() == SIGNIFICANT_DIGITS;
    }

    /**
     * Reads a percentile, never outside the exact extremes: the histogram's value at {@code percentile} (its
     * bucket's highest equivalent value), clamped to {@code [minUs, maxUs]}. For a fixed histogram and extremes the
     * result never decreases as {@code percentile} grows.
     *
     * @param histogram  the histogram, in microseconds
     * @param percentile 0 to 100, decimals allowed (e.g. 99.9)
     * @param minUs      the exact smallest latency recorded, in microseconds
     * @param maxUs      the exact largest latency recorded, in microseconds; at least {@code minUs}
     * @return the latency in microseconds; 0 when the histogram is empty
     * @throws IllegalArgumentException when {@code percentile} is outside 0..100 or {@code maxUs < minUs}
     */
    public static long percentileUs(AbstractHistogram histogram, double percentile, long minUs, long maxUs) {
        if (!(percentile >= 0 && percentile <= 100)) {
            throw new IllegalArgumentException("A percentile is between 0 and 100, not " + percentile);
        }
        if (histogram.getTotalCount() == 0) {
            return 0;
        }
        if (maxUs < minUs) {
            throw new IllegalArgumentException("The largest latency (" + maxUs + " µs) is below the smallest ("
                    + minUs + " µs)");
        }
        long value = histogram.getValueAtPercentile(percentile);
        return Math.max(minUs, Math.min(maxUs, value));
    }
}
