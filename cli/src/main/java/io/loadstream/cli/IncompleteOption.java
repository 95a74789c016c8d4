package io.loadstream.cli;

import io.loadstream.reporter.ReporterResult;
import picocli.CommandLine.Option;

/**
 * {@code --allow-incomplete} of the commands that write a report ({@code run}, {@code report}): an incomplete run
 * (final totals that never came, or fewer requests counted than the generators sent) fails with exit code 1 unless
 * the user accepts it. The report says {@code complete: false} either way.
 */
final class IncompleteOption {

    @Option(names = "--allow-incomplete",
            description = "Exit 0 (or 99) even when the report is incomplete, e.g. fewer requests counted than the "
                    + "generators sent; the report still says complete: false (default: exit 1).")
    boolean allowIncomplete;

    /**
     * The exit code of a report, with this option applied.
     *
     * @param result the reporter's result
     * @return its exit code; 0 instead of 1 for an incomplete report when the option is given
     */
    int exitCode(ReporterResult result) {
        if (allowIncomplete && !result.complete() && result.exitCode() == ReporterResult.FAILURE) {
            return ReporterResult.OK;
        }
        return result.exitCode();
    }
}
