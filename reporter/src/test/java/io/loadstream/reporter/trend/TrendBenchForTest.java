package io.loadstream.reporter.trend;

import io.loadstream.reporter.archive.ArchiveBundle;
import io.loadstream.reporter.archive.ArchiveEntry;
import io.loadstream.reporter.archive.ArchiveStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.math3.random.Well19937c;

/**
 * The trend's measurements (bench/trend.sh runs it): the A/A false regression rate, the detection of a p99-only
 * shift of +15 %, Otava's patterns, and the time {@code trend} takes over 200 runs of 60 endpoints. Synthetic runs
 * come from {@link SyntheticRuns}, through the same window bootstrap as real ones.
 *
 * <p>Usage: {@code TrendBenchForTest aa|p99|patterns|archive DIR}.
 */
public final class TrendBenchForTest {

    private static final long WEEK_MS = 7 * 24 * 3600 * 1000L;
    private static final int ENDPOINTS = 10;

    private TrendBenchForTest() {
    }

    public static void main(String[] args) throws Exception {
        switch (args.length == 0 ? "" : args[0]) {
            case "aa" -> aa(Double.parseDouble(args.length > 1 ? args[1] : "0.01"),
                    Integer.parseInt(args.length > 2 ? args[2] : "100"));
            case "aa-mixed" -> aaMixed(Integer.parseInt(args.length > 1 ? args[1] : "100"));
            case "p99" -> p99(Integer.parseInt(args.length > 1 ? args[1] : "100"),
                    Integer.parseInt(args.length > 2 ? args[2] : "800"));
            case "patterns" -> patterns();
            case "archive" -> archive(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            default -> System.err.println("usage: aa [RUN_SD [LATEST_RUNS]] | aa-mixed [LATEST_RUNS] | "
                    + "p99 [TRIALS [REQUESTS_PER_WINDOW]] | patterns | archive DIR RUNS ENDPOINTS");
        }
    }

    private static List<ArchiveEntry> series(SyntheticRuns synthetic, int runs, int endpoints, double[] logShifts) {
        List<ArchiveEntry> entries = new ArrayList<>();
        long start = System.currentTimeMillis() - (runs + 1) * WEEK_MS;
        for (int i = 0; i < runs; i++) {
            Map<String, double[]> shifts = new HashMap<>();
            if (logShifts != null) {
                shifts.put("GET /e0", new double[] {logShifts[i], 0});
            }
            entries.add(synthetic.run("run-" + String.format(Locale.ROOT, "%03d", i), start + i * WEEK_MS,
                    SyntheticRuns.endpoints(endpoints), shifts, 0.01, Map.of(), true));
        }
        return entries;
    }

    // A/A: one long series with no change; every run from the sixth on is the latest once, against the five before.
    private static void aa(double runSd, int latestRuns) {
        SyntheticRuns synthetic = new SyntheticRuns(1, 16, 800, runSd, 0.02, WindowBootstrap.DEFAULT_RESAMPLES);
        aa(series(synthetic, latestRuns + 5, ENDPOINTS, null), String.format(Locale.ROOT, "run sd %.0f%%",
                runSd * 100));
    }

    // A/A with endpoints that differ: half with 800 requests a window and a run-to-run sd of 0.5 %, half with 50
    // requests a window and 5 %, so that one endpoint's spread says little about another's (the moderation's
    // worst case).
    private static void aaMixed(int latestRuns) {
        SyntheticRuns steady = new SyntheticRuns(3, 16, 800, 0.005, 0.02, WindowBootstrap.DEFAULT_RESAMPLES);
        SyntheticRuns erratic = new SyntheticRuns(4, 16, 50, 0.05, 0.02, WindowBootstrap.DEFAULT_RESAMPLES);
        List<ArchiveEntry> a = series(steady, latestRuns + 5, ENDPOINTS / 2, null);
        List<ArchiveEntry> b = series(erratic, latestRuns + 5, ENDPOINTS / 2, null);
        List<ArchiveEntry> runs = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            ArchiveEntry run = a.get(i);
            Map<String, Map<TrendMetric, Estimate>> endpoints = new LinkedHashMap<>(run.endpoints());
            b.get(i).endpoints().forEach((endpoint, figures) -> endpoints.put(endpoint.replace("/e", "/f"), figures));
            runs.add(new ArchiveEntry(run.version(), run.plan(), run.runId(), run.startedAtMs(), run.endedAtMs(),
                    run.loadstreamVersion(), 1, Map.of(), true, "", endpoints));
        }
        aa(runs, "mixed endpoints (run sd 0.5 % and 5 %, 800 and 50 requests a window)");
    }

