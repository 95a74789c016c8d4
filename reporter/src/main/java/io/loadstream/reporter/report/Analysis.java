package io.loadstream.reporter.report;

import io.loadstream.reporter.report.findings.Finding;
import io.loadstream.reporter.report.findings.FindingInput;
import io.loadstream.reporter.run.RunData;
import io.loadstream.reporter.run.TimelinePoint;
import io.loadstream.reporter.threshold.ThresholdOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Finds bottlenecks and writes recommendations, each citing the run's own figures. The rules:
 * <ul>
 *   <li>the machines: a generator's own process, or a host, saturated ({@link SystemFindings});</li>
 *   <li>the latency and error patterns of {@link io.loadstream.reporter.report.findings.Findings} (periodic
 *       stalls, queueing, two modes, errors under load or at any load, slow endpoints);</li>
 *   <li>events the generators could not publish, iterations they could not start, events too late for their
 *       window.</li>
 * </ul>
 */
final class Analysis {

    record Findings(List<RunReport.Bottleneck> bottlenecks, List<String> recommendations) {
    }

    private Analysis() {
    }

    static Findings analyse(RunData data, RunReport.RunInfo info, RunReport.Summary summary,
                            List<RunReport.EndpointRow> rows, List<RunReport.SlowEndpoint> slow,
                            List<RunReport.ErrorEndpoint> errors, List<TimelinePoint> timeline,
                            List<RunReport.SystemPoint> system, List<ThresholdOutcome> thresholds) {
        List<RunReport.Bottleneck> bottlenecks = new ArrayList<>();
        List<String> recommendations = new ArrayList<>();

        SystemFindings.analyse(system, info.durationS(), bottlenecks, recommendations);
        FindingInput input = FindingInput.of(data, timeline, summary.slowEndpointP95Ms(), summary.slowRequestMs());
        for (Finding finding : io.loadstream.reporter.report.findings.Findings.detect(input)) {
            bottlenecks.add(finding.bottleneck());
            recommendations.add(finding.recommendation());
        }
        for (Finding finding : io.loadstream.reporter.report.findings.KafkaOutages.findings(info.kafkaOutages())) {
            bottlenecks.add(finding.bottleneck());
            recommendations.add(finding.recommendation());
        }
        if (info.eventsDropped() > 0) {
            recommendations.add("The generators could not publish " + droppedByKind(info)
                    + (info.timingsDropped() > 0 ? ": the request figures undercount" : "")
                    + ". Check the broker's health and the generators' network, raise the outage bounds "
                    + "(--outage-memory-events, --journal-max-mib), or add generators.");
        }
        if (info.droppedIterations() > 0) {
            recommendations.add("The arrival-rate executor could not start " + count(info.droppedIterations())
                    + " iterations for lack of VUs: raise max_vus so the planned rate is reached.");
        }
        if (info.lateEvents() > 0) {
            recommendations.add(count(info.lateEvents()) + " events arrived after their window had closed: they are "
                    + "in the totals but not the timeline. Raise the window grace if this matters.");
        }
        long failed = thresholds.stream().filter(t -> !t.passed()).count();
        if (recommendations.isEmpty()) {
            recommendations.add("No bottleneck found: p95 " + ms(summary.p95Ms()) + ", error rate "
                    + percent(summary.errorRate()) + " over " + count(summary.totalRequests()) + " requests"
                    + (failed == 0 ? ", every threshold passed." : "."));
        }
        return new Findings(List.copyOf(bottlenecks), List.copyOf(recommendations));
    }

    /** "3 request timings and 3 system samples": what was dropped, by kind. */
    static String droppedByKind(RunReport.RunInfo info) {
        List<String> parts = new ArrayList<>();
        if (info.timingsDropped() > 0) {
            parts.add(count(info.timingsDropped()) + " request timings");
        }
        if (info.samplesDropped() > 0) {
            parts.add(count(info.samplesDropped()) + " system samples");
        }
        long other = info.eventsDropped() - info.timingsDropped() - info.samplesDropped();
        if (other > 0) {
            parts.add(count(other) + (parts.isEmpty() ? " events" : " other events")
                    + " (control records, or of a kind an older generator did not say)");
        }
        return String.join(" and ", parts);
    }

    static String count(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    static String ms(double value) {
        return value >= 100 ? String.format(Locale.ROOT, "%,d ms", Math.round(value))
                : String.format(Locale.ROOT, "%.1f ms", value);
    }

    static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.2f%%", fraction * 100);
    }

    static String number(double value) {
        return value == Math.rint(value) ? String.format(Locale.ROOT, "%d", (long) value)
                : String.format(Locale.ROOT, "%.1f", value);
    }
}
