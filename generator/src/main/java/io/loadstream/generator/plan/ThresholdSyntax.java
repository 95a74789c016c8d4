package io.loadstream.generator.plan;

import java.time.Duration;
import java.util.Optional;

/**
 * Checks the syntax of one threshold while a plan is parsed, so that a bad threshold is a plan error with a
 * line and column. The reporter owns the threshold language; the command line plugs its checker in here.
 */
@FunctionalInterface
public interface ThresholdSyntax {

    /** Accepts every threshold: for callers that check thresholds elsewhere. */
    ThresholdSyntax ANY = (metric, expression) -> Optional.empty();

    /**
     * Checks one threshold.
     *
     * @param metric     the metric key as written, e.g. {@code http_req_duration{endpoint:GET /x}}
     * @param expression the expression as written, e.g. {@code p(95)<500}
     * @return one sentence saying what is wrong, without a location; empty when the threshold is valid
     */
    Optional<String> problem(String metric, String expression);

    /**
     * Checks one threshold with the options of its object form, which some expressions cannot take (a drift
     * slope, judged once at the end, takes no window). By default only the expression is checked.
     *
     * @param metric         the metric key as written
     * @param expression     the expression as written
     * @param window         the {@code window} option; zero when absent
     * @param forDuration    the {@code for} option; zero when absent
     * @param abortOnFail    the {@code abort_on_fail} option
     * @param delayAbortEval the {@code delay_abort_eval} option; zero when absent
     * @return one sentence saying what is wrong, without a location; empty when the threshold is valid
     */
    default Optional<String> problem(String metric, String expression, Duration window, Duration forDuration,
                                     boolean abortOnFail, Duration delayAbortEval) {
        return problem(metric, expression);
    }
}