    private static void aa(List<ArchiveEntry> runs, String label) {
        TrendAnalysis analysis = new TrendAnalysis(TrendAnalysis.DEFAULT_TOLERANCE, TrendAnalysis.DEFAULT_ALPHA);
        int comparisons = 0;
        int flaggedEndpoints = 0;
        int flaggedReports = 0;
        Map<TrendMetric, Integer> byMetric = new EnumMap<>(TrendMetric.class);
        for (int latest = 5; latest < runs.size(); latest++) {
            TrendReport report = analysis.analyse(runs.subList(latest - 5, latest + 1), Optional.empty(),
                    BaselineSpec.AUTO, "bench");
            comparisons += (int) report.comparisons().stream().map(Comparison::endpoint).distinct().count();
            long endpoints = report.regressions().stream().map(Comparison::endpoint).distinct().count();
            flaggedEndpoints += (int) endpoints;
            flaggedReports += endpoints > 0 ? 1 : 0;
            report.regressions().forEach(c -> byMetric.merge(c.metric(), 1, Integer::sum));
        }
        System.out.printf(Locale.ROOT, "A/A %s: %d false regressions in %d endpoint x run comparisons "
                        + "(%.2f per 100); %d of %d reports had one; by metric %s%n", label, flaggedEndpoints,
                comparisons, 100.0 * flaggedEndpoints / comparisons, flaggedReports, runs.size() - 5, byMetric);
    }

    // +15 % on p99 of one endpoint, p50 unchanged: flagged in the first run after it? Also the misses whose
    // measured change stayed within the tolerance: no test can flag those.
    private static void p99(int trials, int requestsPerWindow) {
        SyntheticRuns synthetic = new SyntheticRuns(2, 16, requestsPerWindow, 0.01, 0.02,
                WindowBootstrap.DEFAULT_RESAMPLES);
        List<ArchiveEntry> pool = series(synthetic, trials + 5, ENDPOINTS, null);
        TrendAnalysis analysis = new TrendAnalysis(TrendAnalysis.DEFAULT_TOLERANCE, TrendAnalysis.DEFAULT_ALPHA);
        int detected = 0;
        int withinTolerance = 0;
        int otherFlags = 0;
        for (int t = 0; t < trials; t++) {
            ArchiveEntry plain = pool.get(t + 5);
            ArchiveEntry shiftedRun = synthetic.run(plain.runId(), plain.startedAtMs(), Map.of("GET /e0", 20.0),
                    Map.of("GET /e0", new double[] {0, 0.15}), 0.01, Map.of(), true);
            Map<String, Map<TrendMetric, Estimate>> endpoints = new LinkedHashMap<>(plain.endpoints());
            endpoints.put("GET /e0", shiftedRun.endpoints().get("GET /e0"));
            ArchiveEntry latest = new ArchiveEntry(plain.version(), plain.plan(), plain.runId(), plain.startedAtMs(),
                    plain.endedAtMs(), plain.loadstreamVersion(), 1, Map.of(), true, "", endpoints);
            List<ArchiveEntry> runs = new ArrayList<>(pool.subList(t, t + 5));
            runs.add(latest);
            TrendReport report = analysis.analyse(runs, Optional.empty(), BaselineSpec.AUTO, "bench");
            boolean hit = report.regressions().stream()
                    .anyMatch(c -> c.endpoint().equals("GET /e0") && c.metric() == TrendMetric.P99_MS);
            detected += hit ? 1 : 0;
            withinTolerance += !hit && report.comparisons().stream().anyMatch(c -> c.endpoint().equals("GET /e0")
                    && c.metric() == TrendMetric.P99_MS && c.changePct() <= report.tolerancePct()) ? 1 : 0;
            otherFlags += (int) report.regressions().stream()
                    .filter(c -> !(c.endpoint().equals("GET /e0") && c.metric().isLatency())).count();
        }
        System.out.printf(Locale.ROOT, "p99 +15%% (p50 unchanged), %d requests per run: flagged in the first run "
                + "after it in %d of %d trials (%.0f%%); of the %d misses, %d measured a change within the tolerance; "
                + "%d flags on other endpoints or non-latency figures%n", 16 * requestsPerWindow, detected, trials,
                100.0 * detected / trials, trials - detected, withinTolerance, otherFlags);
    }

