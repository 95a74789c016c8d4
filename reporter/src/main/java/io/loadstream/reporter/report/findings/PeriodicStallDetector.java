package io.loadstream.reporter.report.findings;

import io.loadstream.reporter.report.RunReport;
import io.loadstream.reporter.stats.Stats;
import io.loadstream.schemas.EventKeys;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.random.RandomDataGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;

/**
 * Finds a periodic stall: the latency of (nearly) every endpoint jumps at the same moments, at a regular interval,
 * while the median stays low.
 *
 * <p>Method: a window is a <em>spike</em> when its largest latency is at least {@value #SPIKE_FACTOR} times the run's
 * median, at least {@value #MIN_SPIKE_MS} ms above it, and at least half the 90th percentile of the windows' largest
 * latencies (so that smaller hiccups between the pauses are not spikes). Consecutive spike windows form one episode. A
 * stall is reported when there are at least {@value #MIN_EPISODES} episodes, at least {@value #MIN_QUIET_SHARE} of the
 * windows are quiet, and the intervals between episode starts are regular: their coefficient of variation (standard
 * deviation over mean, Commons Math {@link DescriptiveStatistics}) is at most {@value #MAX_INTERVAL_CV} (random
 * spikes, a Poisson process, have about 1), and more regular than chance: the same number of spike windows placed at
 * random among the run's windows ({@value #NULL_DRAWS} draws, seeded, Commons Math {@link RandomDataGenerator}) gives
 * at least {@value #MIN_EPISODES} episodes with intervals as regular (a coefficient of variation at most the run's) in
 * at most {@value #MAX_P_VALUE} of the draws. Without that test, a window spiking at random one time in four passed the
 * coefficient bound in about 10% of 40-window runs. The pause is the median of the episodes' largest latencies. When
 * {@value #ALL_ENDPOINTS_SHARE} of the endpoints spike in at least two thirds of the episodes, the finding is for
 * {@code *}. Windows must be shorter than about half the period to see it (the plan's {@code report.window}).
 */
final class PeriodicStallDetector {

    static final double SPIKE_FACTOR = 10;
    static final double MIN_SPIKE_MS = 100;
    static final int MIN_EPISODES = 4;
    static final double MIN_QUIET_SHARE = 0.3;
    static final double MAX_INTERVAL_CV = 0.35;
    static final double ALL_ENDPOINTS_SHARE = 0.8;
    static final int NULL_DRAWS = 2_000;
    static final double MAX_P_VALUE = 0.01;

    private PeriodicStallDetector() {
    }

