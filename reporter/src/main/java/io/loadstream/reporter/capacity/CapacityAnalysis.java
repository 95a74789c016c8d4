package io.loadstream.reporter.capacity;

import io.loadstream.events.LatencyStats;
import io.loadstream.events.ThresholdSpec;
import io.loadstream.reporter.run.RunData;
import io.loadstream.reporter.stats.Stats;
import io.loadstream.reporter.threshold.Aggregation;
import io.loadstream.reporter.threshold.Metric;
import io.loadstream.reporter.threshold.Scope;
import io.loadstream.reporter.threshold.ThresholdRule;
import io.loadstream.reporter.threshold.ThresholdRules;
import io.loadstream.reporter.threshold.ThresholdSyntaxException;
import io.loadstream.reporter.timeline.BoundedTimeline;
import io.loadstream.schemas.EventKeys;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.Random;
import org.apache.commons.math3.stat.descriptive.rank.Median;
import org.apache.commons.math3.stat.descriptive.moment.Variance;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

/**
 * The target's capacity from a run that steps its load: plateaus found in the all-endpoints timeline, the Universal
 * Scalability Law fitted to their concurrency and throughput ({@link UslFit}), a 95% bootstrap interval of the
 * peak, and the latency-SLO capacity read from each plateau's merged histogram. Declines, with a reason, when the
 * data cannot support a fit. How and why: docs/CAPACITY.md. Stateless.
 */
public final class CapacityAnalysis {

    /** Fewest plateaus for a fit: 3 parameters, and one more to check them. */
    public static final int MIN_PLATEAUS = 4;
    /** Plateaus failing more than this fraction of their requests are left out of the fit. */
    public static final double MAX_ERROR_RATE = 0.10;
    /** Windows of an open-model plateau keep their throughput within this fraction of the plateau's median. */
    public static final double LEVEL_TOLERANCE = 0.05;
    /** The goal's split: the fit on plateaus up to this share of the measured peak's concurrency. */
    public static final double VALIDATION_SHARE = 0.60;
    /** Bootstrap resamples for the interval of the peak. */
    public static final int RESAMPLES = 200;
    /** Below this R², the law does not describe the points and the estimate is declined. */
    public static final double MIN_R2 = 0.7;

    private CapacityAnalysis() {
    }

    /**
     * One window (timeline step) of all endpoints together.
     *
     * @param startMs   start, epoch ms
     * @param endMs     end, epoch ms
     * @param coveredMs length covered, milliseconds
     * @param requests  requests
     * @param errors    failed requests
     * @param meanMs    mean latency, milliseconds
     * @param vus       active VUs, -1 when unknown
     * @param stats     its statistics with the compressed histogram
     */
    public record Window(long startMs, long endMs, long coveredMs, long requests, long errors, double meanMs,
                         int vus, LatencyStats stats) {

        double rps() {
            return requests / (coveredMs / 1000.0);
        }
    }

    /**
     * The capacity of a run.
     *
     * @param data what the reporter read
     * @return the estimate, or a declined report with its reason
     */
    public static CapacityReport of(RunData data) {
        List<Window> windows = new ArrayList<>();
        for (BoundedTimeline.Step step : data.timelineSteps().steps(EventKeys.ALL_ENDPOINTS)) {
            windows.add(new Window(step.startMs(), step.endMs(), step.coveredMs(), step.stats().getCount(),
                    step.stats().getErrorCount(), step.stats().getMeanUs() / 1000.0,
                    data.activeVusBetween(step.startMs(), step.endMs()), step.stats()));
        }
        List<ThresholdRule> slo = new ArrayList<>();
        for (ThresholdSpec spec : data.thresholdSpecs()) {
            try {
                ThresholdRule rule = ThresholdRules.parse(spec);
                if (rule.metric() == Metric.HTTP_REQ_DURATION && rule.scope().equals(Scope.ALL)
                        && rule.aggregation().kind() == Aggregation.Kind.PERCENTILE && !rule.windowed()) {
                    slo.add(rule);
                }
            } catch (ThresholdSyntaxException e) {
                // The judge reports it with exit code 104; here it is simply not an SLO.
            }
        }
        return analyse(windows, slo);
    }