    // Otava's patterns on one endpoint's series of 30 runs: what each method flags.
    private static void patterns() {
        int n = 30;
        Map<String, double[]> patterns = new LinkedHashMap<>();
        double[] step = new double[n];
        double[] drift = new double[n];
        double[] outlier = new double[n];
        double[] noisy = new double[n];
        Well19937c random = new Well19937c(5);
        for (int i = 0; i < n; i++) {
            step[i] = i >= 20 ? Math.log(1.2) : 0;
            drift[i] = Math.log(1 + 0.01 * i);
            outlier[i] = i == 15 ? Math.log(1.5) : 0;
            noisy[i] = 0.08 * random.nextGaussian();
        }
        patterns.put("step +20% at run 20", step);
        patterns.put("slow drift +1%/run", drift);
        patterns.put("single outlier +50% at run 15", outlier);
        patterns.put("noisy series (sd 8%)", noisy);
        TrendAnalysis analysis = new TrendAnalysis(TrendAnalysis.DEFAULT_TOLERANCE, TrendAnalysis.DEFAULT_ALPHA);
        int seed = 10;
        for (Map.Entry<String, double[]> pattern : patterns.entrySet()) {
            SyntheticRuns synthetic = new SyntheticRuns(seed++, 16, 800, 0.01, 0.02, 100);
            List<ArchiveEntry> runs = series(synthetic, n, 1, pattern.getValue());
            List<String> flaggedAt = new ArrayList<>();
            for (int latest = 5; latest < n; latest++) {
                TrendReport report = analysis.analyse(runs.subList(0, latest + 1), Optional.empty(),
                        BaselineSpec.AUTO, "bench");
                if (!report.regressions().isEmpty() || !report.improvements().isEmpty()) {
                    flaggedAt.add(latest + (report.regressions().isEmpty() ? "(improvement)" : ""));
                }
            }
            TrendReport whole = analysis.analyse(runs, Optional.empty(), BaselineSpec.AUTO, "bench");
            List<String> changePoints = whole.changePoints().stream()
                    .map(cp -> cp.metric().jsonName() + "@" + Integer.parseInt(cp.runId().substring(4))).toList();
            System.out.printf(Locale.ROOT, "%-30s latest-vs-baseline flags at runs %s; change points %s%n",
                    pattern.getKey(), flaggedAt, changePoints);
        }
    }

    // An archive of RUNS runs of ENDPOINTS endpoints, for timing './loadstream trend' on it.
    private static void archive(Path dir, int runs, int endpoints) throws Exception {
        Files.createDirectories(dir);
        Well19937c random = new Well19937c(9);
        long start = System.currentTimeMillis() - (runs + 1L) * WEEK_MS;
        for (int r = 0; r < runs; r++) {
            Map<String, Map<TrendMetric, Estimate>> figures = new LinkedHashMap<>();
            for (int e = 0; e < endpoints; e++) {
                Map<TrendMetric, Estimate> f = new EnumMap<>(TrendMetric.class);
                double scale = Math.exp(0.03 * random.nextGaussian());
                for (TrendMetric metric : TrendMetric.values()) {
                    double base = metric.isLatency() ? (20 + e) * (1 + metric.percentile() / 50) * scale
                            : metric == TrendMetric.RPS ? 50 * scale : 0.01 * scale;
                    f.put(metric, new Estimate(base, 0.03, base * 0.95, base * 1.05));
                }
                figures.put("GET /api/endpoint-" + e, f);
            }
            ArchiveEntry entry = new ArchiveEntry(ArchiveEntry.FORMAT_VERSION, "bench-weekly",
                    String.format(Locale.ROOT, "bench-%04d", r), start + r * WEEK_MS, start + r * WEEK_MS + 600_000,
                    "bench", 1, Map.of(), true, "", figures);
            ArchiveStore.write(dir, new ArchiveBundle(entry, Map.of(), "[]", "{}", Optional.empty()));
        }
        System.out.printf(Locale.ROOT, "wrote %d runs of %d endpoints to %s%n", runs, endpoints, dir);
    }
}
