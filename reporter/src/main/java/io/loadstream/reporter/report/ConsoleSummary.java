package io.loadstream.reporter.report;

import io.loadstream.events.Alert;
import io.loadstream.reporter.alert.Alerts;
import io.loadstream.reporter.threshold.ThresholdOutcome;
import io.loadstream.reporter.threshold.ThresholdRule;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The end-of-run summary on the console, shaped like k6's: thresholds with ✓/✗, per-endpoint lines, paths. */
public final class ConsoleSummary {

    private static final int NAME_WIDTH = 40;

    private ConsoleSummary() {
    }

    /**
     * Renders the summary.
     *
     * @param report the report
     * @param files  the files written, shown at the end; may be empty
     * @return the text, lines ending with {@code \n}
     */
    public static String render(RunReport report, List<Path> files) {
        StringBuilder out = new StringBuilder();
        RunReport.RunInfo run = report.run();
        out.append('\n').append("  run ").append(run.id());
        if (!run.plan().isEmpty()) {
            out.append(" (plan ").append(run.plan()).append(')');
        }
        out.append(": ").append(run.generators()).append(run.generators() == 1 ? " generator, " : " generators, ")
                .append(String.format(Locale.ROOT, "%.1f s", run.durationS()));
        if (run.abortReason() != null) {
            out.append(", aborted: ").append(run.abortReason());
        }
        if (!run.complete()) {
            out.append(", INCOMPLETE");
        }
        out.append('\n');
        for (String warning : run.warnings()) {
            out.append("  ! ").append(warning).append('\n');
        }

        if (!report.thresholds().isEmpty()) {
            out.append("\n  THRESHOLDS\n");
            Map<String, StringBuilder> byMetric = new LinkedHashMap<>();
            for (ThresholdOutcome t : report.thresholds()) {
                ThresholdRule rule = t.rule();
                StringBuilder lines = byMetric.computeIfAbsent(rule.metricKey(), k -> new StringBuilder());
                lines.append("    ").append(t.passed() ? "✓" : "✗").append(" '").append(rule.expression())
                        .append("' ").append(rule.aggregation().text()).append('=').append(value(rule, t.observed()));
                if (rule.windowed()) {
                    lines.append("  (window ").append(Alerts.number(rule.window().toMillis() / 1000.0))
                            .append(" s, for ").append(Alerts.number(rule.forDuration().toMillis() / 1000.0))
                            .append(" s").append(t.passed() ? ", never fired" : ", fired").append(')');
                }
                lines.append('\n');
            }
            byMetric.forEach((metric, lines) -> out.append("\n    ").append(metric).append('\n').append(lines));
        }

        RunReport.Summary s = report.summary();
        out.append("\n  TOTAL\n");
        out.append(dotted("http_req_duration")).append(String.format(Locale.ROOT,
                "avg=%s min=%s med=%s max=%s p(95)=%s p(99)=%s%n", ms(s.avgMs()),
                ms(report.endpoints().stream().mapToDouble(RunReport.EndpointRow::minMs).min().orElse(0)),
                ms(s.p50Ms()), ms(s.maxMs()), ms(s.p95Ms()), ms(s.p99Ms())));
        out.append(dotted("http_req_failed")).append(String.format(Locale.ROOT, "%.2f%%  %,d out of %,d%n",
                s.errorRate() * 100, s.totalErrors(), s.totalRequests()));
        out.append(dotted("http_reqs")).append(String.format(Locale.ROOT, "%,d  %.1f/s%n", s.totalRequests(),
                s.throughputRps()));
        long sent = report.endpoints().stream().mapToLong(RunReport.EndpointRow::bytesSent).sum();
        long received = report.endpoints().stream().mapToLong(RunReport.EndpointRow::bytesReceived).sum();
        out.append(dotted("data_sent")).append(String.format(Locale.ROOT, "%,d B%n", sent));
        out.append(dotted("data_received")).append(String.format(Locale.ROOT, "%,d B%n", received));
        if (report.scenarios().iterations() >= 0) {
            out.append(dotted("iterations")).append(String.format(Locale.ROOT, "%,d", report.scenarios()
                    .iterations()));
            for (Scenarios.Row row : report.scenarios().rows()) {
                if (row.iterations() >= 0 && report.scenarios().rows().size() > 1) {
                    out.append(String.format(Locale.ROOT, "  %s=%,d", row.name(), row.iterations()));
                }
            }
            out.append('\n');
        }
        checks(out, report.checks());
        for (GeneratorCpu.Row row : report.generatorCpu().rows()) {
            out.append(dotted("generator threads cpu")).append(row.generator()).append(' ')
                    .append(generatorCpuWords(row)).append('\n');
        }
        if (!Double.isNaN(s.peakCpuPercent())) {
            out.append(dotted(s.cpuSource() + " cpu")).append(String.format(Locale.ROOT, "avg=%.1f%% peak=%.1f%%%n",
                    s.avgCpuPercent(), s.peakCpuPercent()));
        }

        if (!report.endpoints().isEmpty()) {
            out.append("\n  ENDPOINTS\n");
            out.append(String.format(Locale.ROOT, "    %-" + NAME_WIDTH + "s %9s %7s %9s %9s %9s %9s %9s%n",
                    "endpoint", "reqs", "err%", "avg", "p50", "p95", "p99", "max"));
            for (RunReport.EndpointRow row : report.endpoints()) {
                out.append(String.format(Locale.ROOT, "    %-" + NAME_WIDTH + "s %9d %6.2f%% %9s %9s %9s %9s %9s%n",
                        clip(row.endpoint()), row.requests(), row.errorRate() * 100, ms(row.avgMs()),
                        ms(row.p50Ms()), ms(row.p95Ms()), ms(row.p99Ms()), ms(row.maxMs())));
            }
            phases(out, report);
        }
        if (!report.alerts().isEmpty()) {
            out.append("\n  ALERTS\n");
            for (Alert alert : report.alerts()) {
                out.append("    ").append(alert.getStatus().name().toLowerCase(Locale.ROOT)).append("  ")
                        .append(alert.getSummary()).append('\n');
            }
        }
        soakLines(out, report);
        if (!s.recommendations().isEmpty()) {
            out.append("\n  FINDINGS\n");
            for (String recommendation : s.recommendations()) {
                out.append("    - ").append(recommendation).append('\n');
            }
        }
        if (!files.isEmpty()) {
            out.append('\n');
            for (Path file : files) {
                out.append("  report: ").append(file).append('\n');
            }
        }
        long failed = report.thresholds().stream().filter(t -> !t.passed()).count();
        if (failed > 0) {
            out.append("\n  ✗ ").append(failed).append(failed == 1 ? " threshold failed" : " thresholds failed")
                    .append('\n');
        }
        return out.toString();
    }

