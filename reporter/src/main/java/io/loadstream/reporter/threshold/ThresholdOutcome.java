package io.loadstream.reporter.threshold;

/**
 * The verdict on one threshold at the end of a run.
 *
 * @param rule          the rule
 * @param passed        whether it passed: a whole-run threshold passes on the final totals, a windowed one when it
 *                      never fired
 * @param observed      the value compared: for a whole-run threshold the value on the final totals, for a windowed
 *                      one the worst breaching value (or the whole-run value when it never breached); NaN when there
 *                      was no data
 * @param firedAtMs     for a windowed threshold, when it first fired, epoch milliseconds; 0 otherwise
 * @param evaluations   how many times it was evaluated
 */
public record ThresholdOutcome(ThresholdRule rule, boolean passed, double observed, long firedAtMs,
                               long evaluations) {
}
