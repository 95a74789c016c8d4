package io.loadstream.reporter.capacity;

import java.util.List;

/**
 * The capacity of the target from a stepped run, or the reason there is none. Rates are requests per second,
 * concurrency is requests in flight (Little's law). NaN means "not known" and is written as {@code null}.
 *
 * @param model          the fitted law, or null when declined
 * @param reason         why there is no estimate; empty when there is one
 * @param maxRps         the peak throughput of the fitted law
 * @param maxRpsLow      lower end of its 95% bootstrap interval
 * @param maxRpsHigh     upper end of its 95% bootstrap interval
 * @param atConcurrency  the concurrency of the peak; infinite when the law has no peak (κ = 0)
 * @param kneeConcurrency the knee: where ideal scaling reaches the peak
 * @param sloCapacityRps the highest plateau throughput at which every p95/p99 threshold of the plan held; NaN when
 *                       the plan has none or none held
 * @param plateaus       the plateaus measured, by concurrency
 * @param validation     the fit on the plateaus up to 60% of the measured peak's concurrency, or null when too few
 */
public record CapacityReport(UslFit.Model model, String reason, double maxRps, double maxRpsLow, double maxRpsHigh,
                             double atConcurrency, double kneeConcurrency, double sloCapacityRps,
                             List<Plateau> plateaus, Validation validation) {

    /** Copies the list. */
    public CapacityReport {
        plateaus = List.copyOf(plateaus);
    }

    /**
     * No estimate.
     *
     * @param reason   one sentence: why
     * @param plateaus the plateaus found, possibly none
     * @return the declined report
     */
    public static CapacityReport declined(String reason, List<Plateau> plateaus) {
        return new CapacityReport(null, reason, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, plateaus, null);
    }

    /** Whether there is an estimate. */
    public boolean estimated() {
        return model != null;
    }

    /**
     * The steady part of one load level.
     *
     * @param startMs     start of its first steady window, epoch ms
     * @param endMs       end of its last steady window, epoch ms
     * @param windows     steady windows (timeline steps)
     * @param vus         active VUs (-1 when unknown)
     * @param concurrency requests in flight, throughput × mean latency
     * @param rps         successful requests per second
     * @param errorRate   failed fraction
     * @param p95Ms       p95 from the merged histogram of its windows
     * @param p99Ms       p99 from the merged histogram of its windows
     * @param sloHeld     whether every p95/p99 threshold of the plan held on it (true when there is none)
     */
    public record Plateau(long startMs, long endMs, int windows, int vus, double concurrency, double rps,
                          double errorRate, double p95Ms, double p99Ms, boolean sloHeld) {
    }

    /**
     * The check of the goal: the law fitted only on the lower plateaus predicts the measured peak.
     *
     * @param upToConcurrency   the highest concurrency of the plateaus used
     * @param plateausUsed      how many plateaus were used
     * @param predictedPeakRps  the peak throughput of that fit
     * @param measuredPeakRps   the highest plateau throughput measured
     * @param errorPercent      (predicted − measured) / measured × 100
     * @param peakConcurrency   the measured peak's concurrency: the highest concurrency whose plateau's throughput
     *                          is within two standard errors of the highest (past a hard ceiling throughput is flat)
     */
    public record Validation(double upToConcurrency, int plateausUsed, double predictedPeakRps,
                             double measuredPeakRps, double errorPercent, double peakConcurrency) {
    }
}