    /**
     * The capacity from windows of all endpoints together.
     *
     * @param windows  windows in time order
     * @param sloRules whole-run percentile thresholds of the latency over all endpoints
     * @return the estimate, or a declined report with its reason
     */
    public static CapacityReport analyse(List<Window> windows, List<ThresholdRule> sloRules) {
        List<List<Window>> groups = plateaus(windows);
        List<CapacityReport.Plateau> all = new ArrayList<>();
        List<List<Window>> usable = new ArrayList<>();
        for (List<Window> group : groups) {
            CapacityReport.Plateau p = plateau(group, sloRules);
            all.add(p);
            if (p.errorRate() <= MAX_ERROR_RATE && p.concurrency() > 0) {
                usable.add(group);
            }
        }
        all.sort(Comparator.comparingDouble(CapacityReport.Plateau::concurrency));
        if (groups.size() < MIN_PLATEAUS) {
            return CapacityReport.declined(String.format(Locale.ROOT, "The run held %d steady load level%s; a fit "
                    + "needs at least %d: step the load (ramping-vus or ramping-arrival-rate with hold stages).",
                    groups.size(), groups.size() == 1 ? "" : "s", MIN_PLATEAUS), all);
        }
        if (usable.size() < MIN_PLATEAUS) {
            return CapacityReport.declined(String.format(Locale.ROOT, "Errors dominate: %d of %d load levels "
                    + "failed more than %.0f%% of their requests, leaving too few to fit.",
                    groups.size() - usable.size(), groups.size(), MAX_ERROR_RATE * 100), all);
        }
        List<UslFit.Point> points = points(usable, null);
        points.sort(Comparator.comparingDouble(UslFit.Point::concurrency));
        UslFit.Point lowest = points.get(0);
        UslFit.Point highest = points.get(points.size() - 1);
        if (highest.rps() / highest.concurrency() >= 0.9 * lowest.rps() / lowest.concurrency()) {
            return CapacityReport.declined(String.format(Locale.ROOT, "No curvature: throughput still grows in "
                    + "proportion to concurrency at the highest level (%.1f req/s at %.1f in flight), so the run "
                    + "did not reach the target's limit; step the load higher.", highest.rps(),
                    highest.concurrency()), all);
        }
        UslFit.Model model = UslFit.fit(points).orElse(null);
        if (model == null) {
            return CapacityReport.declined("The least-squares fit of the USL did not converge on these "
                    + "load levels.", all);
        }
        if (!Double.isFinite(model.peakRps())) {
            return CapacityReport.declined("The fitted USL has no contention and no peak: the load levels do not "
                    + "show where throughput stops growing; step the load higher.", all);
        }
        if (model.r2() < MIN_R2) {
            return CapacityReport.declined(String.format(Locale.ROOT, "The USL does not describe these load levels "
                    + "(R² %.2f, below %.1f): the throughput is too noisy or changes for another reason.",
                    model.r2(), MIN_R2), all);
        }
        double[] interval = bootstrap(usable, model);
        double slo = Double.NaN;
        if (!sloRules.isEmpty()) {
            for (CapacityReport.Plateau p : all) {
                if (p.sloHeld() && (Double.isNaN(slo) || p.rps() > slo)) {
                    slo = p.rps();
                }
            }
        }
        return new CapacityReport(model, "", model.peakRps(), interval[0], interval[1], model.peakConcurrency(),
                model.kneeConcurrency(), slo, all, validation(usable));
    }

    /** Splits the windows into runs at one load level and keeps their steady part. */
    static List<List<Window>> plateaus(List<Window> windows) {
        boolean byVus = windows.stream().filter(w -> w.vus() >= 0).count() * 2 > windows.size()
                && steadyGroups(group(windows, true)).size() >= 2;
        return steadyGroups(group(windows, byVus));
    }

    private static List<List<Window>> group(List<Window> windows, boolean byVus) {
        List<List<Window>> groups = new ArrayList<>();
        List<Window> current = new ArrayList<>();
        for (Window w : windows) {
            if (w.requests() == 0) {
                continue;
            }
            if (!current.isEmpty() && !sameLevel(current, w, byVus)) {
                groups.add(current);
                current = new ArrayList<>();
            }
            current.add(w);
        }
        if (!current.isEmpty()) {
            groups.add(current);
        }
        return groups;
    }

    private static boolean sameLevel(List<Window> group, Window w, boolean byVus) {
        if (byVus) {
            return w.vus() == group.get(0).vus();
        }
        double median = new Median().evaluate(group.stream().mapToDouble(Window::rps).toArray());
        return Math.abs(w.rps() - median) <= LEVEL_TOLERANCE * median;
    }

    /** The first window of a level holds the step itself, the last may hold the next: the rest is steady. */
    private static List<List<Window>> steadyGroups(List<List<Window>> groups) {
        List<List<Window>> steady = new ArrayList<>();
        for (List<Window> g : groups) {
            List<Window> inner = g.size() >= 4 ? g.subList(1, g.size() - 1) : g.size() == 3 ? g.subList(1, 3)
                    : List.of();
            if (inner.size() >= 2) {
                steady.add(List.copyOf(inner));
            }
        }
        return steady;
    }

