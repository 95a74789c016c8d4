package io.loadstream.reporter.report;

import io.loadstream.reporter.report.findings.Finding;
import io.loadstream.reporter.report.findings.FindingInput;
import io.loadstream.reporter.run.RunData;
import io.loadstream.reporter.run.TimelinePoint;
import io.loadstream.reporter.threshold.ThresholdOutcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Finds bottlenecks and writes recommendations, each citing the run's own figures. The rules:
 * <ul>
 *   <li>a generator host above {@value #GENERATOR_CPU_LIMIT}% CPU: its results are unreliable, add generators;</li>
 *   <li>the latency and error patterns of {@link io.loadstream.reporter.report.findings.Findings} (periodic
 *       stalls, queueing, two modes, errors under load or at any load, slow endpoints);</li>
 *   <li>events the generators could not publish, iterations they could not start, events too late for their
 *       window.</li>
 * </ul>
 */
final class Analysis {

    static final double GENERATOR_CPU_LIMIT = 90;

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

        generatorSaturation(system, bottlenecks, recommendations);
        FindingInput input = FindingInput.of(data, timeline, summary.slowEndpointP95Ms(), summary.slowRequestMs());
        for (Finding finding : io.loadstream.reporter.report.findings.Findings.detect(input)) {
            bottlenecks.add(finding.bottleneck());
            recommendations.add(finding.recommendation());
        }
        if (info.eventsDropped() > 0) {
            recommendations.add("The generators could not publish " + count(info.eventsDropped())
                    + " request events: the figures undercount. Check the broker's health and the generators' "
                    + "network, or add generators.");
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

    private static void generatorSaturation(List<RunReport.SystemPoint> system, List<RunReport.Bottleneck> out,
                                            List<String> recommendations) {
        Map<String, Long> hotMs = new LinkedHashMap<>();
        Map<String, Double> peak = new LinkedHashMap<>();
        for (RunReport.SystemPoint p : system) {
            if (p.role().equals("GENERATOR") && p.cpuMax() > GENERATOR_CPU_LIMIT) {
                hotMs.merge(p.host(), p.windowEndMs() - p.windowStartMs(), Long::sum);
                peak.merge(p.host(), p.cpuMax(), Math::max);
            }
        }
        hotMs.forEach((host, ms) -> {
            String evidence = "The generator's CPU on " + host + " was above " + (int) GENERATOR_CPU_LIMIT + "% for "
                    + count(Math.round(ms / 1000.0)) + " s (peak " + number(peak.get(host)) + "%): results in that "
                    + "period are unreliable, because the generator itself delayed requests.";
            out.add(new RunReport.Bottleneck("generator_saturated", "", evidence));
            recommendations.add(evidence + " Add generators (generate --segment i/n on more machines).");
        });
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
