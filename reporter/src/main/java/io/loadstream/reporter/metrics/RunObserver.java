package io.loadstream.reporter.metrics;

import io.loadstream.reporter.intake.RunEvent;

/**
 * Sees what a reporter reads of its run, as it reads it: each control record, each closed window once (duplicates
 * that the reporter drops are not shown), totals and system windows; then the end of the run. Called from the
 * reporter's one processing thread; must not block it.
 */
public interface RunObserver {

    /** An observer that does nothing. */
    RunObserver NONE = event -> { };

    /**
     * One decoded record of the run.
     *
     * @param event the record
     */
    void onEvent(RunEvent event);

    /**
     * The reporter is done with the run.
     *
     * @param runId the run
     */
    default void runEnded(String runId) {
    }
}
