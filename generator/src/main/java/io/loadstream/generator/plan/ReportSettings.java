package io.loadstream.generator.plan;

import java.time.Duration;

/**
 * The plan's {@code report} section.
 *
 * @param slowRequestMs     single requests slower than this, in milliseconds, are logged as slow (default 1000)
 * @param slowEndpointP95Ms endpoints whose p95 exceeds this, in milliseconds, are listed as slow (default 500)
 * @param window            size of the aggregation windows (default 10 s)
 * @param grace             how long a window waits for late events after its end (default 2 s)
 */
public record ReportSettings(long slowRequestMs, long slowEndpointP95Ms, Duration window, Duration grace) {

    /** The defaults. */
    public static final ReportSettings DEFAULT =
            new ReportSettings(1000, 500, Duration.ofSeconds(10), Duration.ofSeconds(2));
}
