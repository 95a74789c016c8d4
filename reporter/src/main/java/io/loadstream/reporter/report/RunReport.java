package io.loadstream.reporter.report;

import io.loadstream.events.Alert;
import io.loadstream.reporter.capacity.CapacityReport;
import io.loadstream.reporter.drift.DriftReport;
import io.loadstream.reporter.run.TimelinePoint;
import io.loadstream.reporter.timeline.TimelineResolution;
import io.loadstream.reporter.threshold.ThresholdOutcome;
import java.util.List;
import java.util.Map;

/**
 * Everything a report shows about one run, computed once from merged histograms and counts; the JSON, HTML and
 * console renderings all read this. Times are milliseconds, rates fractions 0..1. NaN means "unknown" (e.g. no
 * CPU data) and is written as {@code null}.
 *
 * @param run             identity and timing
 * @param summary         whole-run figures
 * @param endpoints       per endpoint, sorted by name
 * @param thresholds      every threshold's verdict, in plan order
 * @param slowEndpoints   endpoints whose p95 exceeds {@code slow_endpoint_p95_ms}, slowest first
 * @param errorEndpoints  endpoints with failed requests, most failures first
 * @param bottlenecks     findings, each with its evidence
 * @param timeline        per window and endpoint ({@code *} included), by start then endpoint; windows merged
 *                        into coarser steps in a long run (see {@code resolution})
 * @param vus             active VUs per window start (of the {@code *} windows)
 * @param system          per host and window
 * @param alerts          every alert state change, in order
 * @param drift           slopes of latency, memory and CPU after the warm-up
 * @param resolution      the step of {@code timeline} and the recent windows at full resolution
 * @param capacity        the USL capacity estimate of a stepped run, or why there is none
 * @param vusPerSecond    active VUs per second from the heartbeats (rps NaN), thinned for long runs
 * @param scenarios       the load and each scenario's iterations, requests and errors
 * @param checks          each endpoint's check and its passed and failed responses
 * @param generatorCpu    each generator's own threads' CPU, apart from the rest of its process
 * @param deliveryFailures alert notifications that subscribers did not get, in order ({@code alert_delivery})
 */
