package io.loadstream.reporter.report;

import io.loadstream.events.Alert;
import io.loadstream.events.EndpointTotals;
import io.loadstream.events.RunControl;
import io.loadstream.events.SystemWindow;
import io.loadstream.reporter.capacity.CapacityAnalysis;
import io.loadstream.reporter.drift.DriftAnalysis;
import io.loadstream.reporter.drift.DriftReport;
import io.loadstream.reporter.run.RunData;
import io.loadstream.reporter.run.TimelinePoint;
import io.loadstream.reporter.stats.PhaseStats;
import io.loadstream.reporter.stats.Stats;
import io.loadstream.reporter.threshold.ThresholdOutcome;
import io.loadstream.reporter.timeline.TimelineResolution;
import io.loadstream.schemas.EventKeys;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Computes a {@link RunReport} from what the reporter read. Stateless. */
public final class ReportBuilder {

    private static final double MIB = 1024.0 * 1024.0;
    /** Most points of the per-second VU series: an hour at one a second; longer runs are thinned. */
    private static final int MAX_VU_POINTS = 3600;

    private ReportBuilder() {
    }

    /**
     * Builds the report, with the alert notifications that subscribers did not get.
     *
     * @param data             the run
     * @param thresholds       every verdict
     * @param alerts           every alert state change
     * @param warnings         sentences about gaps in the data
     * @param complete         whether the final totals and every window arrived
     * @param deliveryFailures what alert subscribers did not get
     * @return the report
     */
    public static RunReport build(RunData data, List<ThresholdOutcome> thresholds, List<Alert> alerts,
                                  List<String> warnings, boolean complete,
                                  List<io.loadstream.reporter.alert.DeliveryFailure> deliveryFailures) {
        RunReport r = build(data, thresholds, alerts, warnings, complete);
        return new RunReport(r.run(), r.summary(), r.endpoints(), r.thresholds(), r.slowEndpoints(),
                r.errorEndpoints(), r.bottlenecks(), r.timeline(), r.vus(), r.system(), r.alerts(), r.drift(),
                r.resolution(), r.capacity(), r.vusPerSecond(), r.scenarios(), r.checks(), r.generatorCpu(),
                deliveryFailures);
    }

