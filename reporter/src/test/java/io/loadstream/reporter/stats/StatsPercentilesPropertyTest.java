package io.loadstream.reporter.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loadstream.reporter.report.JsonReport;
import io.loadstream.reporter.report.ReportBuilder;
import io.loadstream.reporter.run.RunData;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.LatencyHistograms;
import io.loadstream.schemas.fixtures.EventFixtures;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.HdrHistogram.Histogram;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

/**
 * Percentiles in the report never contradict each other or the exact extremes, and stay within HdrHistogram's
 * precision of the exact percentile: the oracle is Commons Math's nearest-rank percentile (R_1) on the raw values,
 * as in the other percentile tests.
 */
class StatsPercentilesPropertyTest {

    private static final String RUN = "property-run";
    private static final String ENDPOINT = "GET /api/items/{id}";
    private static final String[] NAMES = {"p50", "p90", "p95", "p99", "p999"};
    private static final double[] PERCENTILES = {50, 90, 95, 99, 99.9};

    @Property(tries = 200)
    void reportPercentilesAreMonotoneWithinTheExtremesAndWithinPrecisionOfTheExactOnes(
            @ForAll @Size(min = 1, max = 300) List<@LongRange(min = 0, max = 3_600_000_000L) Long> latencies)
            throws Exception {
        // given: one endpoint's totals built from raw latencies, as the aggregator publishes them
        long[] latenciesUs = latencies.stream().mapToLong(Long::longValue).toArray();
        long startMs = EventFixtures.nowMs();
        RunData data = new RunData(RUN, 60_000);
        for (String endpoint : List.of(ENDPOINT, EventKeys.ALL_ENDPOINTS)) {
            data.onTotals(EventFixtures.totals(RUN, endpoint, startMs, startMs + 1, latenciesUs, 0, true));
        }

        // when: the report is built and written as JSON
        JsonNode report = new ObjectMapper().readTree(JsonReport.text(
                ReportBuilder.build(data, List.of(), List.of(), List.of(), true)));

        // then
        JsonNode row = report.at("/endpoint_metrics").get(ENDPOINT);
        double minMs = row.get("min_ms").asDouble();
        double maxMs = row.get("max_ms").asDouble();
        double[] exactUs = Arrays.stream(latenciesUs).asDoubleStream().toArray();
        Percentile oracle = new Percentile().withEstimationType(Percentile.EstimationType.R_1);
        double previous = minMs;
        for (int i = 0; i < NAMES.length; i++) {
            double reported = row.get(NAMES[i] + "_ms").asDouble();
            double exactMs = oracle.evaluate(exactUs, PERCENTILES[i]) / 1000.0;
            assertThat(reported).as(NAMES[i]).isBetween(previous, maxMs)
                    .isCloseTo(exactMs, within(exactMs * 0.001 + 0.001));
            previous = reported;
        }
        assertThat(report.at("/summary/p99_ms").asDouble()).isEqualTo(row.get("p99_ms").asDouble());
    }

    @Property(tries = 200)
    void countAboveIsExactOutsideTheBoundsBucketAndNeverUndercounts(
            @ForAll @Size(min = 1, max = 300) List<@LongRange(min = 0, max = 5_000_000L) Long> latencies,
            @ForAll @LongRange(min = 0, max = 5_000) long boundMs) {
        long[] latenciesUs = latencies.stream().mapToLong(Long::longValue).toArray();
        long boundUs = boundMs * 1000;
        Stats stats = Stats.of(EventFixtures.stats(latenciesUs, 0));

        long counted = stats.countAbove(boundMs);

        // Only requests in the histogram bucket just above the bound, yet not above it, may count too.
        Histogram layout = LatencyHistograms.newHistogram();
        long bucketStartUs = layout.lowestEquivalentValue(boundUs + 1);
        long exact = Arrays.stream(latenciesUs).filter(v -> v > boundUs).count();
        long ambiguous = Arrays.stream(latenciesUs).filter(v -> v <= boundUs && v >= bucketStartUs).count();
        assertThat(counted).isBetween(exact, exact + ambiguous);
        if (Arrays.stream(latenciesUs).max().orElseThrow() <= boundUs) {
            assertThat(counted).isZero();
        }
    }
}
