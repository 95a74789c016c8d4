package io.loadstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.HdrHistogram.Histogram;

/** Percentiles read through {@link LatencyHistograms} never contradict each other or the exact extremes. */
class PercentileBoundsPropertyTest {

    private static final double[] PERCENTILES = {0, 1, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100};

    @Property(tries = 300)
    void percentilesAreMonotoneAndWithinTheExactExtremes(
            @ForAll @Size(min = 1, max = 200) List<@LongRange(min = 0, max = 7_200_000_000L) Long> latenciesUs) {
        // given: latencies as the aggregator records them (clamped), with exact extremes kept beside the histogram
        Histogram histogram = LatencyHistograms.newHistogram();
        long minUs = Long.MAX_VALUE;
        long maxUs = Long.MIN_VALUE;
        for (long raw : latenciesUs) {
            long us = LatencyHistograms.clampUs(raw);
            histogram.recordValue(us);
            minUs = Math.min(minUs, us);
            maxUs = Math.max(maxUs, us);
        }
        // when: the histogram travels the wire
        Histogram decoded = LatencyHistograms.decode(LatencyHistograms.encode(histogram));

        // then
        long previous = Long.MIN_VALUE;
        for (double percentile : PERCENTILES) {
            long value = LatencyHistograms.percentileUs(decoded, percentile, minUs, maxUs);
            assertThat(value).as("p%s", percentile).isBetween(minUs, maxUs).isGreaterThanOrEqualTo(previous);
            previous = value;
        }
    }
}
