package io.loadstream.generator.plan;

import java.time.Duration;

/**
 * One threshold of the plan, as written (k6 syntax); the reporter evaluates it.
 *
 * @param metric         the metric key as written, with its filter, e.g. {@code http_req_duration{endpoint:GET /x}}
 * @param expression     the expression, e.g. {@code p(95)<500} (times in milliseconds)
 * @param window         evaluate over a sliding window of this length; {@link Duration#ZERO} for the whole run
 * @param forDuration    fire only after failing for this long; zero fires at once
 * @param abortOnFail    whether a failure aborts the run
 * @param delayAbortEval how long after the start a failure may not yet abort
 * @param location       where the expression is in the plan file
 */
public record ThresholdDef(String metric, String expression, Duration window, Duration forDuration,
                           boolean abortOnFail, Duration delayAbortEval, Location location) {
}
