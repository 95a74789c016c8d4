package io.loadstream.generator.executor;

import io.loadstream.events.RequestTiming;

/** Receives the timing of every request, exactly once, success or failure. */
@FunctionalInterface
public interface RequestSink {

    /**
     * Takes the timing of a request that has ended. Called on the thread that completed the request (an HTTP
     * client thread): it must not block.
     *
     * @param event the timing; the sink owns it from now on
     */
    void requestCompleted(RequestTiming event);
}
