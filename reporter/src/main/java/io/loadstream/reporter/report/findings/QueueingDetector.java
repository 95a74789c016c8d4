package io.loadstream.reporter.report.findings;

import io.loadstream.reporter.report.RunReport;
import io.loadstream.schemas.EventKeys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;

/**
 * Finds queueing past a capacity: latency that follows concurrency while throughput stays flat.
 *
 * <p>Method: the windows of {@value #MIN_WINDOW_REQUESTS}+ requests are grouped by their active VUs; each level
 * gets the median p50, p95 and rate of its windows (Commons Math {@link DescriptiveStatistics}). The baseline is
 * the lowest p95 of the three lowest levels (the very first window is often slower: connections, JIT). p95 "starts
 * to climb" at the first level where it is at least {@value #CLIMB_FACTOR} times the baseline and
 * {@value #MIN_CLIMB_MS} ms above it, and stays at least 1.5 times the baseline in 80% of the higher levels. It
 * is queueing when, from that level to the highest, VUs grew at least {@value #MIN_VU_GROWTH} times while the
 * rate grew at most {@value #PLATEAU_GROWTH} times: a throughput plateau. Little's law (rate × baseline median)
 * estimates how many requests are served at once. Needs at least {@value #MIN_LEVELS} VU levels: a ramp of a
 * closed model (constant or ramping VUs); under an arrival rate the VUs in use follow the latency, so it is not run.
 */
final class QueueingDetector {

    static final int MIN_LEVELS = 3;
    static final long MIN_WINDOW_REQUESTS = 5;
    static final double CLIMB_FACTOR = 2;
    static final double MIN_CLIMB_MS = 20;
    static final double MIN_VU_GROWTH = 1.5;
    static final double PLATEAU_GROWTH = 1.25;

    private QueueingDetector() {
    }

    static List<Finding> detect(FindingInput input) {
        if (input.openModel()) {
            // Under an arrival rate the VUs in use grow because requests slow down, not the other way round.
            return List.of();
        }
        Optional<Finding> all = find(input, EventKeys.ALL_ENDPOINTS);
        if (all.isPresent()) {
            return List.of(all.get());
        }
        List<Finding> findings = new ArrayList<>();
        for (String endpoint : input.endpoints()) {
            find(input, endpoint).ifPresent(findings::add);
        }
        return findings;
    }

    private record Level(int vus, double p50Ms, double p95Ms, double rps) {
    }

    private static Optional<Finding> find(FindingInput input, String endpoint) {
        TreeMap<Integer, List<LoadPoint>> byVus = new TreeMap<>();
        for (LoadPoint p : input.windows(endpoint)) {
            if (p.vus() > 0 && p.window().requests() >= MIN_WINDOW_REQUESTS && p.window().coveredS() > 0) {
                byVus.computeIfAbsent(p.vus(), v -> new ArrayList<>()).add(p);
            }
        }
        if (byVus.size() < MIN_LEVELS) {
            return Optional.empty();
        }
        List<Level> levels = new ArrayList<>();
        byVus.forEach((vus, points) -> levels.add(new Level(vus,
                median(points.stream().mapToDouble(p -> p.window().p50Ms()).toArray()),
                median(points.stream().mapToDouble(p -> p.window().p95Ms()).toArray()),
                median(points.stream().mapToDouble(p -> p.window().rps()).toArray()))));
        Level base = levels.subList(0, Math.min(3, levels.size())).stream()
                .min(java.util.Comparator.comparingDouble(Level::p95Ms)).orElseThrow();
        int climb = -1;
        for (int i = 1; i < levels.size(); i++) {
            Level level = levels.get(i);
            if (level.vus() > base.vus() && level.p95Ms() >= CLIMB_FACTOR * base.p95Ms()
                    && level.p95Ms() - base.p95Ms() >= MIN_CLIMB_MS && sustained(levels, i, base)) {
                climb = i;
                break;
            }
        }
        if (climb < 1) {
            return Optional.empty();
        }
        Level at = levels.get(climb);
        Level before = levels.get(climb - 1);
        Level top = levels.get(levels.size() - 1);
        List<Level> after = levels.subList(climb, levels.size());
        double plateauRps = median(after.stream().mapToDouble(Level::rps).toArray());
        double lowRps = after.stream().mapToDouble(Level::rps).min().orElse(0);
        double highRps = after.stream().mapToDouble(Level::rps).max().orElse(0);
        if (top.vus() < MIN_VU_GROWTH * at.vus() || top.rps() > PLATEAU_GROWTH * at.rps()) {
            return Optional.empty();
        }
        double peakP95 = after.stream().mapToDouble(Level::p95Ms).max().orElse(top.p95Ms());
        double inService = plateauRps * base.p50Ms() / 1000.0;
        String name = endpoint.equals(EventKeys.ALL_ENDPOINTS) ? "All endpoints together" : endpoint;
        String evidence = name + ": p95 stayed near " + Text.ms(base.p95Ms()) + " up to " + before.vus()
                + " VUs, started to climb at " + at.vus() + " VUs (" + Text.ms(at.p95Ms()) + ") and reached "
                + Text.ms(peakP95) + " at " + top.vus() + " VUs, while throughput stayed at about "
                + Text.number(Math.round(plateauRps)) + " req/s (" + Text.number(Math.round(lowRps)) + "–"
                + Text.number(Math.round(highRps)) + "): past " + before.vus() + " VUs requests queue for a capacity"
                + " of about " + Text.number(Math.round(plateauRps)) + " req/s; by Little's law about "
                + Text.number(Math.max(1, Math.round(inService))) + " requests are served at once.";
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("vus_before_climb", (double) before.vus());
        figures.put("vus_at_climb", (double) at.vus());
        figures.put("p95_before_ms", base.p95Ms());
        figures.put("p95_at_climb_ms", at.p95Ms());
        figures.put("p95_peak_ms", peakP95);
        figures.put("vus_peak", (double) top.vus());
        figures.put("plateau_rps", plateauRps);
        figures.put("served_at_once", inService);
        return Optional.of(new Finding(new RunReport.Bottleneck(FindingKind.QUEUEING.wireName(), endpoint, evidence,
                figures), "Look for what caps concurrency: a worker or connection pool, a lock, a single-threaded "
                + "stage; raise it, or add instances when the target's CPU is full."));
    }

    private static boolean sustained(List<Level> levels, int from, Level base) {
        int high = 0;
        for (int i = from; i < levels.size(); i++) {
            high += levels.get(i).p95Ms() >= 1.5 * base.p95Ms() ? 1 : 0;
        }
        return high >= 0.8 * (levels.size() - from);
    }

    private static double median(double[] values) {
        return new DescriptiveStatistics(values).getPercentile(50);
    }
}
