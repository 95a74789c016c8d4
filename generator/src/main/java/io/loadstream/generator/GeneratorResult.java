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
 * @param processCpu         CPU time this whole process used while the load ran (HTTP, publishing, GC, JIT);
 *                           {@link Duration#ZERO} when the JVM cannot tell
 */
public record GeneratorResult(long requestsSent, long errors, long iterationsStarted, long droppedIterations,
                              long eventsDropped, boolean aborted, String reason, Duration elapsed,
                              Duration processCpu) {

    /**
     * CPU time per request while the load ran.
     *
     * @return microseconds of process CPU per request sent; 0 when nothing was sent
     */
    public double cpuMicrosPerRequest() {
        return requestsSent == 0 ? 0 : processCpu.toNanos() / 1000.0 / requestsSent;
    }
}
