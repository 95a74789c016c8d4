package io.loadstream.reporter.report.findings;

import io.loadstream.schemas.EventKeys;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs the detectors in order, from the most specific pattern to the least: a periodic stall, queueing, two modes,
 * errors under load or at any load, then slow endpoints that nothing else explains. An endpoint explained by a
 * latency pattern (or {@code *}) gets no weaker latency finding. The generator and host findings are the system
 * analysis' ({@code Analysis}); {@code drift} is the soak analysis'.
 */
public final class Findings {

    private Findings() {
    }

    /**
     * Explains a run.
     *
     * @param input the run's windows and totals
     * @return the findings, each with its figures; empty for a fast, healthy run
     */
    public static List<Finding> detect(FindingInput input) {
        List<Finding> findings = new ArrayList<>();
        Set<String> explained = new HashSet<>();
        for (Finding f : PeriodicStallDetector.detect(input)) {
            add(f, findings, explained, input);
        }
        if (!explained.contains(EventKeys.ALL_ENDPOINTS)) {
            for (Finding f : QueueingDetector.detect(input)) {
                add(f, findings, explained, input);
            }
        }
        if (!explained.contains(EventKeys.ALL_ENDPOINTS)) {
            for (Finding f : BimodalDetector.detect(input, explained)) {
                add(f, findings, explained, input);
            }
        }
        findings.addAll(ErrorPatternDetector.detect(input));
        findings.addAll(SlowDetector.detect(input, explained.contains(EventKeys.ALL_ENDPOINTS)
                ? Set.copyOf(input.endpoints()) : explained));
        return List.copyOf(findings);
    }

    private static void add(Finding finding, List<Finding> findings, Set<String> explained, FindingInput input) {
        findings.add(finding);
        explained.add(finding.endpoint());
        if (finding.endpoint().equals(EventKeys.ALL_ENDPOINTS)) {
            explained.addAll(input.endpoints());
        }
    }
}
