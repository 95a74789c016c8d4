package io.loadstream.reporter;

import io.loadstream.events.RunControl;
import io.loadstream.events.ThresholdSpec;
import io.loadstream.reporter.alert.AlertFanOut;
import io.loadstream.reporter.alert.Alerts;
import io.loadstream.reporter.drift.DriftAnalysis;
import io.loadstream.reporter.drift.DriftReport;
import io.loadstream.reporter.publish.AbortPublisher;
import io.loadstream.reporter.report.ReportBuilder;
import io.loadstream.reporter.run.RunData;
import io.loadstream.reporter.threshold.Aggregation;
import io.loadstream.reporter.threshold.Scope;
import io.loadstream.reporter.threshold.ThresholdEngine;
import io.loadstream.reporter.threshold.ThresholdOutcome;
import io.loadstream.reporter.threshold.ThresholdRule;
import io.loadstream.reporter.threshold.ThresholdRules;
import io.loadstream.reporter.threshold.ThresholdSyntaxException;
import io.loadstream.schemas.EventKeys;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Judges the run's thresholds while it goes on and at its end: it starts the {@link ThresholdEngine} when the run
 * has started, evaluates each closed period once the windows of all its endpoints are likely in, sends the alert
 * changes to the {@link AlertFanOut} and an abort to the {@link AbortPublisher}, and gives the final verdicts.
 *
 * <p>A period is evaluated when a later {@code *} window has arrived, when {@code settle} has passed on the clock
 * since its own {@code *} window arrived, or when the run is over. Not thread-safe.
 */
final class ThresholdJudge {

    private static final Logger LOG = LoggerFactory.getLogger(ThresholdJudge.class);

    /** The window size assumed when STARTED does not give one, in milliseconds (the aggregator's default). */
    private static final long DEFAULT_WINDOW_MS = 10_000;

    private final RunData data;
    private final Optional<List<ThresholdSpec>> thresholds;
    private final Clock clock;
    private final long settleMs;
    private final AlertFanOut alerts;
    private final AbortPublisher abort;
    private final Consumer<String> console;
    private final Consumer<String> warnings;
    /** End of each closed period waiting to be evaluated, epoch ms, to when its {@code *} window arrived. */
    private final TreeMap<Long, Long> pendingWindowEnds = new TreeMap<>();
    private ThresholdEngine engine;

    /**
     * Creates the judge; nothing is judged before the run has started.
     *
     * @param config   the reporter's settings: thresholds, clock, settle time, console
     * @param data     what is read about the run
     * @param alerts   where alert changes go
     * @param abort    sends the ABORT when an {@code abort_on_fail} threshold fails
     * @param warnings receives sentences for the report
     */
    ThresholdJudge(ReporterConfig config, RunData data, AlertFanOut alerts, AbortPublisher abort,
                   Consumer<String> warnings) {
        this.data = data;
        this.thresholds = config.thresholds();
        this.clock = config.clock();
        this.settleMs = config.settle().toMillis();
        this.console = config.console();
        this.alerts = alerts;
        this.abort = abort;
        this.warnings = warnings;
    }

    /**
     * Notes that the {@code *} window of a period arrived; the period is evaluated later.
     *
     * @param windowEndMs end of the period, epoch milliseconds
     */
    void windowClosed(long windowEndMs) {
        pendingWindowEnds.putIfAbsent(windowEndMs, clock.millis());
    }

    /**
     * Starts the engine once STARTED has arrived (its thresholds and window size are then known); does nothing
     * before, or after the first time.
     *
     * @throws ReporterException with exit code {@link ReporterResult#INVALID_CONFIG} when a threshold is invalid
     */
    void startWhenRunStarted() {
        if (engine == null && data.hasStarted()) {
            start();
        }
    }