    /** The last window (what the run looked like at its end), the significant drifts and the capacity. */
    private static void soakLines(StringBuilder out, RunReport report) {
        List<io.loadstream.reporter.run.TimelinePoint> recent = report.resolution().recent().stream()
                .filter(p -> p.endpoint().equals(io.loadstream.schemas.EventKeys.ALL_ENDPOINTS)).toList();
        if (!recent.isEmpty()) {
            io.loadstream.reporter.run.TimelinePoint last = recent.get(recent.size() - 1);
            double ageS = report.run().startedAtMs() > 0 ? (last.windowEndMs() - report.run().startedAtMs()) / 1000.0
                    : Double.NaN;
            out.append(dotted("last window")).append(String.format(Locale.ROOT, "at %s of the run: %.1f/s p(95)=%s "
                    + "p(99)=%s errors %.2f%%%n", Double.isNaN(ageS) ? "?" : age(ageS), last.rps(), ms(last.p95Ms()),
                    ms(last.p99Ms()), last.errorRate() * 100));
        }
        report.drift().endpoints().forEach((endpoint, d) -> {
            if (d.significant() && d.p95() != null) {
                out.append(dotted("drift " + clip(endpoint))).append(String.format(Locale.ROOT,
                        "p(95) %+.1f ms/h [%.1f, %.1f]%n", d.p95().slope(), d.p95().low(), d.p95().high()));
            }
        });
        report.drift().hosts().forEach((host, d) -> {
            if (d.significant()) {
                out.append(dotted("drift " + host + " memory")).append(String.format(Locale.ROOT,
                        "%+.1f MB/h [%.1f, %.1f]%n", d.memory().slope(), d.memory().low(), d.memory().high()));
            }
        });
        io.loadstream.reporter.capacity.CapacityReport capacity = report.capacity();
        if (capacity.estimated()) {
            out.append(dotted("capacity (USL)")).append(String.format(Locale.ROOT, "peak %.0f/s [%.0f, %.0f] at "
                    + "%.1f in flight, knee %.1f, R²=%.3f%n", capacity.maxRps(), capacity.maxRpsLow(),
                    capacity.maxRpsHigh(), capacity.atConcurrency(), capacity.kneeConcurrency(),
                    capacity.model().r2()));
        }
    }

    private static String age(double seconds) {
        long s = Math.round(seconds);
        return s < 3600 ? s + " s" : String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }

