package io.loadstream.reporter.threshold;

import io.loadstream.reporter.stats.Stats;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Evaluates a run's thresholds: windowed ones on every closed window over their sliding window, whole-run ones with
 * {@code abort_on_fail} on the data so far (as k6 does), and every whole-run one on the final totals.
 *
 * <p>Not thread-safe: the reporter calls it from its one processing thread.
 */
public final class ThresholdEngine {

    /** What the evaluation of one closed window asks the reporter to do. */
    public sealed interface Action permits AlertChange, Abort {
    }

    /**
     * A windowed threshold started firing or resolved.
     *
     * @param transition the change
     */
    public record AlertChange(WindowedRule.Transition transition) implements Action {
    }

    /**
     * A threshold with {@code abort_on_fail} failed after its {@code delay_abort_eval}: abort the run.
     *
     * @param rule     the threshold
     * @param observed the value that failed it
     * @param atMs     evaluation time, epoch milliseconds
     */
    public record Abort(ThresholdRule rule, double observed, long atMs) implements Action {

        /** The reason sent with the ABORT, naming the threshold. */
        public String reason() {
            return "threshold " + rule.name() + " failed (observed " + ThresholdRule.formatNumber(round(observed))
                    + ")";
        }
    }

    private final List<ThresholdRule> rules;
    private final List<WindowedRule> windowed = new ArrayList<>();
    private final long runStartMs;
    private boolean abortRequested;

    /**
     * Creates the engine for one run.
     *
     * @param rules      every threshold of the plan
     * @param runStartMs when the run started (the earliest STARTED), epoch milliseconds; {@code delay_abort_eval}
     *                   counts from here
     */
    public ThresholdEngine(List<ThresholdRule> rules, long runStartMs) {
        this.rules = List.copyOf(rules);
        this.runStartMs = runStartMs;
        for (ThresholdRule rule : this.rules) {
            if (rule.windowed()) {
                windowed.add(new WindowedRule(rule));
            }
        }
    }

    /** The rules, in plan order. */
    public List<ThresholdRule> rules() {
        return rules;
    }

    /** The state of every windowed rule, in plan order. */
    public List<WindowedRule> windowedRules() {
        return List.copyOf(windowed);
    }

    /** Whether an abort has been asked for already (it is asked for once per run). */
    public boolean abortRequested() {
        return abortRequested;
    }

    /**
     * Evaluates after a window closed. A windowed rate per second ({@code http_reqs rate}) divides by the part of the
     * rule's window that the run covered ({@link ScopeData#coveredMs}), and is not judged at all (the rule keeps its
     * state) when the run covered less than half of that window: the first and last windows of a run are aligned to
     * the clock and may hold a fraction of a second of load.
     *
     * @param windowEndMs end of the closed window, epoch milliseconds; the evaluation time
     * @param data        the closed windows so far
     * @return alert changes, and at most one abort per run, in that order
     */
    public List<Action> onWindowClosed(long windowEndMs, ScopeData data) {
        List<Action> actions = new ArrayList<>();
        boolean abortAllowed = !abortRequested;
        for (WindowedRule state : windowed) {
            ThresholdRule rule = state.rule();
            long from = windowEndMs - rule.window().toMillis();
            long coveredMs = data.coveredMs(from, windowEndMs);
            if (rule.perSecond() && coveredMs * 2 < rule.window().toMillis()) {
                // Too little of the rule's window lies inside the run to judge a rate per second: not judged.
                continue;
            }
            Stats stats = data.between(rule.scope(), from, windowEndMs);
            OptionalDouble observed = rule.observe(stats, coveredMs / 1000.0);
            Optional<WindowedRule.Transition> change = state.evaluate(windowEndMs, observed);
            change.ifPresent(t -> actions.add(new AlertChange(t)));
            if (abortAllowed && rule.abortOnFail() && state.state() == WindowedRule.State.FIRING
                    && mayAbort(rule, windowEndMs)) {
                actions.add(new Abort(rule, observed.orElse(Double.NaN), windowEndMs));
                abortAllowed = false;
            }
        }
        for (ThresholdRule rule : rules) {
            if (!abortAllowed) {
                break;
            }
            if (rule.windowed() || !rule.abortOnFail() || !mayAbort(rule, windowEndMs)) {
                continue;
            }
            Stats soFar = data.between(rule.scope(), Long.MIN_VALUE, windowEndMs);
            OptionalDouble observed = rule.observe(soFar, data.coveredMs(runStartMs, windowEndMs) / 1000.0);
            if (observed.isPresent() && !rule.passes(observed.getAsDouble())) {
                actions.add(new Abort(rule, observed.getAsDouble(), windowEndMs));
                abortAllowed = false;
            }
        }
        if (!abortAllowed) {
            abortRequested = true;
        }
        return actions;
    }

    private boolean mayAbort(ThresholdRule rule, long atMs) {
        return atMs - runStartMs >= rule.delayAbortEval().toMillis();
    }

    /**
     * The verdict on every threshold, once the final totals are in.
     *
     * @param totals          final statistics of a scope over the whole run
     * @param durationSeconds length of the run in seconds (for {@code http_reqs rate})
     * @return one outcome per rule, in plan order
     */
    public List<ThresholdOutcome> finish(Function<Scope, Stats> totals, double durationSeconds) {
        return finish(totals, durationSeconds, (scope, kind) -> OptionalDouble.empty());
    }

    /**
     * The verdict on every threshold, once the final totals are in, with the drift slopes for drift thresholds.
     *
     * @param totals          final statistics of a scope over the whole run
     * @param durationSeconds length of the run in seconds (for {@code http_reqs rate})
     * @param drift           the slope of a scope for a drift aggregation, milliseconds per hour; empty when the
     *                        run had too few windows after its warm-up (the threshold then passes, with a warning)
     * @return one outcome per rule, in plan order
     */
    public List<ThresholdOutcome> finish(Function<Scope, Stats> totals, double durationSeconds,
                                         BiFunction<Scope, Aggregation.Kind, OptionalDouble> drift) {
        List<ThresholdOutcome> outcomes = new ArrayList<>();
        int next = 0;
        for (ThresholdRule rule : rules) {
            OptionalDouble whole = rule.aggregation().drift() ? drift.apply(rule.scope(), rule.aggregation().kind())
                    : rule.observe(totals.apply(rule.scope()), durationSeconds);
            if (rule.windowed()) {
                WindowedRule state = windowed.get(next++);
                boolean fired = state.everFired();
                double observed = fired ? state.worstObserved() : whole.orElse(Double.NaN);
                outcomes.add(new ThresholdOutcome(rule, !fired, observed, fired ? firstFiring(state) : 0,
                        state.evaluations()));
            } else {
                boolean passed = whole.isEmpty() || rule.passes(whole.getAsDouble());
                outcomes.add(new ThresholdOutcome(rule, passed, whole.orElse(Double.NaN), 0, 1));
            }
        }
        return outcomes;
    }

    private static long firstFiring(WindowedRule state) {
        return state.firstFiredAtMs();
    }

    /** Rounds to 4 significant decimals for messages. */
    static double round(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return value;
        }
        return new java.math.BigDecimal(value).round(new java.math.MathContext(6)).doubleValue();
    }
}
