package io.loadstream.reporter.metrics;

import io.loadstream.events.EndpointWindow;
import io.loadstream.events.RunControl;
import io.loadstream.events.SystemWindow;
import io.loadstream.reporter.intake.RunEvent;
import io.loadstream.reporter.stats.Stats;
import io.loadstream.schemas.EventKeys;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The runs a reporter follows, as Prometheus metrics, from the closed windows as they arrive (a scrape sees each
 * window's requests once it has closed, so a counter lags the load by one window and its grace).
 *
 * <ul>
 *   <li>{@code loadstream_requests_total{run_id, plan, endpoint, status_class}}: requests by status class
 *       ({@code 2xx} ... {@code 5xx}, {@code none} for those that got no HTTP status: connect errors, timeouts);
 *       </li>
 *   <li>{@code loadstream_request_errors_total{run_id, plan, endpoint, error_class}};</li>
 *   <li>{@code loadstream_request_duration_seconds{run_id, plan, endpoint}}: a classic histogram with the
 *       {@link #BUCKETS_MS} buckets, filled from each window's HdrHistogram (see docs/MONITORING.md for why);</li>
 *   <li>{@code loadstream_system_cpu_ratio}, {@code loadstream_system_memory_used_bytes} and
 *       {@code loadstream_process_heap_used_bytes} {@code {run_id, host, role}}: the mean of the latest system
 *       window;</li>
 *   <li>loadstream's health: {@code loadstream_events_dropped{run_id, segment}} (timings a generator could not
 *       publish, cumulative), {@code loadstream_late_events{run_id}} (requests that arrived after their window
 *       closed, from the {@code *} totals), {@code loadstream_windows_total{run_id}} (closed windows read).</li>
 * </ul>
 *
 * <p>Cardinality is bounded: endpoints are the plan's templated names, the {@code *} windows are not exported
 * (sum over {@code endpoint} instead), and the series of a run are removed {@code retainAfterEnd} after the run
 * ended. Thread-safe: the reporter writes, the HTTP server's threads collect.
 */
public final class RunMetrics implements MultiCollector, RunObserver {

    /** Upper bounds of the latency buckets, in milliseconds (exported in seconds). */
    public static final List<Long> BUCKETS_MS = List.of(5L, 10L, 25L, 50L, 100L, 250L, 500L, 1_000L, 2_500L,
            5_000L, 10_000L, 30_000L);

    /** The name of every metric family served (counters without their {@code _total}). */
    public static final List<String> METRIC_NAMES = List.of("loadstream_requests", "loadstream_request_errors",
            "loadstream_request_duration_seconds", "loadstream_system_cpu_ratio",
            "loadstream_system_memory_used_bytes", "loadstream_process_heap_used_bytes", "loadstream_events_dropped",
            "loadstream_late_events", "loadstream_windows");

    private final Clock clock;
    private final long retainAfterEndMs;
    private final Map<List<String>, Double> requests = new HashMap<>();
    private final Map<List<String>, Double> errors = new HashMap<>();
    private final Map<List<String>, Latency> latencies = new HashMap<>();
    private final Map<List<String>, SystemWindow> system = new HashMap<>();
    private final Map<List<String>, Long> eventsDropped = new HashMap<>();
    private final Map<String, Long> lateEvents = new HashMap<>();
    private final Map<String, Long> windows = new HashMap<>();
    private final Map<String, String> plans = new HashMap<>();
    private final Map<String, Long> endedAtMs = new HashMap<>();

    /** Cumulative bucket counts, count and sum of one endpoint's latencies. */
    private static final class Latency {
        private final long[] cumulative = new long[BUCKETS_MS.size() + 1];
        private double sumSeconds;
    }

    /**
     * Creates empty metrics.
     *
     * @param clock          decides when an ended run's series go
     * @param retainAfterEnd how long the series of an ended run stay (so that the last scrape sees its end)
     */
    public RunMetrics(Clock clock, Duration retainAfterEnd) {
        this.clock = clock;
        this.retainAfterEndMs = retainAfterEnd.toMillis();
    }

    @Override
    public synchronized void onEvent(RunEvent event) {
        if (event instanceof RunEvent.Control control) {
            onControl(control.control());
        } else if (event instanceof RunEvent.Window window) {
            onWindow(window.window(), window.stats());
        } else if (event instanceof RunEvent.Totals totals
                && totals.totals().getEndpoint().equals(EventKeys.ALL_ENDPOINTS)) {
            lateEvents.put(totals.totals().getRunId(), totals.totals().getLateEvents());
        } else if (event instanceof RunEvent.HostWindow host) {
            SystemWindow w = host.window();
            system.put(List.of(w.getRunId(), w.getHost(), w.getRole().name().toLowerCase(Locale.ROOT)), w);
        }
    }

    private void onControl(RunControl control) {
        if (!control.getPlanName().isEmpty()) {
            plans.putIfAbsent(control.getRunId(), control.getPlanName());
        }
        eventsDropped.merge(List.of(control.getRunId(), Integer.toString(control.getSegmentIndex())),
                control.getEventsDropped(), Math::max);
    }

    private void onWindow(EndpointWindow window, Stats stats) {
        String runId = window.getRunId();
        windows.merge(runId, 1L, Long::sum);
        if (window.getEndpoint().equals(EventKeys.ALL_ENDPOINTS)) {
            return;
        }
        String plan = plans.getOrDefault(runId, "");
        String endpoint = window.getEndpoint();
        long withStatus = 0;
        for (Map.Entry<String, Long> status : stats.statusCounts().entrySet()) {
            withStatus += status.getValue();
            requests.merge(List.of(runId, plan, endpoint, statusClass(status.getKey())),
                    (double) status.getValue(), Double::sum);
        }
        if (stats.count() > withStatus) {
            requests.merge(List.of(runId, plan, endpoint, "none"), (double) (stats.count() - withStatus),
                    Double::sum);
        }
        stats.errorsByClass().forEach((errorClass, count) -> errors.merge(List.of(runId, plan, endpoint,
                errorClass.toLowerCase(Locale.ROOT)), (double) count, Double::sum));
        Latency latency = latencies.computeIfAbsent(List.of(runId, plan, endpoint), k -> new Latency());
        long recorded = stats.histogramCount();
        for (int i = 0; i < BUCKETS_MS.size(); i++) {
            latency.cumulative[i] += recorded - stats.countAbove(BUCKETS_MS.get(i));
        }
        latency.cumulative[BUCKETS_MS.size()] += recorded;
        latency.sumSeconds += stats.meanMs() * stats.count() / 1000.0;
    }

    /** {@code 2xx} for {@code 200}; a status that is not three digits is its own class. */
    static String statusClass(String status) {
        return status.length() == 3 && Character.isDigit(status.charAt(0)) ? status.charAt(0) + "xx" : status;
    }

    @Override
    public synchronized void runEnded(String runId) {
        endedAtMs.put(runId, clock.millis());
    }

    /** Removes the series of the runs that ended more than the retention ago. */
    private void prune() {
        long now = clock.millis();
        endedAtMs.entrySet().removeIf(ended -> {
            if (now - ended.getValue() < retainAfterEndMs) {
                return false;
            }
            String runId = ended.getKey();
            for (Map<List<String>, ?> series : List.of(requests, errors, latencies, system, eventsDropped)) {
                series.keySet().removeIf(key -> key.get(0).equals(runId));
            }
            lateEvents.remove(runId);
            windows.remove(runId);
            plans.remove(runId);
            return true;
        });
    }

    @Override
    public synchronized MetricSnapshots collect() {
        prune();
        return MetricSnapshots.of(
                counter("loadstream_requests", "Requests whose window has closed, by status class.", requests,
                        "run_id", "plan", "endpoint", "status_class"),
                counter("loadstream_request_errors", "Failed requests whose window has closed, by error class.",
                        errors, "run_id", "plan", "endpoint", "error_class"),
                latencyHistogram(),
                gauge("loadstream_system_cpu_ratio", "Host CPU in use, 0 to 1: mean of the latest system window.",
                        system, w -> w.getCpuMean() / 100.0, Unit.RATIO),
                gauge("loadstream_system_memory_used_bytes", "Host memory in use: mean of the latest system window.",
                        system, w -> (double) w.getMemoryUsedMeanBytes(), Unit.BYTES),
                gauge("loadstream_process_heap_used_bytes", "JVM heap in use: mean of the latest system window.",
                        system, w -> (double) w.getHeapUsedMeanBytes(), Unit.BYTES),
                dropped(),
                runGauge("loadstream_late_events", "Requests counted after their window had closed (in the totals,"
                        + " not in any window).", lateEvents),
                runCounter());
    }

    private static CounterSnapshot counter(String name, String help, Map<List<String>, Double> values,
                                           String... labelNames) {
        CounterSnapshot.Builder builder = CounterSnapshot.builder().name(name).help(help);
        values.forEach((key, value) -> builder.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                .labels(Labels.of(List.of(labelNames), key)).value(value).build()));
        return builder.build();
    }

    private HistogramSnapshot latencyHistogram() {
        HistogramSnapshot.Builder builder = HistogramSnapshot.builder().name("loadstream_request_duration_seconds")
                .help("Latency of the requests whose window has closed (intended start to end of response).")
                .unit(Unit.SECONDS);
        double[] bounds = new double[BUCKETS_MS.size() + 1];
        for (int i = 0; i < BUCKETS_MS.size(); i++) {
            bounds[i] = BUCKETS_MS.get(i) / 1000.0;
        }
        bounds[BUCKETS_MS.size()] = Double.POSITIVE_INFINITY;
        latencies.forEach((key, latency) -> builder.dataPoint(
                HistogramSnapshot.HistogramDataPointSnapshot.builder()
                        .labels(Labels.of(List.of("run_id", "plan", "endpoint"), key))
                        .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, nonCumulative(latency)))
                        .sum(latency.sumSeconds)
                        .build()));
        return builder.build();
    }

    /** The model takes each bucket's own count; we keep them cumulative. */
    private static long[] nonCumulative(Latency latency) {
        long[] counts = new long[latency.cumulative.length];
        long previous = 0;
        for (int i = 0; i < counts.length; i++) {
            counts[i] = latency.cumulative[i] - previous;
            previous = latency.cumulative[i];
        }
        return counts;
    }

    private static GaugeSnapshot gauge(String name, String help, Map<List<String>, SystemWindow> windows,
                                       java.util.function.ToDoubleFunction<SystemWindow> value, Unit unit) {
        GaugeSnapshot.Builder builder = GaugeSnapshot.builder().name(name).help(help).unit(unit);
        windows.forEach((key, window) -> builder.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                .labels(Labels.of(List.of("run_id", "host", "role"), key)).value(value.applyAsDouble(window))
                .build()));
        return builder.build();
    }

    private GaugeSnapshot dropped() {
        GaugeSnapshot.Builder builder = GaugeSnapshot.builder().name("loadstream_events_dropped")
                .help("Timings a generator segment could not publish, so far (it counts them; the report shows them).");
        eventsDropped.forEach((key, value) -> builder.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                .labels(Labels.of(List.of("run_id", "segment"), key)).value(value).build()));
        return builder.build();
    }

    private static GaugeSnapshot runGauge(String name, String help, Map<String, Long> values) {
        GaugeSnapshot.Builder builder = GaugeSnapshot.builder().name(name).help(help);
        values.forEach((runId, value) -> builder.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                .labels(Labels.of("run_id", runId)).value(value).build()));
        return builder.build();
    }

    private CounterSnapshot runCounter() {
        CounterSnapshot.Builder builder = CounterSnapshot.builder().name("loadstream_windows")
                .help("Closed windows read, every endpoint and * included.");
        windows.forEach((runId, value) -> builder.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                .labels(Labels.of("run_id", runId)).value(value).build()));
        return builder.build();
    }
}
