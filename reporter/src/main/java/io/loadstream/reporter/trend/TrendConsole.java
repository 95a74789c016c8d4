package io.loadstream.reporter.trend;

import io.loadstream.reporter.archive.ArchiveEntry;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The console text of {@code trend}: each endpoint's figures, latest against baseline, then the runs compared. */
public final class TrendConsole {

    private TrendConsole() {
    }

    /**
     * Renders a report.
     *
     * @param report the report
     * @return lines ending with a newline
     */
    public static String render(TrendReport report) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Trend of %s: latest run %s against %s (tolerance %.0f%%, "
                        + "family-wise error rate %.0f%%)%n%n", report.plan(), report.latest().runId(),
                baselineText(report), report.tolerancePct(), report.alpha() * 100));
        Map<String, java.util.List<Comparison>> byEndpoint = new LinkedHashMap<>();
        report.comparisons().forEach(c -> byEndpoint.computeIfAbsent(c.endpoint(), e -> new java.util.ArrayList<>())
                .add(c));
        byEndpoint.forEach((endpoint, comparisons) -> {
            out.append(endpoint).append('\n');
            for (Comparison c : comparisons) {
                out.append(String.format(Locale.ROOT, "  %-10s %12s -> %-12s %+7.1f%% [%+.1f%%, %+.1f%%]  %s%n",
                        c.metric().jsonName(), number(c.baseline()), number(c.latest()), c.changePct(),
                        c.ci95LowPct(), c.ci95HighPct(), verdict(c)));
            }
        });
        out.append('\n');
        List<Comparison> regressions = report.regressions();
        out.append(regressions.isEmpty() ? "No regression." : regressions.size() + " regression"
                + (regressions.size() == 1 ? "" : "s") + ":").append('\n');
        for (Comparison c : regressions) {
            out.append(String.format(Locale.ROOT, "  %s %s %+.1f%% (p = %.2g)%n", c.endpoint(), c.metric().jsonName(),
                    c.changePct(), c.pValue()));
        }
        if (!report.changePoints().isEmpty()) {
            out.append(report.changePoints().size()).append(" change point(s) over the runs:\n");
            for (TrendReport.ChangePointAt cp : report.changePoints()) {
                out.append(String.format(Locale.ROOT, "  %s %s at run %s: %+.1f%%%n", cp.endpoint(),
                        cp.metric().jsonName(), cp.runId(), cp.changePct()));
            }
        }
        out.append("Runs compared:\n");
        for (ArchiveEntry run : report.runs()) {
            String role = run == report.latest() ? "latest  " : report.baselineRuns().contains(run.runId())
                    ? "baseline" : "        ";
            out.append("  ").append(role).append(' ').append(run.runId()).append("  ")
                    .append(Instant.ofEpochMilli(run.startedAtMs())).append(run.tags().isEmpty() ? "" : "  "
                            + run.tags()).append(run.complete() ? "" : "  (incomplete: " + run.reason() + ")")
                    .append('\n');
        }
        return out.toString();
    }

    private static String baselineText(TrendReport report) {
        return switch (report.baseline().kind()) {
            case AUTO -> "the complete runs since the last change point (at most " + TrendAnalysis.MAX_BASELINE
                    + ")";
            case RUN -> "run " + report.baseline().value();
            case TAG -> "the runs tagged " + report.baseline().value();
        };
    }

    private static String verdict(Comparison c) {
        return switch (c.verdict()) {
            case REGRESSION -> "REGRESSION";
            case IMPROVEMENT -> "improvement";
            case NO_CHANGE -> "no change";
        };
    }

    private static String number(double value) {
        return value != 0 && Math.abs(value) < 0.1 ? String.format(Locale.ROOT, "%.4f", value)
                : String.format(Locale.ROOT, "%.2f", value);
    }
}
