/**
 * Detectors that explain a run from its windows and histograms: each finding names its pattern
 * ({@link io.loadstream.reporter.report.findings.FindingKind}) and quotes the figures that support it.
 */
package io.loadstream.reporter.report.findings;