    private static CapacityReport.Plateau plateau(List<Window> group, List<ThresholdRule> sloRules) {
        double[] nx = littlesLaw(group);
        long requests = group.stream().mapToLong(Window::requests).sum();
        long errors = group.stream().mapToLong(Window::errors).sum();
        Stats merged = Stats.merge(group.stream().map(Window::stats).toList());
        boolean held = true;
        for (ThresholdRule rule : sloRules) {
            OptionalDouble observed = rule.observe(merged, 0);
            held &= observed.isEmpty() || rule.passes(observed.getAsDouble());
        }
        int vus = group.stream().mapToInt(Window::vus).max().orElse(-1);
        return new CapacityReport.Plateau(group.get(0).startMs(), group.get(group.size() - 1).endMs(), group.size(),
                vus, nx[0], nx[1], requests == 0 ? 0 : (double) errors / requests, merged.percentileMs(95),
                merged.percentileMs(99), held);
    }

    /** Concurrency N = X × R (Little's law) and throughput X of some windows: {N, X}. */
    private static double[] littlesLaw(List<Window> windows) {
        long requests = 0;
        long coveredMs = 0;
        double latencyMsSum = 0;
        for (Window w : windows) {
            requests += w.requests();
            coveredMs += w.coveredMs();
            latencyMsSum += w.meanMs() * w.requests();
        }
        double rps = requests / Math.max(1e-9, coveredMs / 1000.0);
        double meanS = requests == 0 ? 0 : latencyMsSum / requests / 1000.0;
        return new double[] {rps * meanS, rps};
    }

    private static List<UslFit.Point> points(List<List<Window>> groups, Random resample) {
        List<UslFit.Point> points = new ArrayList<>();
        for (List<Window> g : groups) {
            List<Window> sample = g;
            if (resample != null) {
                sample = new ArrayList<>();
                for (int i = 0; i < g.size(); i++) {
                    sample.add(g.get(resample.nextInt(g.size())));
                }
            }
            double[] nx = littlesLaw(sample);
            points.add(new UslFit.Point(nx[0], nx[1]));
        }
        return points;
    }

    /** 95% percentile interval of the peak over fits to plateaus rebuilt from windows drawn with replacement. */
    private static double[] bootstrap(List<List<Window>> groups, UslFit.Model model) {
        // A fixed seed: the same run gives the same report every time it is written.
        Random random = new Random(20_240_601L);
        List<Double> peaks = new ArrayList<>();
        for (int b = 0; b < RESAMPLES; b++) {
            UslFit.fit(points(groups, random)).map(UslFit.Model::peakRps).filter(Double::isFinite)
                    .ifPresent(peaks::add);
        }
        if (peaks.size() < RESAMPLES / 2) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double[] values = peaks.stream().mapToDouble(Double::doubleValue).toArray();
        Percentile percentile = new Percentile();
        return new double[] {Math.min(model.peakRps(), percentile.evaluate(values, 2.5)),
            Math.max(model.peakRps(), percentile.evaluate(values, 97.5))};
    }

    /** A plateau's point, with the standard error of its throughput from the spread of its windows'. */
    private record Level(UslFit.Point point, double rpsStandardError) {

        static Level of(List<Window> group) {
            double[] nx = littlesLaw(group);
            double[] rps = group.stream().mapToDouble(Window::rps).toArray();
            double se = rps.length < 2 ? 0 : Math.sqrt(new Variance().evaluate(rps) / rps.length);
            return new Level(new UslFit.Point(nx[0], nx[1]), se);
        }
    }

    /**
     * The goal's check: the law fitted on the plateaus up to {@value #VALIDATION_SHARE} of the measured peak's
     * concurrency, against the measured peak. Past a hard ceiling (a fixed pool of workers) throughput is flat and
     * which flat plateau reads highest is noise, so the peak's concurrency is the highest one whose plateau is
     * within two standard errors (of the difference) of the highest throughput; without a plateau past the peak
     * that is the highest plateau's own.
     */
    static CapacityReport.Validation validation(List<List<Window>> groups) {
        List<Level> levels = groups.stream().map(Level::of)
                .sorted(Comparator.comparingDouble(l -> l.point().concurrency())).toList();
        Level peak = levels.stream().max(Comparator.comparingDouble(l -> l.point().rps())).orElseThrow();
        double peakConcurrency = levels.stream()
                .filter(l -> peak.point().rps() - l.point().rps()
                        <= 2 * Math.hypot(peak.rpsStandardError(), l.rpsStandardError()))
                .mapToDouble(l -> l.point().concurrency()).max().orElseThrow();
        List<UslFit.Point> lower = levels.stream().map(Level::point)
                .filter(p -> p.concurrency() <= VALIDATION_SHARE * peakConcurrency).toList();
        if (lower.size() < 3) {
            return null;
        }
        double measured = peak.point().rps();
        return UslFit.fit(lower).filter(m -> Double.isFinite(m.peakRps()))
                .map(m -> new CapacityReport.Validation(lower.get(lower.size() - 1).concurrency(), lower.size(),
                        m.peakRps(), measured, (m.peakRps() - measured) / measured * 100, peakConcurrency))
                .orElse(null);
    }
}
