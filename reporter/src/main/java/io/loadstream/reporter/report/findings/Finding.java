package io.loadstream.reporter.report.findings;

import io.loadstream.reporter.report.RunReport;

/**
 * A finding and what to do about it.
 *
 * @param bottleneck the finding: kind, endpoint, evidence and figures
 * @param advice     what to look at, one or two sentences; generic advice says so
 */
public record Finding(RunReport.Bottleneck bottleneck, String advice) {

    /** The recommendation: the evidence, then the advice. */
    public String recommendation() {
        return bottleneck.evidence() + " " + advice;
    }

    /** The endpoint concerned ({@code *} for all). */
    public String endpoint() {
        return bottleneck.endpoint();
    }
}