    /**
     * Builds the report.
     *
     * @param data       what was read about the run
     * @param thresholds the verdict on every threshold
     * @param alerts     every alert state change
     * @param warnings   sentences about gaps in the data
     * @param complete   whether the final totals and every window arrived
     * @return the report
     */
    public static RunReport build(RunData data, List<ThresholdOutcome> thresholds, List<Alert> alerts,
                                  List<String> warnings, boolean complete) {
        RunControl started = data.firstStarted().orElse(null);
        long slowRequestMs = started == null ? 1000 : started.getSlowRequestMs();
        long slowEndpointP95Ms = started == null ? 500 : started.getSlowEndpointP95Ms();
        double durationS = durationSeconds(data);

        List<RunReport.EndpointRow> rows = new ArrayList<>();
        long lateEvents = 0;
        for (Map.Entry<String, EndpointTotals> entry : data.totals().entrySet()) {
            if (entry.getKey().equals(EventKeys.ALL_ENDPOINTS)) {
                lateEvents = entry.getValue().getLateEvents();
                continue;
            }
            Stats stats = data.totalsStats(entry.getKey());
            rows.add(row(entry.getKey(), stats, durationS, slowRequestMs,
                    RunReport.Phases.of(PhaseStats.of(entry.getValue().getStats(), stats))));
        }
        Stats all = data.totalsStats(EventKeys.ALL_ENDPOINTS);

        List<RunReport.SlowEndpoint> slow = new ArrayList<>();
        List<RunReport.ErrorEndpoint> errors = new ArrayList<>();
        for (RunReport.EndpointRow row : rows) {
            if (row.p95Ms() > slowEndpointP95Ms) {
                slow.add(new RunReport.SlowEndpoint(row.endpoint(), row.p95Ms(), slowEndpointP95Ms, row.requests()));
            }
            if (row.errors() > 0) {
                errors.add(new RunReport.ErrorEndpoint(row.endpoint(), row.errors(), row.requests(), row.errorRate(),
                        row.errorsByClass(), row.statusCounts()));
            }
        }
        slow.sort(Comparator.comparingDouble(RunReport.SlowEndpoint::p95Ms).reversed());
        errors.sort(Comparator.comparingLong(RunReport.ErrorEndpoint::errors).reversed());

        List<RunReport.SystemPoint> system = new ArrayList<>();
        for (SystemWindow w : data.systemWindows()) {
            system.add(new RunReport.SystemPoint(w.getHost(), w.getRole().name(), w.getWindowStartMs(),
                    w.getWindowEndMs(), w.getCpuMean(), w.getCpuMax(),
                    w.getMemoryUsedMaxBytes() < 0 ? -1 : w.getMemoryUsedMaxBytes() / MIB, w));
        }
        SystemReport.Headline cpu = SystemReport.headline(SystemReport.series(data.systemWindows()));

        List<TimelinePoint> timeline = new ArrayList<>(data.timeline());
        timeline.sort(Comparator.comparingLong(TimelinePoint::windowStartMs).thenComparing(TimelinePoint::endpoint));
        List<RunReport.VuPoint> vus = new ArrayList<>();
        for (TimelinePoint point : timeline) {
            if (point.endpoint().equals(EventKeys.ALL_ENDPOINTS)) {
                vus.add(new RunReport.VuPoint(point.windowStartMs(),
                        data.activeVusBetween(point.windowStartMs(), point.windowEndMs()), point.rps()));
            }
        }

        long eventsDropped = 0;
        long droppedIterations = 0;
        long timingsDropped = 0;
        long samplesDropped = 0;
        List<RunReport.KafkaOutage> outages = new ArrayList<>();
        for (RunControl heartbeat : lastCounts(data)) {
            eventsDropped += heartbeat.getEventsDropped();
            droppedIterations += heartbeat.getDroppedIterations();
            timingsDropped += heartbeat.getTimingsDropped();
            samplesDropped += heartbeat.getSamplesDropped();
            for (io.loadstream.events.KafkaOutage o : heartbeat.getKafkaOutages()) {
                outages.add(new RunReport.KafkaOutage(heartbeat.getSource(), o.getStartedMs(), o.getDurationMs(),
                        o.getEventsBuffered(), o.getEventsLost()));
            }
        }
        outages.sort(Comparator.comparingLong(RunReport.KafkaOutage::startedMs)
                .thenComparing(RunReport.KafkaOutage::generator));
        String abortReason = abortReason(data);
        RunReport.RunInfo info = new RunReport.RunInfo(data.runId(), started == null ? "" : started.getPlanName(),
                data.startMs(), data.endMs(), durationS, Math.max(data.started().size(), 0), complete, abortReason,
                List.copyOf(warnings), eventsDropped, droppedIterations, lateEvents, timingsDropped, samplesDropped,
                outages);

        long slowRequests = rows.stream().mapToLong(RunReport.EndpointRow::slowRequests).sum();
        RunReport.Summary draft = new RunReport.Summary(all.count(), all.errorCount(), all.errorRate(),
                durationS > 0 ? all.count() / durationS : 0, all.meanMs(), all.percentileMs(50),
                all.percentileMs(95), all.percentileMs(99), all.maxMs(),
                cpu.avgCpuPercent(), cpu.peakCpuPercent(), cpu.peakMemoryMb(), slow.size(), slowRequests,
                slowRequestMs, slowEndpointP95Ms, cpu.source(), List.of());
        Analysis.Findings findings = Analysis.analyse(data, info, draft, rows, slow, errors, timeline, system,
                thresholds);
        // Drift: significant growth after the warm-up is a finding with its figures.
        DriftReport drift = DriftAnalysis.of(data);
        List<RunReport.Bottleneck> bottlenecks = new ArrayList<>(findings.bottlenecks());
        List<String> recommendations = new ArrayList<>(findings.recommendations());
        for (DriftReport.DriftFinding f : drift.findings()) {
            bottlenecks.add(new RunReport.Bottleneck(f.kind(), f.endpoint().isEmpty() ? f.host() : f.endpoint(),
                    f.evidence()));
            recommendations.add(f.evidence());
        }
        RunReport.Summary summary = new RunReport.Summary(draft.totalRequests(), draft.totalErrors(),
                draft.errorRate(), draft.throughputRps(), draft.avgMs(), draft.p50Ms(), draft.p95Ms(), draft.p99Ms(),
                draft.maxMs(), draft.avgCpuPercent(), draft.peakCpuPercent(), draft.peakMemoryMb(),
                draft.slowEndpointCount(), draft.slowRequests(), slowRequestMs, slowEndpointP95Ms, draft.cpuSource(),
                List.copyOf(recommendations));
        List<RunReport.VuPoint> vusPerSecond = new ArrayList<>();
        long loadEndMs = data.endMs() > 0 ? data.endMs() : data.newestWindowEndMs();
        for (long[] point : data.activeVusPerSecond(data.startMs(), loadEndMs, MAX_VU_POINTS)) {
            vusPerSecond.add(new RunReport.VuPoint(point[0], (int) point[1], Double.NaN));
        }
        return new RunReport(info, summary, rows, thresholds, slow, errors, List.copyOf(bottlenecks), timeline, vus,
                system, List.copyOf(alerts), drift, TimelineResolution.of(data.timelineSteps()),
                CapacityAnalysis.of(data), vusPerSecond, Scenarios.of(data), Checks.of(data),
                GeneratorCpu.of(data));
    }

