package io.loadstream.reporter.archive;

import io.loadstream.reporter.report.RunReport;
import io.loadstream.reporter.trend.Estimate;
import io.loadstream.reporter.trend.TrendMetric;
import io.loadstream.reporter.trend.WindowBootstrap;
import io.loadstream.schemas.EventKeys;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;
import org.apache.commons.math3.random.Well19937c;

/**
 * Each endpoint's figures of one run with their within-run uncertainty: the point figures come from the run's
 * report (whole-run totals), the standard errors and intervals from the {@link WindowBootstrap} over the
 * endpoint's windows. The random source is seeded from the run id and the endpoint, so that archiving a run twice
 * gives the same entry.
 */
public final class EntrySummary {

    private EntrySummary() {
    }

    /**
     * Summarises every endpoint of a run ({@code *} excluded).
     *
     * @param report    the run's report
     * @param windows   per endpoint, its archived windows
     * @param resamples bootstrap resamples, at least 2
     * @return per endpoint, an estimate of every figure
     */
    public static Map<String, Map<TrendMetric, Estimate>> of(RunReport report,
                                                              Map<String, List<ArchivedWindow>> windows,
                                                              int resamples) {
        Map<String, Map<TrendMetric, Estimate>> endpoints = new TreeMap<>();
        for (RunReport.EndpointRow row : report.endpoints()) {
            if (row.endpoint().equals(EventKeys.ALL_ENDPOINTS)) {
                continue;
            }
            Map<TrendMetric, Double> points = new EnumMap<>(TrendMetric.class);
            points.put(TrendMetric.P50_MS, row.p50Ms());
            points.put(TrendMetric.P90_MS, row.p90Ms());
            points.put(TrendMetric.P95_MS, row.p95Ms());
            points.put(TrendMetric.P99_MS, row.p99Ms());
            points.put(TrendMetric.ERROR_RATE, row.errorRate());
            points.put(TrendMetric.RPS, row.rps());
            endpoints.put(row.endpoint(), of(report.run().id(), row.endpoint(), points,
                    windows.getOrDefault(row.endpoint(), List.of()), resamples));
        }
        return endpoints;
    }

    /**
     * Summarises one endpoint.
     *
     * @param runId     the run id (seeds the random source)
     * @param endpoint  the endpoint (seeds the random source)
     * @param points    the whole-run figures; a missing one is read from the windows
     * @param windows   its windows in time order
     * @param resamples bootstrap resamples, at least 2
     * @return an estimate of every figure
     */
    public static Map<TrendMetric, Estimate> of(String runId, String endpoint, Map<TrendMetric, Double> points,
                                                List<ArchivedWindow> windows, int resamples) {
        CRC32 crc = new CRC32();
        crc.update((runId + "|" + endpoint).getBytes(StandardCharsets.UTF_8));
        return new WindowBootstrap(windows).estimate(points, resamples, new Well19937c((int) crc.getValue()));
    }
}
