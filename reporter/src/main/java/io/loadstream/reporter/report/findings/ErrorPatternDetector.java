package io.loadstream.reporter.report.findings;

import io.loadstream.reporter.report.RunReport;
import io.loadstream.reporter.stats.Stats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.math3.stat.inference.ChiSquareTest;

/**
 * Tells errors that come with load ({@code errors_under_load}) from errors at any load ({@code errors}), for every
 * endpoint that failed at least {@value #MIN_ERROR_RATE} of its requests.
 *
 * <p>Method: the load where errors started is the fewest active VUs of a window that failed 1% or more of its
 * requests; the windows below that load and those at or above it make a 2×2 table (failed/passed × below/above).
 * The errors are "under load" when the upper part fails at least {@value #MIN_RATE_RATIO} times as often as the lower
 * and a chi-square test of independence on the table (Commons Math {@link ChiSquareTest}) gives p below
 * {@value #MAX_P_VALUE} (the strict bound pays for choosing the split from the data). When the lowest load already
 * failed, with one load level (constant VUs), or without that contrast, they are {@code errors}.
 */
final class ErrorPatternDetector {

    static final double MIN_ERROR_RATE = 0.01;
    static final double MIN_RATE_RATIO = 5;
    static final double MAX_P_VALUE = 0.001;

    private ErrorPatternDetector() {
    }

    static List<Finding> detect(FindingInput input) {
        List<Finding> findings = new ArrayList<>();
        for (String endpoint : input.endpoints()) {
            Stats total = input.total(endpoint);
            if (total.count() > 0 && total.errorRate() >= MIN_ERROR_RATE) {
                findings.add(find(input, endpoint, total));
            }
        }
        return findings;
    }

    private static Finding find(FindingInput input, String endpoint, Stats total) {
        List<LoadPoint> windows = input.windows(endpoint).stream()
                .filter(p -> p.vus() > 0 && p.window().requests() > 0).toList();
        String cause = dominantCause(total);
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("errors", (double) total.errorCount());
        figures.put("requests", (double) total.count());
        figures.put("error_rate", total.errorRate());
        String overall = endpoint + " failed " + Text.percent(total.errorRate()) + " of its requests ("
                + Text.count(total.errorCount()) + " of " + Text.count(total.count()) + "), mostly " + cause;
        if (!windows.isEmpty()) {
            int startedVus = Integer.MAX_VALUE;
            for (LoadPoint p : windows) {
                if (p.window().errorRate() >= MIN_ERROR_RATE) {
                    startedVus = Math.min(startedVus, p.vus());
                }
            }
            long[] low = new long[2];
            long[] high = new long[2];
            int lowMostVus = 0;
            for (LoadPoint p : windows) {
                boolean below = p.vus() < startedVus;
                long[] half = below ? low : high;
                half[0] += p.window().errors();
                half[1] += p.window().requests() - p.window().errors();
                if (below) {
                    lowMostVus = Math.max(lowMostVus, p.vus());
                }
            }
            double lowRate = rate(low);
            double highRate = rate(high);
            double pValue = pValue(low, high);
            if (high[0] + high[1] > 0 && low[0] + low[1] > 0) {
                figures.put("error_rate_low_load", lowRate);
                figures.put("error_rate_high_load", highRate);
                figures.put("vus_low_load_max", (double) lowMostVus);
            }
            if (!Double.isNaN(pValue) && pValue < MAX_P_VALUE && highRate >= MIN_RATE_RATIO * lowRate) {
                figures.put("vus_errors_started", (double) startedVus);
                figures.put("p_value", pValue);
                String evidence = overall + ": " + Text.percent(lowRate) + " at up to " + lowMostVus + " VUs and "
                        + Text.percent(highRate) + " above, from " + startedVus + " VUs on (chi-square p "
                        + String.format(Locale.ROOT, "%.1g", pValue) + "): it fails only under load.";
                return new Finding(new RunReport.Bottleneck(FindingKind.ERRORS_UNDER_LOAD.wireName(), endpoint,
                        evidence, figures), "Look for a limit that rejects work past a capacity: a full pool or "
                        + "queue, a rate limiter, timeouts of a saturated dependency. " + advice(cause));
            }
            if (figures.containsKey("error_rate_low_load")) {
                overall += ", without a clear link to load (" + Text.percent(lowRate) + " at up to " + lowMostVus
                        + " VUs, " + Text.percent(highRate) + " above)";
            }
        }
        return new Finding(new RunReport.Bottleneck(FindingKind.ERRORS.wireName(), endpoint, overall + ".",
                figures), advice(cause));
    }

    private static double rate(long[] counts) {
        long n = counts[0] + counts[1];
        return n == 0 ? 0 : (double) counts[0] / n;
    }

    /** The chi-square test needs every row and column sum above 0; NaN when one is 0 (no contrast to test). */
    private static double pValue(long[] low, long[] high) {
        long errors = low[0] + high[0];
        long passed = low[1] + high[1];
        if (errors == 0 || passed == 0 || low[0] + low[1] == 0 || high[0] + high[1] == 0) {
            return Double.NaN;
        }
        return new ChiSquareTest().chiSquareTest(new long[][] {low, high});
    }

    /** The main cause of the failures: the most frequent error class, with the status for HTTP errors. */
    static String dominantCause(Stats stats) {
        String cls = stats.errorsByClass().entrySet().stream().max(Map.Entry.comparingByValue())
                .map(Map.Entry::getKey).orElse("OTHER");
        if (cls.equals("STATUS")) {
            String status = stats.statusCounts().entrySet().stream()
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
}
