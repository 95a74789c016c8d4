package io.loadstream.reporter.report.findings;

import io.loadstream.reporter.run.TimelinePoint;

/**
 * One window of one endpoint with the load it ran under.
 *
 * @param window the window's figures (rps over its covered time)
 * @param vus    active VUs in the window (the most the generators reported in it, summed); -1 when unknown
 */
public record LoadPoint(TimelinePoint window, int vus) {
}
