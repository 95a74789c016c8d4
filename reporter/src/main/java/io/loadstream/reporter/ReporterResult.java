package io.loadstream.reporter;

import io.loadstream.reporter.report.RunReport;
import io.loadstream.reporter.threshold.ThresholdOutcome;
import java.nio.file.Path;
import java.util.List;

/**
 * What a finished {@link Reporter} produced.
 *
 * @param exitCode       0 every threshold passed, 99 a threshold failed, 1 the data is incomplete (k6's codes)
 * @param jsonReport     {@code performance_report.json}
 * @param htmlReport     {@code report.html}
 * @param alertsFile     {@code alerts.jsonl}
 * @param thresholds     the verdict on every threshold
 * @param aborted        whether this reporter sent an ABORT
 * @param complete       whether every segment finished and the final totals and windows arrived
 * @param report         the report itself
 * @param consoleSummary the k6-like end-of-run summary, for the console
 */
public record ReporterResult(int exitCode, Path jsonReport, Path htmlReport, Path alertsFile,
                             List<ThresholdOutcome> thresholds, boolean aborted, boolean complete, RunReport report,
                             String consoleSummary) {

    /** Exit code when every threshold passed. */
    public static final int OK = 0;
    /** Exit code for incomplete data or another failure. */
    public static final int FAILURE = 1;
    /** Exit code when a threshold failed. */
    public static final int THRESHOLD_FAILED = 99;
    /** Exit code for an invalid threshold or option. */
    public static final int INVALID_CONFIG = 104;

    /** Paths of the three files, in the order they are listed. */
    public List<Path> files() {
        return List.of(jsonReport, htmlReport, alertsFile);
    }
}
