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

/** The time-to-first-byte and service-time histograms: recorded, merged, published and kept in state. */
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
    void stateKeepsTheTimeToFirstByteAndReadsTheFormerFormatWithoutIt() throws Exception {
        // given
        Accumulator accumulator = new Accumulator();
        for (int i = 0; i < 100; i++) {
            accumulator.record(timing(0, 1_000 + i, 5_000 + i), START_MS);
        }
        ByteBuffer scratch = ByteBuffer.allocate(Accumulator.scratchCapacity());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        accumulator.writeTo(new DataOutputStream(bytes), scratch);
        byte[] current = bytes.toByteArray();

        // when: read back as written, and as the former format wrote it (version 1, no third histogram)
        Accumulator restored = Accumulator.readFrom(new DataInputStream(new ByteArrayInputStream(current)));
        scratch.clear();
        int ttfbLength = accumulator.timeToFirstByte().encodeIntoByteBuffer(scratch);
        byte[] former = Arrays.copyOf(current, current.length - Integer.BYTES - ttfbLength);
        former[0] = 1;
        Accumulator fromFormer = Accumulator.readFrom(new DataInputStream(new ByteArrayInputStream(former)));

        // then
        assertThat(restored.timeToFirstByte()).isEqualTo(accumulator.timeToFirstByte());
        assertThat(restored.serviceTime()).isEqualTo(accumulator.serviceTime());
        assertThat(fromFormer.count()).isEqualTo(100);
        assertThat(fromFormer.serviceTime()).isEqualTo(accumulator.serviceTime());
        assertThat(fromFormer.timeToFirstByte().getTotalCount()).isZero();
    }
}