    /**
     * Evaluates the closed periods that are surely complete.
     *
     * @param runOver whether the run is over (every pending period is then complete)
     * @throws InterruptedException when interrupted while sending an ABORT
     */
    void evaluate(boolean runOver) throws InterruptedException {
        if (engine == null) {
            return;
        }
        long now = clock.millis();
        while (!pendingWindowEnds.isEmpty()) {
            Map.Entry<Long, Long> first = pendingWindowEnds.firstEntry();
            // A later period's * window says this one is over, but only once its endpoint windows are read too:
            // they come on other partitions, and a period judged without them fired nothing in a replay.
            boolean later = pendingWindowEnds.size() > 1 && data.periodComplete(first.getKey());
            boolean settled = now - first.getValue() >= settleMs;
            if (!later && !settled && !runOver) {
                return;
            }
            pendingWindowEnds.pollFirstEntry();
            for (ThresholdEngine.Action action : engine.onWindowClosed(first.getKey(), data)) {
                if (action instanceof ThresholdEngine.AlertChange change) {
                    alerts.emit(Alerts.of(data.runId(), planName(), change.transition()));
                } else if (action instanceof ThresholdEngine.Abort stop) {
                    abort.send(planName(), stop.reason(), now);
                    console.accept("ABORT sent: " + stop.reason());
                }
            }
        }
    }

    /**
     * The verdict on every threshold, on the final totals; a failed whole-run threshold sends a firing alert.
     *
     * @return one outcome per threshold, in plan order
     * @throws ReporterException with exit code {@link ReporterResult#INVALID_CONFIG} when a threshold is invalid
     */
    List<ThresholdOutcome> finish() {
        if (engine == null) {
            start();
        }
        DriftReport drift = DriftAnalysis.of(data);
        List<ThresholdOutcome> outcomes = engine.finish(data::totalsOf, ReportBuilder.durationSeconds(data),
                (scope, kind) -> drift.worstSlope(endpointsOf(scope), kind == Aggregation.Kind.DRIFT_P99));
        long end = data.endMs() > 0 ? data.endMs() : clock.millis();
        for (ThresholdOutcome outcome : outcomes) {
            if (Double.isNaN(outcome.observed())) {
                warnings.accept("The threshold " + outcome.rule().name() + " had no data (no request in "
                        + outcome.rule().scope().text() + "), so it passed.");
            }
            if (!outcome.passed() && !outcome.rule().windowed()) {
                alerts.emit(Alerts.ofFailedRun(data.runId(), planName(), outcome, end));
            }
        }
        return outcomes;
    }

    private void start() {
        List<ThresholdSpec> specs = thresholds.orElse(data.thresholdSpecs());
        List<ThresholdRule> rules = new ArrayList<>();
        long longestWindowMs = 0;
        for (ThresholdSpec spec : specs) {
            try {
                ThresholdRule rule = ThresholdRules.parse(spec);
                rules.add(rule);
                longestWindowMs = Math.max(longestWindowMs, rule.window().toMillis());
            } catch (ThresholdSyntaxException e) {
                throw new ReporterException("The threshold '" + spec.getExpression() + "' of " + spec.getMetric()
                        + " is invalid: " + e.getMessage(), ReporterResult.INVALID_CONFIG, e);
            }
        }
        long windowSizeMs = data.firstStarted().map(RunControl::getWindowSizeMs).orElse(DEFAULT_WINDOW_MS);
        // Keep raw windows for the longest look-back, and two windows more for those still arriving.
        data.retainAtLeast(longestWindowMs + 2 * windowSizeMs);
        engine = new ThresholdEngine(rules, data.startMs());
        LOG.info("Run {} started: {} thresholds, {} segments", data.runId(), rules.size(), data.segmentCount());
    }

    private List<String> endpointsOf(Scope scope) {
        return switch (scope.kind()) {
            case ALL -> List.of(EventKeys.ALL_ENDPOINTS);
            case ENDPOINT -> List.of(scope.value());
            case SCENARIO -> List.copyOf(data.scenarios().getOrDefault(scope.value(), java.util.Set.of()));
        };
    }

    private String planName() {
        return data.firstStarted().map(RunControl::getPlanName).orElse("");
    }
}
