package io.loadstream.reporter.drift;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The {@code drift} object of {@code performance_report.json}: slopes per hour with their 95% intervals as
 * {@code [low, high]}, {@code null} where there were too few windows after the warm-up. Stateless.
 */
public final class DriftJson {

    private DriftJson() {
    }

    /**
     * Writes the drift into a new {@code drift} object of the report.
     *
     * @param root  the report's root object
     * @param drift the drift
     */
    public static void put(ObjectNode root, DriftReport drift) {
        ObjectNode node = root.putObject("drift");
        node.put("warmup_s", round(drift.warmupMs() / 1000.0));
        ObjectNode endpoints = node.putObject("endpoints");
        drift.endpoints().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey()).forEach(e -> {
            ObjectNode n = endpoints.putObject(e.getKey());
            slope(n, "p95_slope_ms_per_h", "p95_ci95", e.getValue().p95());
            slope(n, "p99_slope_ms_per_h", "p99_ci95", e.getValue().p99());
            n.put("significant", e.getValue().significant());
            n.put("windows", e.getValue().windows());
        });
        ObjectNode hosts = node.putObject("hosts");
        drift.hosts().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey()).forEach(e -> {
            ObjectNode n = hosts.putObject(e.getKey());
            n.put("role", e.getValue().role());
            slope(n, "memory_slope_mb_per_h", "memory_ci95", e.getValue().memory());
            slope(n, "cpu_slope_percent_per_h", "cpu_ci95", e.getValue().cpu());
            n.put("significant", e.getValue().significant());
            n.put("windows", e.getValue().windows());
        });
    }

    private static void slope(ObjectNode node, String slopeKey, String ciKey, TheilSen.Slope slope) {
        if (slope == null) {
            node.putNull(slopeKey);
            node.putNull(ciKey);
            return;
        }
        node.put(slopeKey, round(slope.slope()));
        ArrayNode ci = node.putArray(ciKey);
        ci.add(round(slope.low()));
        ci.add(round(slope.high()));
    }

    /** Three decimals, as the rest of the report. */
    static BigDecimal round(double value) {
        return BigDecimal.valueOf(value).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros();
    }
}
