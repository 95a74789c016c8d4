package io.loadstream.reporter.report;

import io.loadstream.reporter.run.RunData;
import io.loadstream.reporter.run.TimelinePoint;
import io.loadstream.reporter.threshold.ThresholdOutcome;
import io.loadstream.schemas.EventKeys;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Finds bottlenecks and writes recommendations, each citing the run's own figures. The rules:
 * <ul>
 *   <li>the machines: a generator's own process, or a host, saturated ({@link SystemFindings});</li>
 *   <li>an endpoint whose p95 at least doubled between the window with the fewest active VUs and the one with the
 *       most: with the target's CPU under {@value #LOW_CPU}% it points to a lock or a pool limit, above
 *       {@value #HIGH_CPU}% to CPU saturation;</li>
 *   <li>endpoints with failures, by error class;</li>
 *   <li>endpoints whose p95 exceeds {@code slow_endpoint_p95_ms};</li>
 *   <li>events the generators could not publish, iterations they could not start, events too late for their
 *       window.</li>
 * </ul>
 */
final class Analysis {

    static final double LOW_CPU = 50;
    static final double HIGH_CPU = 80;
    /** Fewest requests a window needs before its p95 is compared. */
    static final long MIN_WINDOW_REQUESTS = 20;
    /** Error rate above which an endpoint is a bottleneck, not just listed. */
    static final double ERROR_RATE_BOTTLENECK = 0.01;

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
        latencyVersusLoad(data, timeline, system, bottlenecks, recommendations);
        for (RunReport.ErrorEndpoint e : errors) {
            String cause = dominantCause(e);
            String evidence = e.endpoint() + " failed " + percent(e.errorRate()) + " of its requests ("
                    + count(e.errors()) + " of " + count(e.requests()) + "), mostly " + cause + ".";
            if (e.errorRate() >= ERROR_RATE_BOTTLENECK) {
                bottlenecks.add(new RunReport.Bottleneck("errors", e.endpoint(), evidence));
                recommendations.add(evidence + " " + advice(cause));
            }
        }
        for (RunReport.SlowEndpoint s : slow) {
            RunReport.EndpointRow row = rows.stream().filter(r -> r.endpoint().equals(s.endpoint())).findFirst()
                    .orElse(null);
            String slowPart = row == null || row.slowRequests() == 0 ? ""
                    : ", and " + count(row.slowRequests()) + " requests took longer than " + summary.slowRequestMs()
                    + " ms";
            String evidence = s.endpoint() + " had a p95 of " + ms(s.p95Ms()) + " over " + count(s.requests())
                    + " requests, above the " + s.thresholdMs() + " ms limit for slow endpoints" + slowPart + ".";
            bottlenecks.add(new RunReport.Bottleneck("slow_endpoint", s.endpoint(), evidence));
            recommendations.add(evidence + " Profile it: look for N+1 queries, missing indexes or work that a cache "
                    + "could skip.");
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

    /** p95 at the fewest VUs against p95 at the most VUs, per endpoint, with the target's CPU at the peak. */
    private static void latencyVersusLoad(RunData data, List<TimelinePoint> timeline,
                                          List<RunReport.SystemPoint> system, List<RunReport.Bottleneck> out,
                                          List<String> recommendations) {
        Map<String, List<TimelinePoint>> byEndpoint = new LinkedHashMap<>();
        for (TimelinePoint p : timeline) {
            if (!p.endpoint().equals(EventKeys.ALL_ENDPOINTS) && p.requests() >= MIN_WINDOW_REQUESTS) {
                byEndpoint.computeIfAbsent(p.endpoint(), e -> new ArrayList<>()).add(p);
            }
        }
        record Finding(String endpoint, double ratio, String evidence, String advice) {
        }
        List<Finding> findings = new ArrayList<>();
        for (Map.Entry<String, List<TimelinePoint>> entry : byEndpoint.entrySet()) {
            TimelinePoint low = null;
            TimelinePoint high = null;
            int lowVus = Integer.MAX_VALUE;
            int highVus = -1;
            for (TimelinePoint p : entry.getValue()) {
                int vus = data.activeVusBetween(p.windowStartMs(), p.windowEndMs());
                if (vus <= 0) {
                    continue;
                }
                if (vus < lowVus || vus == lowVus && low != null && p.p95Ms() < low.p95Ms()) {
                    lowVus = vus;
                    low = p;
                }
                if (vus > highVus || vus == highVus && high != null && p.p95Ms() > high.p95Ms()) {
                    highVus = vus;
                    high = p;
                }
            }
            if (low == null || high == null || highVus <= lowVus || low.p95Ms() <= 0
                    || high.p95Ms() < 2 * low.p95Ms() || high.p95Ms() - low.p95Ms() < 50) {
                continue;
            }
            double targetCpu = targetCpuMax(system, high.windowStartMs(), high.windowEndMs());
            String rise = entry.getKey() + " p95 rose from " + ms(low.p95Ms()) + " to " + ms(high.p95Ms())
                    + " as VUs went from " + lowVus + " to " + highVus;
            String evidence;
            String advice;
            if (Double.isNaN(targetCpu)) {
                evidence = rise + "; no CPU figures came from the target.";
                advice = "Run the system agent on the target to tell a lock or pool limit from CPU saturation.";
            } else if (targetCpu < LOW_CPU) {
                evidence = rise + ", while the target's CPU stayed under " + number(Math.ceil(targetCpu)) + "%.";
                advice = "Look for a lock or a pool limit (database connections, worker threads).";
            } else if (targetCpu >= HIGH_CPU) {
                evidence = rise + ", with the target's CPU at " + number(targetCpu) + "%.";
                advice = "The target is CPU-bound at this load: optimise the hot path or add instances.";
            } else {
                evidence = rise + ", with the target's CPU at " + number(targetCpu) + "%.";
                advice = "The endpoint queues before the CPU is full: check pools, locks and downstream calls.";
            }
            findings.add(new Finding(entry.getKey(), high.p95Ms() / low.p95Ms(), evidence, advice));
        }
        findings.sort(Comparator.comparingDouble(Finding::ratio).reversed());
        for (Finding f : findings.subList(0, Math.min(5, findings.size()))) {
            out.add(new RunReport.Bottleneck("latency_rises_with_load", f.endpoint(), f.evidence()));
            recommendations.add(f.evidence() + " " + f.advice());
        }
    }

    private static double targetCpuMax(List<RunReport.SystemPoint> system, long fromMs, long toMs) {
        double max = Double.NaN;
        for (RunReport.SystemPoint p : system) {
            if (p.role().equals("TARGET") && p.cpuMax() >= 0 && p.windowStartMs() < toMs && p.windowEndMs() > fromMs) {
                max = Double.isNaN(max) ? p.cpuMax() : Math.max(max, p.cpuMax());
            }
        }
        return max;
    }

    private static String dominantCause(RunReport.ErrorEndpoint e) {
        String cls = e.errorsByClass().entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
                .orElse("OTHER");
        if (cls.equals("STATUS")) {
            String status = e.statusCounts().entrySet().stream()
                    .filter(s -> s.getKey().length() == 3 && (s.getKey().startsWith("4") || s.getKey().startsWith("5")))
                    .max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("error");
            return "HTTP " + status;
        }
        return cls.toLowerCase(Locale.ROOT) + " errors";
    }

    private static String advice(String cause) {
        if (cause.startsWith("HTTP 5")) {
            return "Check the target's logs for server errors at these times.";
        }
        if (cause.startsWith("HTTP 4")) {
            return "Check the plan's requests: authentication, payloads and ids.";
        }
        return switch (cause) {
            case "timeout errors" -> "Find the slow dependency, or raise the plan's timeout if it is too short.";
            case "connect errors", "reset errors" -> "Check the target's connection limits, accept backlog and "
                    + "restarts.";
            case "check errors" -> "Look at the responses that failed the plan's checks.";
            default -> "Look at the error details of these requests.";
        };
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