public record RunReport(RunInfo run, Summary summary, List<EndpointRow> endpoints, List<ThresholdOutcome> thresholds,
                        List<SlowEndpoint> slowEndpoints, List<ErrorEndpoint> errorEndpoints,
                        List<Bottleneck> bottlenecks, List<TimelinePoint> timeline, List<VuPoint> vus,
                        List<SystemPoint> system, List<Alert> alerts, DriftReport drift,
                        TimelineResolution resolution, CapacityReport capacity, List<VuPoint> vusPerSecond,
                        Scenarios scenarios, Checks checks, GeneratorCpu generatorCpu,
                        List<io.loadstream.reporter.alert.DeliveryFailure> deliveryFailures) {

    /** Copies the list. */
    public RunReport {
        deliveryFailures = List.copyOf(deliveryFailures);
    }

    /** A report whose alerts reached every subscriber (or that had none). */
    public RunReport(RunInfo run, Summary summary, List<EndpointRow> endpoints, List<ThresholdOutcome> thresholds,
                     List<SlowEndpoint> slowEndpoints, List<ErrorEndpoint> errorEndpoints,
                     List<Bottleneck> bottlenecks, List<TimelinePoint> timeline, List<VuPoint> vus,
                     List<SystemPoint> system, List<Alert> alerts, DriftReport drift,
                     TimelineResolution resolution, CapacityReport capacity, List<VuPoint> vusPerSecond,
                     Scenarios scenarios, Checks checks, GeneratorCpu generatorCpu) {
        this(run, summary, endpoints, thresholds, slowEndpoints, errorEndpoints, bottlenecks, timeline, vus, system,
                alerts, drift, resolution, capacity, vusPerSecond, scenarios, checks, generatorCpu, List.of());
    }

    /** Notifications that subscribers did not get, summed over {@link #deliveryFailures}. */
    public long deliveryFailureCount() {
        return deliveryFailures.stream().mapToLong(io.loadstream.reporter.alert.DeliveryFailure::notifications)
                .sum();
    }

    /**
     * Identity and timing of the run.
     *
     * @param id            run id
     * @param plan          plan name
     * @param startedAtMs   earliest STARTED, epoch ms
     * @param endedAtMs     latest FINISHED, epoch ms
     * @param durationS     ended minus started, seconds
     * @param generators    generator processes that joined
     * @param complete      whether the final totals and every window arrived
     * @param abortReason   why the run was aborted; null when it was not
     * @param warnings      sentences about gaps in the data (missing totals, bad records, ...)
     * @param eventsDropped events the generators could not publish
     * @param droppedIterations iterations an arrival-rate executor could not start
     * @param lateEvents    events counted in totals but in no window
     * @param timingsDropped request timings among {@code eventsDropped}
     * @param samplesDropped system samples among {@code eventsDropped}; the rest are control records (or of a kind
     *                       a generator older than the breakdown did not say)
     * @param kafkaOutages  the broker outages the generators rode out, in time order
     */
    public record RunInfo(String id, String plan, long startedAtMs, long endedAtMs, double durationS, int generators,
                          boolean complete, String abortReason, List<String> warnings, long eventsDropped,
                          long droppedIterations, long lateEvents, long timingsDropped, long samplesDropped,
                          List<KafkaOutage> kafkaOutages) {
        /** Copies the list. */
        public RunInfo {
            kafkaOutages = List.copyOf(kafkaOutages);
        }
    }

    /**
     * A stretch of time in which the broker acknowledged none of a generator's events while some were waiting.
     *
     * @param generator      the generator's id
     * @param startedMs      when it began, epoch ms
     * @param durationMs     how long it lasted, in milliseconds
     * @param eventsBuffered events the generator held (memory, then its journal on disk) and sent afterwards
     * @param eventsLost     events lost during it, past the generator's outage bounds
     */
    public record KafkaOutage(String generator, long startedMs, long durationMs, long eventsBuffered,
                              long eventsLost) {
    }

    /**
     * Whole-run figures.
     *
     * @param totalRequests     requests sent
     * @param totalErrors       failed requests
     * @param errorRate         failed fraction
     * @param throughputRps     requests per second over the run
     * @param avgMs             mean latency
     * @param p50Ms             median latency
     * @param p95Ms             95th percentile
     * @param p99Ms             99th percentile
     * @param maxMs             largest latency
     * @param avgCpuPercent     mean CPU of {@code cpuSource} ({@link SystemReport#headline}), NaN unknown
     * @param peakCpuPercent    highest CPU of that source, NaN unknown
     * @param peakMemoryMb      highest memory of that source, MiB, NaN unknown
     * @param slowEndpointCount endpoints listed as slow
     * @param slowRequests      requests slower than {@code slow_request_ms}
     * @param slowRequestMs     the bound for slow requests
     * @param slowEndpointP95Ms the bound for slow endpoints
     * @param cpuSource         whose CPU and memory these are: "target process", "target host", "generator
     *                          process" or "none"
     * @param recommendations   what to do, each citing evidence
     */
    public record Summary(long totalRequests, long totalErrors, double errorRate, double throughputRps, double avgMs,
                          double p50Ms, double p95Ms, double p99Ms, double maxMs, double avgCpuPercent,
                          double peakCpuPercent, double peakMemoryMb, int slowEndpointCount, long slowRequests,
                          long slowRequestMs, long slowEndpointP95Ms, String cpuSource,
                          List<String> recommendations) {
    }

    /**
     * One endpoint over the run.
     *
     * @param endpoint      name
     * @param requests      requests
     * @param errors        failed requests
     * @param errorRate     failed fraction
     * @param avgMs         mean latency
     * @param minMs         smallest latency
     * @param maxMs         largest latency
     * @param p50Ms         median
     * @param p90Ms         90th percentile
     * @param p95Ms         95th percentile
     * @param p99Ms         99th percentile
     * @param p999Ms        99.9th percentile
     * @param rps           requests per second over the run
     * @param slowRequests  requests slower than {@code slow_request_ms}
     * @param errorsByClass failures per error class
     * @param statusCounts  requests per status code
     * @param bytesSent     request bytes sent, headers and body
     * @param bytesReceived response bytes received, headers and body
     * @param distribution  requests per latency bucket: entry i counts latencies in
     *                      ({@link #DISTRIBUTION_BOUNDS_MS}[i-1], {@link #DISTRIBUTION_BOUNDS_MS}[i]] ms, the last
     *                      entry those above the last bound
     * @param phases        time to first byte and service time
     */
    public record EndpointRow(String endpoint, long requests, long errors, double errorRate, double avgMs,
                              double minMs, double maxMs, double p50Ms, double p90Ms, double p95Ms, double p99Ms,
                              double p999Ms, double rps, long slowRequests, Map<String, Long> errorsByClass,
                              Map<String, Long> statusCounts, long bytesSent, long bytesReceived,
                              List<Long> distribution, Phases phases) {

        /** Upper bounds of the latency distribution's buckets, milliseconds (Gatling-like, 1-2-5 steps). */
        public static final List<Double> DISTRIBUTION_BOUNDS_MS = List.of(1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0,
                200.0, 500.0, 1_000.0, 2_000.0, 5_000.0, 10_000.0);

        /** Copies the list. */
        public EndpointRow {
            distribution = List.copyOf(distribution);
        }
    }

    /**
     * Time to first byte and service time of one endpoint over the run, as
     * {@link io.loadstream.reporter.stats.PhaseStats} defines them: percentiles in milliseconds from the merged
     * histograms, NaN when unknown; counts -1 when the aggregator did not keep the histogram.
     *
     * @param ttfbRequests        requests that received a response's headers (the TTFB percentiles are over these)
     * @param ttfbP50Ms           median time to first byte
     * @param ttfbP95Ms           95th percentile of the time to first byte
     * @param ttfbP99Ms           99th percentile of the time to first byte
     * @param serviceTimeRequests requests with a service time (all of them)
     * @param serviceTimeP50Ms    median service time
     * @param serviceTimeP95Ms    95th percentile of the service time
     * @param serviceTimeP99Ms    99th percentile of the service time
     */
    public record Phases(long ttfbRequests, double ttfbP50Ms, double ttfbP95Ms, double ttfbP99Ms,
                         long serviceTimeRequests, double serviceTimeP50Ms, double serviceTimeP95Ms,
                         double serviceTimeP99Ms) {

        /** No figures. */
        public static final Phases NONE = of(io.loadstream.reporter.stats.PhaseStats.NONE);

        /**
         * Reads the figures.
         *
         * @param stats the endpoint's phase histograms
         * @return the percentiles 50, 95 and 99 of each phase
         */
        public static Phases of(io.loadstream.reporter.stats.PhaseStats stats) {
            return new Phases(stats.timeToFirstByteCount(), stats.timeToFirstBytePercentileMs(50),
                    stats.timeToFirstBytePercentileMs(95), stats.timeToFirstBytePercentileMs(99),
                    stats.serviceTimeCount(), stats.serviceTimePercentileMs(50), stats.serviceTimePercentileMs(95),
                    stats.serviceTimePercentileMs(99));
        }
    }

    /**
     * A slow endpoint.
     *
     * @param endpoint    name
     * @param p95Ms       its p95
     * @param thresholdMs the {@code slow_endpoint_p95_ms} it exceeds
     * @param requests    its requests
     */
    public record SlowEndpoint(String endpoint, double p95Ms, long thresholdMs, long requests) {
    }

    /**
     * An endpoint with failures.
     *
     * @param endpoint      name
     * @param errors        failed requests
     * @param requests      requests
     * @param errorRate     failed fraction
     * @param errorsByClass failures per error class
     * @param statusCounts  requests per status code
     */
    public record ErrorEndpoint(String endpoint, long errors, long requests, double errorRate,
                                Map<String, Long> errorsByClass, Map<String, Long> statusCounts) {
    }

    /**
     * A finding, with the evidence from the run.
     *
     * @param kind     one of {@link io.loadstream.reporter.report.findings.FindingKind}'s wire names, e.g.
     *                 {@code queueing}
     * @param endpoint the endpoint concerned, {@code *} when all are hit, or empty when none is (a host)
     * @param evidence one or two sentences citing the run's figures
     * @param figures  the figures the evidence quotes, by name (units in the names: {@code _ms}, {@code _s},
     *                 {@code _rps}, {@code _percent}; rates and shares as fractions), in the order written
     */
    public record Bottleneck(String kind, String endpoint, String evidence, Map<String, Double> figures) {

        /**
         * Copies the figures.
         */
        public Bottleneck {
            figures = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(figures));
        }

        /**
         * A finding whose figures are only in its sentence; prefer the canonical constructor.
         *
         * @param kind     see above
         * @param endpoint see above
         * @param evidence see above
         */
        public Bottleneck(String kind, String endpoint, String evidence) {
            this(kind, endpoint, evidence, Map.of());
        }
    }

    /**
     * Active VUs in a window.
     *
     * @param windowStartMs window start, epoch ms
     * @param vus           VUs summed over generators (-1 when no heartbeat)
     * @param rps           requests per second in the window (all endpoints)
     */
    public record VuPoint(long windowStartMs, int vus, double rps) {
    }

    /**
     * One host in one window.
     *
     * @param host          host name
     * @param role          GENERATOR, TARGET, ...
     * @param windowStartMs window start, epoch ms
     * @param windowEndMs   window end, epoch ms
     * @param cpuMean       mean CPU percent (-1 unknown)
     * @param cpuMax        highest CPU percent (-1 unknown)
     * @param memoryUsedMb  highest memory in use, MiB (-1 unknown)
     * @param window        the window with every figure and its per-second samples ({@link SystemReport})
     */
    public record SystemPoint(String host, String role, long windowStartMs, long windowEndMs, double cpuMean,
                              double cpuMax, double memoryUsedMb, io.loadstream.events.SystemWindow window) {
    }

    /** Whether every threshold passed. */
    public boolean thresholdsPassed() {
        return thresholds.stream().allMatch(ThresholdOutcome::passed);
    }
}
