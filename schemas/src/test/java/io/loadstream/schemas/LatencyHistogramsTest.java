package io.loadstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatencyHistogramsTest {

    @Test
    void roundTripKeepsEveryBucket() {
        Histogram histogram = LatencyHistograms.newHistogram();
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            histogram.recordValue(1 + random.nextInt(2_000_000));
        }

        Histogram decoded = LatencyHistograms.decode(LatencyHistograms.encode(histogram));

        assertThat(decoded).isEqualTo(histogram);
        assertThat(LatencyHistograms.hasLayout(decoded)).isTrue();
    }

    @Test
    void decodesAForeignLayoutIntoOurs() {
        Histogram foreign = new Histogram(2);
        foreign.recordValue(12_345);

        Histogram decoded = LatencyHistograms.decode(LatencyHistograms.encode(foreign));

        assertThat(LatencyHistograms.hasLayout(decoded)).isTrue();
        assertThat(decoded.getTotalCount()).isEqualTo(1);
        assertThat(foreign.valuesAreEquivalent(decoded.getMaxValue(), 12_345)).isTrue();
    }

    @Test
    void decodesNothingAsEmptyAndGarbageAsAnError() {
        assertThat(LatencyHistograms.decode(null).getTotalCount()).isZero();
        assertThat(LatencyHistograms.decode(ByteBuffer.allocate(0)).getTotalCount()).isZero();
        assertThatThrownBy(() -> LatencyHistograms.decode(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7, 8})))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a compressed HdrHistogram");
    }

    @Test
    void percentileNeverExceedsTheExactMaximum() {
        // 462,013 µs lies in a bucket whose highest equivalent value is above it (the quick-start case).
        Histogram histogram = LatencyHistograms.newHistogram();
        histogram.recordValue(462_013);
        assertThat(histogram.getValueAtPercentile(99)).isGreaterThan(462_013);

        assertThat(LatencyHistograms.percentileUs(histogram, 99, 462_013, 462_013)).isEqualTo(462_013);
        assertThat(LatencyHistograms.percentileUs(histogram, 0, 462_013, 462_013)).isEqualTo(462_013);
    }

    @Test
    void clampsOutOfRangeLatencies() {
        assertThat(LatencyHistograms.clampUs(-5)).isZero();
        assertThat(LatencyHistograms.clampUs(Long.MAX_VALUE)).isEqualTo(LatencyHistograms.HIGHEST_TRACKABLE_US);
        assertThat(LatencyHistograms.clampUs(42)).isEqualTo(42);
    }

    @Test
    void rejectsAPercentileOutsideTheRange() {
        Histogram histogram = LatencyHistograms.newHistogram();
        histogram.recordValue(1);
        assertThatThrownBy(() -> LatencyHistograms.percentileUs(histogram, 100.5, 1, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(LatencyHistograms.percentileUs(LatencyHistograms.newHistogram(), 50, 0, 0)).isZero();
    }
}
