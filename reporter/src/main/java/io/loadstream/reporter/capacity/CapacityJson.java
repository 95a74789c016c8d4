package io.loadstream.reporter.capacity;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The {@code capacity} object of {@code performance_report.json}: the USL estimate with its interval and points, or
 * {@code "estimate": null} with the reason (and the plateaus that were found). Stateless.
 */
public final class CapacityJson {

    private CapacityJson() {
    }

    /**
     * Writes the capacity into a new {@code capacity} object of the report.
     *
     * @param root     the report's root object
     * @param capacity the capacity
     */
    public static void put(ObjectNode root, CapacityReport capacity) {
        ObjectNode node = root.putObject("capacity");
        if (capacity.estimated()) {
            node.put("model", "usl");
            number(node, "max_throughput_rps", capacity.maxRps());
            ArrayNode ci = node.putArray("max_throughput_ci95");
            ci.add(round(capacity.maxRpsLow()));
            ci.add(round(capacity.maxRpsHigh()));
            number(node, "at_concurrency", capacity.atConcurrency());
            number(node, "knee_concurrency", capacity.kneeConcurrency());
            number(node, "slo_capacity_rps", capacity.sloCapacityRps());
            node.put("r2", round(capacity.model().r2()));
            ObjectNode parameters = node.putObject("parameters");
            parameters.put("lambda_rps", BigDecimal.valueOf(capacity.model().lambda()).round(
                    new java.math.MathContext(6)));
            parameters.put("sigma", BigDecimal.valueOf(capacity.model().sigma()).round(new java.math.MathContext(6)));
            parameters.put("kappa", BigDecimal.valueOf(capacity.model().kappa()).round(new java.math.MathContext(6)));
        } else {
            node.putNull("estimate");
            node.put("reason", capacity.reason());
        }
        ArrayNode points = node.putArray("points");
        for (CapacityReport.Plateau p : capacity.plateaus()) {
            ObjectNode n = points.addObject();
            n.put("concurrency", round(p.concurrency()));
            n.put("rps", round(p.rps()));
            n.put("vus", p.vus());
            n.put("windows", p.windows());
            n.put("error_rate", BigDecimal.valueOf(p.errorRate()).setScale(6, RoundingMode.HALF_UP)
                    .stripTrailingZeros());
            n.put("p95_ms", round(p.p95Ms()));
            n.put("p99_ms", round(p.p99Ms()));
            n.put("slo_held", p.sloHeld());
        }
        CapacityReport.Validation v = capacity.validation();
        if (v != null) {
            ObjectNode n = node.putObject("validation");
            n.put("fit_up_to_concurrency", round(v.upToConcurrency()));
            n.put("plateaus_used", v.plateausUsed());
            n.put("predicted_peak_rps", round(v.predictedPeakRps()));
            n.put("measured_peak_rps", round(v.measuredPeakRps()));
            n.put("measured_peak_concurrency", round(v.peakConcurrency()));
            n.put("error_percent", round(v.errorPercent()));
        }
    }

    private static void number(ObjectNode node, String key, double value) {
        if (Double.isFinite(value)) {
            node.put(key, round(value));
        } else {
            node.putNull(key);
        }
    }

    private static BigDecimal round(double value) {
        return BigDecimal.valueOf(value).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros();
    }
}
