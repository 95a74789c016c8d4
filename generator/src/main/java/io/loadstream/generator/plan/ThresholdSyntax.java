package io.loadstream.generator.plan;

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
}
