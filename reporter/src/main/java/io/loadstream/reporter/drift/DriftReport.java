package io.loadstream.reporter.drift;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * How the run's latency and its hosts' memory and CPU moved over time after the warm-up: robust slopes with 95%
 * confidence intervals ({@link TheilSen}). Immutable.
 *
 * @param warmupMs  the start of the run left out, milliseconds (see {@link DriftAnalysis#warmupMs})
 * @param endpoints per endpoint ({@code *} included), sorted by name
 * @param hosts     per host, sorted by name
 * @param findings  the drifts worth a line in the findings, largest first
 */
public record DriftReport(long warmupMs, Map<String, EndpointDrift> endpoints, Map<String, HostDrift> hosts,
                          List<DriftFinding> findings) {

    /** No drift analysed: no window after the warm-up. */
    public static final DriftReport NONE = new DriftReport(0, Map.of(), Map.of(), List.of());

    /** Copies the collections. */
    public DriftReport {
        endpoints = Map.copyOf(endpoints);
        hosts = Map.copyOf(hosts);
        findings = List.copyOf(findings);
    }

    /**
     * The steepest p95 (or p99) slope among some endpoints, for a drift threshold on a scope.
     *
     * @param names endpoint names ({@code *} for all endpoints together)
     * @param p99   whether the p99 slope is wanted, else the p95 one
     * @return the largest slope in milliseconds per hour; empty when none of them has an estimate
     */
    public OptionalDouble worstSlope(Collection<String> names, boolean p99) {
        OptionalDouble worst = OptionalDouble.empty();
        for (String name : names) {
            EndpointDrift drift = endpoints.get(name);
            TheilSen.Slope slope = drift == null ? null : p99 ? drift.p99() : drift.p95();
            if (slope != null && (worst.isEmpty() || slope.slope() > worst.getAsDouble())) {
                worst = OptionalDouble.of(slope.slope());
            }
        }
        return worst;
    }

    /**
     * One endpoint's latency drift.
     *
     * @param p95     slope of the windows' p95 in milliseconds per hour; null when too few windows
     * @param p99     slope of the windows' p99 in milliseconds per hour; null when too few windows
     * @param windows windows (timeline steps) the slopes were estimated from
     */
    public record EndpointDrift(TheilSen.Slope p95, TheilSen.Slope p99, int windows) {

        /** Whether the p95 or the p99 slope is significant (its interval excludes zero). */
        public boolean significant() {
            return p95 != null && p95.significant() || p99 != null && p99.significant();
        }
    }

    /**
     * One host's drift.
     *
     * @param role    the host's role as the sampler gave it (GENERATOR, TARGET, ...)
     * @param memory  slope of the memory in use in MiB per hour; null when unknown or too few windows
     * @param cpu     slope of the mean CPU in percentage points per hour; null when unknown or too few windows
     * @param windows windows the slopes were estimated from
     */
    public record HostDrift(String role, TheilSen.Slope memory, TheilSen.Slope cpu, int windows) {

        /** Whether the memory slope is significant (its interval excludes zero). */
        public boolean significant() {
            return memory != null && memory.significant();
        }
    }

    /**
     * A drift worth a finding: kind {@code drift}, the endpoint or the host it is about, a sentence, and its figures.
     *
     * @param kind     always {@code drift}
     * @param endpoint the endpoint, or empty for a host
     * @param host     the host, or empty for an endpoint
     * @param metric   {@code p95_ms}, {@code p99_ms} or {@code memory_mb}
     * @param slope    the slope, per hour, in the metric's unit
     * @param low      lower end of its 95% interval
     * @param high     upper end of its 95% interval
     * @param evidence one sentence with the figures
     */
    public record DriftFinding(String kind, String endpoint, String host, String metric, double slope, double low,
                               double high, String evidence) {
    }
}
