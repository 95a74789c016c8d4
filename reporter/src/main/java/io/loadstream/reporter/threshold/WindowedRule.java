package io.loadstream.reporter.threshold;

import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The state of one windowed threshold, following Prometheus alerting-rule semantics: a breach makes the rule
 * {@link State#PENDING}; once it has breached at every evaluation for at least {@code for}, it is
 * {@link State#FIRING}; the first evaluation that passes (or has no data) resolves it.
 *
 * <p>Evaluation times are supplied by the caller (the end of the closed window being evaluated, epoch
 * milliseconds), so the rule is deterministic and a test moves time by passing later times. Not thread-safe.
 */
public final class WindowedRule {

    /** Where a rule is in its life cycle. */
    public enum State {
        /** Passing, or no data. */
        INACTIVE,
        /** Breaching, for less than {@code for}. */
        PENDING,
        /** Breaching for at least {@code for}: an alert is out. */
        FIRING
    }

    /**
     * A change that becomes an alert.
     *
     * @param rule        the rule
     * @param firing      true when it started firing, false when it resolved
     * @param observed    the value compared at this evaluation (NaN when resolved for lack of data)
     * @param atMs        evaluation time of the change, epoch milliseconds
     * @param startsAtMs  when it started firing, epoch milliseconds (equals {@code atMs} when firing)
     */
    public record Transition(ThresholdRule rule, boolean firing, double observed, long atMs, long startsAtMs) {
    }

    private final ThresholdRule rule;
    private State state = State.INACTIVE;
    private long pendingSinceMs;
    private long firingSinceMs;
    private boolean everFired;
    private long firstFiredAtMs;
    private double firstFiringObserved = Double.NaN;
    private double worstObserved = Double.NaN;
    private long evaluations;

    /**
     * Starts a rule in {@link State#INACTIVE}.
     *
     * @param rule the rule
     */
    public WindowedRule(ThresholdRule rule) {
        this.rule = rule;
    }

    /**
     * Evaluates the rule once.
     *
     * @param evaluationTimeMs the time of this evaluation (end of the closed window), epoch milliseconds; not before
     *                         the previous one
     * @param observed         the value computed over the rule's window, or empty when it had no data
     * @return the change to announce, if the rule started firing or resolved
     */
    public Optional<Transition> evaluate(long evaluationTimeMs, OptionalDouble observed) {
        evaluations++;
        boolean breaching = observed.isPresent() && !rule.passes(observed.getAsDouble());
        if (breaching) {
            double value = observed.getAsDouble();
            worstObserved = Double.isNaN(worstObserved) ? value : worse(worstObserved, value);
        }
        switch (state) {
            case INACTIVE -> {
                if (breaching) {
                    state = State.PENDING;
                    pendingSinceMs = evaluationTimeMs;
                    return maybeFire(evaluationTimeMs, observed.getAsDouble());
                }
                return Optional.empty();
            }
            case PENDING -> {
                if (breaching) {
                    return maybeFire(evaluationTimeMs, observed.getAsDouble());
                }
                state = State.INACTIVE;
                return Optional.empty();
            }
            case FIRING -> {
                if (breaching) {
                    return Optional.empty();
                }
                state = State.INACTIVE;
                return Optional.of(new Transition(rule, false, observed.orElse(Double.NaN), evaluationTimeMs,
                        firingSinceMs));
            }
            default -> throw new IllegalStateException("Unknown state " + state);
        }
    }

    private Optional<Transition> maybeFire(long evaluationTimeMs, double value) {
        if (evaluationTimeMs - pendingSinceMs < rule.forDuration().toMillis()) {
            return Optional.empty();
        }
        state = State.FIRING;
        firingSinceMs = evaluationTimeMs;
        if (!everFired) {
            firstFiringObserved = value;
            firstFiredAtMs = evaluationTimeMs;
        }
        everFired = true;
        return Optional.of(new Transition(rule, true, value, evaluationTimeMs, evaluationTimeMs));
    }

    /** The further from passing of two breaching values, given the operator. */
    private double worse(double a, double b) {
        return switch (rule.operator()) {
            case LT, LE -> Math.max(a, b);
            case GT, GE -> Math.min(a, b);
            case EQ, NE -> a;
        };
    }

    /** The rule. */
    public ThresholdRule rule() {
        return rule;
    }

    /** The current state. */
    public State state() {
        return state;
    }

    /** Whether the rule fired at least once: a windowed threshold that fired has failed the run. */
    public boolean everFired() {
        return everFired;
    }

    /** The value at the first firing; NaN when it never fired. */
    public double firstFiringObserved() {
        return firstFiringObserved;
    }

    /** When it first fired, epoch milliseconds; 0 when it never fired. */
    public long firstFiredAtMs() {
        return firstFiredAtMs;
    }

    /** The value furthest from passing over every breaching evaluation; NaN when it never breached. */
    public double worstObserved() {
        return worstObserved;
    }

    /** When it has been firing since, epoch milliseconds; meaningful only while {@link State#FIRING}. */
    public long firingSinceMs() {
        return firingSinceMs;
    }

    /** How many times the rule was evaluated. */
    public long evaluations() {
        return evaluations;
    }
}