    private static String dotted(String name) {
        StringBuilder line = new StringBuilder("    ").append(name);
        while (line.length() < 36) {
            line.append('.');
        }
        return line.append(": ").toString();
    }

    private static String clip(String name) {
        return name.length() <= NAME_WIDTH ? name : name.substring(0, NAME_WIDTH - 1) + "…";
    }

    private static String value(ThresholdRule rule, double observed) {
        if (Double.isNaN(observed)) {
            return "no data";
        }
        return switch (rule.metric()) {
            case HTTP_REQ_DURATION -> ms(observed);
            case HTTP_REQ_FAILED, CHECKS -> String.format(Locale.ROOT, "%.2f%%", observed * 100);
            case HTTP_REQS -> rule.aggregation().kind() == io.loadstream.reporter.threshold.Aggregation.Kind.COUNT
                    ? String.format(Locale.ROOT, "%,d", (long) observed)
                    : String.format(Locale.ROOT, "%.2f/s", observed);
        };
    }

    /**
     * One generator's own CPU in words, e.g. {@code 4.2 s, 46% of its process's 9.1 s; mean 7.0% of the machine}.
     *
     * @param row the generator's figures
     * @return the words; they say so when the threads could not be told apart
     */
    public static String generatorCpuWords(GeneratorCpu.Row row) {
        if (!row.measured()) {
            return "not measured: its JVM does not measure thread CPU time (or it is older than this figure), so its "
                    + "CPU cannot be told apart from the rest of its process";
        }
        String share = Double.isNaN(row.shareOfProcess()) ? ""
                : String.format(Locale.ROOT, ", %.0f%% of its process's %.1f s", row.shareOfProcess() * 100,
                        row.processCpuMs() / 1000.0);
        return String.format(Locale.ROOT, "%.1f s%s; mean %.1f%% of the machine", row.threadsCpuMs() / 1000.0, share,
                row.meanPercentOfMachine());
    }

    /** k6's checks lines: the total, then ✓ or ✗ per endpoint's check with its passed share and counts. */
    private static void checks(StringBuilder out, Checks checks) {
        if (checks.rows().isEmpty()) {
            return;
        }
        long checked = checks.passed() + checks.failed();
        out.append(dotted("checks")).append(String.format(Locale.ROOT, "%.2f%%  %,d out of %,d%n",
                checked == 0 ? 0 : checks.passed() * 100.0 / checked, checks.passed(), checked));
        for (Checks.Row row : checks.rows()) {
            String words = row.checks().isEmpty() ? "" : ": " + String.join("; ", row.checks());
            out.append(String.format(Locale.ROOT, "      %s %s%s  %s  \u2713 %,d \u2717 %,d%n",
                    row.failed() == 0 ? "\u2713" : "\u2717", row.endpoint(), words,
                    Double.isNaN(row.passRate()) ? "no response checked"
                            : String.format(Locale.ROOT, "%.2f%%", row.passRate() * 100), row.passed(), row.failed()));
        }
    }

    /** Time to first byte and service time per endpoint, when the aggregator kept them. */
    private static void phases(StringBuilder out, RunReport report) {
        if (report.endpoints().stream().allMatch(row -> row.phases().serviceTimeRequests() < 0)) {
            return;
        }
        out.append("\n  TIME TO FIRST BYTE / SERVICE TIME (from the actual send)\n");
        out.append(String.format(Locale.ROOT, "    %-" + NAME_WIDTH + "s %9s %9s %9s %9s %9s %9s%n",
                "endpoint", "ttfb p50", "ttfb p95", "ttfb p99", "svc p50", "svc p95", "svc p99"));
        for (RunReport.EndpointRow row : report.endpoints()) {
            RunReport.Phases p = row.phases();
            out.append(String.format(Locale.ROOT, "    %-" + NAME_WIDTH + "s %9s %9s %9s %9s %9s %9s%n",
                    clip(row.endpoint()), msOrNa(p.ttfbP50Ms()), msOrNa(p.ttfbP95Ms()), msOrNa(p.ttfbP99Ms()),
                    msOrNa(p.serviceTimeP50Ms()), msOrNa(p.serviceTimeP95Ms()), msOrNa(p.serviceTimeP99Ms())));
        }
    }

    private static String msOrNa(double value) {
        return Double.isNaN(value) ? "n/a" : ms(value);
    }

    static String ms(double value) {
        if (value >= 1000) {
            return String.format(Locale.ROOT, "%.2fs", value / 1000);
        }
        return String.format(Locale.ROOT, "%.2fms", value);
    }
}
