package io.loadstream.aggregator.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.loadstream.events.ErrorClass;
import io.loadstream.events.LatencyStats;
import io.loadstream.events.RequestTiming;
import io.loadstream.schemas.LatencyHistograms;
import io.loadstream.schemas.fixtures.EventFixtures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.junit.jupiter.api.Test;

/**
 * The time-to-first-byte and service-time histograms and the check counts: recorded, merged, published and kept in
 * state.
 */
class AccumulatorPhasesTest {

    private static final long START_MS = EventFixtures.nowMs();

    /** A request whose response began after {@code firstByteUs} (-1: none) and ended after {@code serviceUs}. */
    private static RequestTiming timing(long waitUs, long firstByteUs, long serviceUs) {
        RequestTiming timing = EventFixtures.ok("r", "GET /x", START_MS, waitUs + serviceUs);
        timing.setServiceTimeUs(serviceUs);
        timing.setTimeToFirstByteUs(firstByteUs);
        if (firstByteUs < 0) {
            timing.setStatus(0);
            timing.setErrorClass(ErrorClass.CONNECT);
        }
        return timing;
    }

    private static double exact(long[] values, double percentile) {
        double[] asDoubles = Arrays.stream(values).asDoubleStream().toArray();
        return new Percentile().withEstimationType(Percentile.EstimationType.R_1).evaluate(asDoubles, percentile);
    }

    @Test
    void publishedPhaseHistogramsGiveTheExactPercentilesOfTwoMergedShares() {
        // given: 3,000 requests split over two accumulators (two tasks), every tenth without a response
        Random random = new Random(17);
        Accumulator first = new Accumulator();
        Accumulator second = new Accumulator();
        long[] service = new long[3_000];
        long[] firstByte = new long[2_700];
        int responses = 0;
        for (int i = 0; i < service.length; i++) {
            service[i] = 2_000 + (long) (random.nextDouble() * random.nextDouble() * 400_000);
            long ttfb = i % 10 == 9 ? -1 : service[i] / (2 + random.nextInt(5));
            if (ttfb >= 0) {
                firstByte[responses++] = ttfb;
            }
            (i % 2 == 0 ? first : second).record(timing(random.nextInt(50_000), ttfb, service[i]), START_MS);
        }

        // when
        first.merge(second);
        LatencyStats published = first.toLatencyStats();

        // then: within the histograms' one part in 1,000 of the exact percentiles (Commons Math, nearest rank)
        Histogram serviceHistogram = LatencyHistograms.decode(published.getServiceTimeHistogram());
        Histogram ttfbHistogram = LatencyHistograms.decode(published.getTtfbHistogram());
        assertThat(serviceHistogram.getTotalCount()).isEqualTo(3_000);
        assertThat(ttfbHistogram.getTotalCount()).as("requests without a response have no TTFB").isEqualTo(2_700);
        for (double p : new double[] {50, 95, 99}) {
            double exactService = exact(service, p);
            double exactTtfb = exact(firstByte, p);
            assertThat((double) serviceHistogram.getValueAtPercentile(p)).as("service p" + p)
                    .isCloseTo(exactService, within(exactService / 1000 + 1));
            assertThat((double) ttfbHistogram.getValueAtPercentile(p)).as("ttfb p" + p)
                    .isCloseTo(exactTtfb, within(exactTtfb / 1000 + 1));
        }
    }

    @Test
    void checkResultsAreCountedAndMergedAndRequestsWithoutACheckAreNot() {
        // given: 30 passed, 7 failed, 11 without a check (or without a response), over two accumulators
        Accumulator first = new Accumulator();
        Accumulator second = new Accumulator();
        for (int i = 0; i < 48; i++) {
            RequestTiming timing = timing(0, 100, 1_000);
            timing.setCheckPassed(i < 30 ? Boolean.TRUE : i < 37 ? Boolean.FALSE : null);
            (i % 3 == 0 ? first : second).record(timing, START_MS);
        }

        // when
        first.merge(second);
        LatencyStats published = first.toLatencyStats();

        // then
        assertThat(published.getChecksPassed()).isEqualTo(30);
        assertThat(published.getChecksFailed()).isEqualTo(7);
    }

    @Test
    void stateKeepsTheTimeToFirstByteAndTheChecksAndReadsTheFormerFormatWithoutThem() throws Exception {
        // given
        Accumulator accumulator = new Accumulator();
        for (int i = 0; i < 100; i++) {
            RequestTiming timing = timing(0, 1_000 + i, 5_000 + i);
            timing.setCheckPassed(i % 10 != 0);
            accumulator.record(timing, START_MS);
        }
        ByteBuffer scratch = ByteBuffer.allocate(Accumulator.scratchCapacity());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        accumulator.writeTo(new DataOutputStream(bytes), scratch);
        byte[] current = bytes.toByteArray();

        // when: read back as written, and as the former format wrote it (version 1: no check counts before the
        // histograms, no third histogram after them)
        Accumulator restored = Accumulator.readFrom(new DataInputStream(new ByteArrayInputStream(current)));
        int ttfbLength = encodedLength(accumulator.timeToFirstByte(), scratch);
        int histogramsLength = encodedLength(accumulator.latency(), scratch)
                + encodedLength(accumulator.serviceTime(), scratch) + 2 * Integer.BYTES;
        int checksAt = current.length - Integer.BYTES - ttfbLength - histogramsLength - 2 * Long.BYTES;
        ByteArrayOutputStream former = new ByteArrayOutputStream();
        former.write(1);
        former.write(current, 1, checksAt - 1);
        former.write(current, checksAt + 2 * Long.BYTES, histogramsLength);
        Accumulator fromFormer = Accumulator.readFrom(new DataInputStream(new ByteArrayInputStream(
                former.toByteArray())));

        // then
        assertThat(restored.timeToFirstByte()).isEqualTo(accumulator.timeToFirstByte());
        assertThat(restored.serviceTime()).isEqualTo(accumulator.serviceTime());
        assertThat(restored.checksPassed()).isEqualTo(90);
        assertThat(restored.checksFailed()).isEqualTo(10);
        assertThat(fromFormer.count()).isEqualTo(100);
        assertThat(fromFormer.checksPassed() + fromFormer.checksFailed()).isZero();
        assertThat(fromFormer.serviceTime()).isEqualTo(accumulator.serviceTime());
        assertThat(fromFormer.timeToFirstByte().getTotalCount()).isZero();
    }

    private static int encodedLength(Histogram histogram, ByteBuffer scratch) {
        scratch.clear();
        return histogram.encodeIntoByteBuffer(scratch);
    }
}