    static List<Finding> detect(FindingInput input) {
        Stats all = input.total(EventKeys.ALL_ENDPOINTS);
        List<LoadPoint> windows = input.windows(EventKeys.ALL_ENDPOINTS).stream()
                .filter(p -> p.window().requests() > 0).toList();
        if (all.count() == 0 || windows.size() < 2 * MIN_EPISODES) {
            return List.of();
        }
        double medianMs = all.percentileMs(50);
        // Half the 90th percentile of the windows' maxima too, so that a busy machine's smaller hiccups between the
        // pauses do not count as spikes.
        double tallMs = new DescriptiveStatistics(windows.stream().mapToDouble(p -> p.window().maxMs()).toArray())
                .getPercentile(90);
        double boundMs = Math.max(Math.max(medianMs * SPIKE_FACTOR, medianMs + MIN_SPIKE_MS), tallMs / 2);
        List<List<LoadPoint>> episodes = new ArrayList<>();
        long quiet = 0;
        long lastSpikeEndMs = Long.MIN_VALUE;
        for (LoadPoint point : windows) {
            if (point.window().maxMs() < boundMs) {
                quiet++;
                lastSpikeEndMs = Long.MIN_VALUE;
                continue;
            }
            if (point.window().windowStartMs() == lastSpikeEndMs) {
                episodes.get(episodes.size() - 1).add(point);
            } else {
                episodes.add(new ArrayList<>(List.of(point)));
            }
            lastSpikeEndMs = point.window().windowEndMs();
        }
        if (episodes.size() < MIN_EPISODES || quiet < MIN_QUIET_SHARE * windows.size()) {
            return List.of();
        }
        DescriptiveStatistics intervals = new DescriptiveStatistics();
        DescriptiveStatistics pauses = new DescriptiveStatistics();
        for (int i = 0; i < episodes.size(); i++) {
            pauses.addValue(episodes.get(i).stream().mapToDouble(p -> p.window().maxMs()).max().orElse(0));
            if (i > 0) {
                intervals.addValue((episodes.get(i).get(0).window().windowStartMs()
                        - episodes.get(i - 1).get(0).window().windowStartMs()) / 1000.0);
            }
        }
        double periodS = intervals.getMean();
        double periodSdS = intervals.getStandardDeviation();
        if (!(periodS > 0) || periodSdS / periodS > MAX_INTERVAL_CV) {
            return List.of();
        }
        long spikeWindows = windows.size() - quiet;
        double pValue = chanceOfRegularity(windows.size(), (int) spikeWindows, periodSdS / periodS);
        if (pValue > MAX_P_VALUE) {
            return List.of();
        }
        double pauseMs = pauses.getPercentile(50);

        List<String> affected = new ArrayList<>();
        int considered = 0;
        for (String endpoint : input.endpoints()) {
            Map<Long, LoadPoint> byStart = new HashMap<>();
            input.windows(endpoint).forEach(p -> byStart.put(p.window().windowStartMs(), p));
            int present = 0;
            int spiking = 0;
            for (List<LoadPoint> episode : episodes) {
                double most = -1;
                // The episode's windows and the one after: a later step of an iteration meets the pause later.
                List<Long> starts = new ArrayList<>();
                episode.forEach(p -> starts.add(p.window().windowStartMs()));
                LoadPoint last = episode.get(episode.size() - 1);
                starts.add(last.window().windowEndMs());
                for (long start : starts) {
                    LoadPoint own = byStart.get(start);
                    if (own != null && own.window().requests() > 0) {
                        most = Math.max(most, own.window().maxMs());
                    }
                }
                if (most >= 0) {
                    present++;
                    spiking += most >= boundMs ? 1 : 0;
                }
            }
            if (present > 0) {
                considered++;
                if (spiking * 3 >= episodes.size() * 2) {
                    affected.add(endpoint);
                }
            }
        }
        boolean everyone = considered == 0 || affected.size() >= ALL_ENDPOINTS_SHARE * considered;
        List<String> targets = everyone ? List.of(EventKeys.ALL_ENDPOINTS) : affected;
        List<Finding> findings = new ArrayList<>();
        for (String endpoint : targets) {
            String who = everyone ? "the latency of " + (considered <= 1 ? "the endpoint" : "all "
                    + considered + " endpoints") : "the latency of " + endpoint;
            String evidence = "Every " + Text.number(round1(periodS)) + " s (± " + Text.number(round1(periodSdS))
                    + " s, " + episodes.size() + " times) " + who + " jumped to about " + Text.ms(pauseMs)
                    + (everyone && considered > 1 ? " at the same moments" : "") + ", while the run's median stayed at "
                    + Text.ms(medianMs) + ": " + (everyone ? "the whole server pauses" : "it pauses") + " for about "
                    + Text.ms(pauseMs) + " at a regular interval.";
            Map<String, Double> figures = new LinkedHashMap<>();
            figures.put("period_s", periodS);
            figures.put("period_sd_s", periodSdS);
            figures.put("episodes", (double) episodes.size());
            figures.put("pause_ms", pauseMs);
            figures.put("p_value", pValue);
            figures.put("p50_ms", medianMs);
            figures.put("endpoints_affected", (double) (everyone ? Math.max(considered, affected.size())
                    : affected.size()));
            findings.add(new Finding(new RunReport.Bottleneck(FindingKind.PERIODIC_STALL.wireName(), endpoint,
                    evidence, figures), "Look for stop-the-world GC pauses (the GC log), a lock held by a periodic "
                    + "task, or a scheduled job (cache refresh, flush) on that interval."));
        }
        return findings;
    }

    /**
     * The share of random placements of {@code spikes} spike windows among {@code windowCount} that make at least
     * {@value #MIN_EPISODES} episodes whose intervals have a coefficient of variation of at most {@code cv}, counting
     * the run itself: (1 + hits) / (1 + draws).
     */
    static double chanceOfRegularity(int windowCount, int spikes, double cv) {
        RandomDataGenerator random = new RandomDataGenerator(new Well19937c(windowCount * 31L + spikes));
        int hits = 0;
        boolean[] spiking = new boolean[windowCount];
        for (int draw = 0; draw < NULL_DRAWS; draw++) {
            Arrays.fill(spiking, false);
            for (int index : random.nextPermutation(windowCount, spikes)) {
                spiking[index] = true;
            }
            DescriptiveStatistics intervals = new DescriptiveStatistics();
            int episodes = 0;
            int lastStart = -1;
            for (int w = 0; w < windowCount; w++) {
                if (spiking[w] && (w == 0 || !spiking[w - 1])) {
                    episodes++;
                    if (lastStart >= 0) {
                        intervals.addValue(w - lastStart);
                    }
                    lastStart = w;
                }
            }
            if (episodes >= MIN_EPISODES && intervals.getStandardDeviation() / intervals.getMean() <= cv + 1e-9) {
                hits++;
            }
        }
        return (1.0 + hits) / (1.0 + NULL_DRAWS);
    }

    private static double round1(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
