package io.loadstream.reporter.report.findings;

import io.loadstream.reporter.report.RunReport;
import io.loadstream.reporter.stats.Stats;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Endpoints whose p95 is above the plan's {@code slow_endpoint_p95_ms} and that no more specific finding explains
 * (a stall, two modes, queueing): slowest first. The advice is generic, and says so.
 */
final class SlowDetector {

    private SlowDetector() {
    }

    static List<Finding> detect(FindingInput input, Set<String> explained) {
        List<Finding> findings = new ArrayList<>();
        for (String endpoint : input.endpoints()) {
            Stats stats = input.total(endpoint);
            double p95 = stats.percentileMs(95);
            if (explained.contains(endpoint) || stats.count() == 0 || p95 <= input.slowEndpointP95Ms()) {
                continue;
            }
            long slowRequests = stats.countAbove(input.slowRequestMs());
            String evidence = endpoint + " had a p95 of " + Text.ms(p95) + " over " + Text.plural(stats.count(),
                    "request") + " (median " + Text.ms(stats.percentileMs(50)) + "), above the "
                    + input.slowEndpointP95Ms() + " ms limit for slow endpoints" + (slowRequests == 0 ? "" : ", and "
                    + Text.plural(slowRequests, "request") + " took longer than " + input.slowRequestMs() + " ms")
                    + ".";
            Map<String, Double> figures = new LinkedHashMap<>();
            figures.put("p95_ms", p95);
            figures.put("p50_ms", stats.percentileMs(50));
            figures.put("limit_ms", (double) input.slowEndpointP95Ms());
            figures.put("requests", (double) stats.count());
            figures.put("slow_requests", (double) slowRequests);
            findings.add(new Finding(new RunReport.Bottleneck(FindingKind.SLOW.wireName(), endpoint, evidence,
                    figures), "Generic advice: profile the endpoint; N+1 queries, missing indexes and work a cache "
                    + "could skip are the usual causes."));
        }
        findings.sort(Comparator.comparingDouble((Finding f) -> f.bottleneck().figures().get("p95_ms")).reversed());
        return findings;
    }
}
