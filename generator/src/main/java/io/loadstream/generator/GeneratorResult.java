package io.loadstream.generator;

import java.time.Duration;

/**
 * What one generator did in a run.
 *
 * @param requestsSent       requests sent and recorded (each one timing event)
 * @param errors             of those, requests that ended with an error
 * @param iterationsStarted  iterations started
 * @param droppedIterations  iterations the open model could not start for lack of a free VU
 * @param eventsDropped      records that could not be delivered to Kafka (buffer full, refused, not acknowledged)
 * @param aborted            whether the run was stopped early (ABORT record, {@link Generator#abort}, or failure)
 * @param reason             why it was stopped early, or null
 * @param elapsed            how long the load ran, from its start to its last request
 */
public record GeneratorResult(long requestsSent, long errors, long iterationsStarted, long droppedIterations,
                              long eventsDropped, boolean aborted, String reason, Duration elapsed) {
}