    /** FINISHED carries the final counts; sources that never finished count with their last heartbeat. */
    private static List<RunControl> lastCounts(RunData data) {
        Map<String, RunControl> bySource = new java.util.HashMap<>();
        for (RunControl heartbeat : data.lastHeartbeats()) {
            bySource.put(heartbeat.getSource(), heartbeat);
        }
        for (RunControl finished : data.finished()) {
            bySource.put(finished.getSource(), finished);
        }
        return List.copyOf(bySource.values());
    }

    private static String abortReason(RunData data) {
        if (!data.aborts().isEmpty()) {
            RunControl abort = data.aborts().get(0);
            return abort.getReason() == null ? "aborted by " + abort.getSource() : abort.getReason();
        }
        for (RunControl finished : data.finished()) {
            if (finished.getReason() != null && !finished.getReason().isBlank()) {
                return finished.getReason();
            }
        }
        return null;
    }

    /**
     * The run's length in seconds: latest FINISHED minus earliest STARTED, or the span of the requests when the
     * control records are missing.
     *
     * @param data what was read
     * @return seconds, 0 when unknown
     */
    public static double durationSeconds(RunData data) {
        if (data.startMs() > 0 && data.endMs() > data.startMs()) {
            return (data.endMs() - data.startMs()) / 1000.0;
        }
        EndpointTotals all = data.totals().get(EventKeys.ALL_ENDPOINTS);
        if (all != null && all.getLastEventMs() > all.getFirstEventMs()) {
            return (all.getLastEventMs() - all.getFirstEventMs()) / 1000.0;
        }
        return 0;
    }

    /** Requests per bucket of {@link RunReport.EndpointRow#DISTRIBUTION_BOUNDS_MS}, from the histogram. */
    private static List<Long> distribution(Stats stats) {
        List<Long> counts = new ArrayList<>();
        long below = 0;
        for (double bound : RunReport.EndpointRow.DISTRIBUTION_BOUNDS_MS) {
            long upTo = stats.countAtOrBelow(bound);
            counts.add(upTo - below);
            below = upTo;
        }
        counts.add(stats.histogramCount() - below);
        return counts;
    }

    private static RunReport.EndpointRow row(String endpoint, Stats stats, double durationS, long slowRequestMs,
                                             RunReport.Phases phases) {
        return new RunReport.EndpointRow(endpoint, stats.count(), stats.errorCount(), stats.errorRate(),
                stats.meanMs(), stats.minMs(), stats.maxMs(), stats.percentileMs(50), stats.percentileMs(90),
                stats.percentileMs(95), stats.percentileMs(99), stats.percentileMs(99.9),
                durationS > 0 ? stats.count() / durationS : 0, stats.countAbove(slowRequestMs),
                stats.errorsByClass(), stats.statusCounts(), stats.bytesSent(), stats.bytesReceived(),
                distribution(stats), phases);
    }
}
