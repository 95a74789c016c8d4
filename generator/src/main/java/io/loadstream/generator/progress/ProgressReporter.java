package io.loadstream.generator.progress;

import io.loadstream.schemas.LatencyHistograms;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/**
 * Writes one progress line every {@value #INTERVAL_MS} ms: the run's age and planned length (h:mm:ss from an
 * hour on), active VUs, requests per
 * second and errors of the interval, the interval's p95 latency (read with {@link LatencyHistograms#percentileUs}),
 * and the events published and dropped so far.
 */
public final class ProgressReporter {

    /** Interval between lines, in milliseconds. */
    public static final long INTERVAL_MS = 2_000;

    private final RunStats stats;
    private final IntSupplier activeVus;
    private final LongSupplier published;
    private final LongSupplier dropped;
    private final Duration planned;
    private final Consumer<String> out;
    private long lastRequests;
    private long lastErrors;
    private long lastNanos;

    /**
     * Creates the reporter.
     *
     * @param stats     the run's counters
     * @param activeVus active VUs now
     * @param published events acknowledged by Kafka so far
     * @param dropped   events dropped so far
     * @param planned   the planned length of the load
     * @param out       receives each line
     * @param startNanos the {@link System#nanoTime()} at which the load started
     */
    public ProgressReporter(RunStats stats, IntSupplier activeVus, LongSupplier published, LongSupplier dropped,
                            Duration planned, Consumer<String> out, long startNanos) {
        this.stats = stats;
        this.activeVus = activeVus;
        this.published = published;
        this.dropped = dropped;
        this.planned = planned;
        this.out = out;
        this.lastNanos = startNanos;
    }

    /**
     * Writes a line for the interval since the previous one.
     *
     * @param nowNanos   the current {@link System#nanoTime()}
     * @param startNanos when the load started
     */
    public void report(long nowNanos, long startNanos) {
        long requests = stats.requests();
        long errors = stats.errors();
        Histogram interval = stats.takeInterval();
        double seconds = Math.max(1e-9, (nowNanos - lastNanos) / 1e9);
        long intervalRequests = requests - lastRequests;
        long intervalErrors = errors - lastErrors;
        lastRequests = requests;
        lastErrors = errors;
        lastNanos = nowNanos;
        long elapsed = Math.max(0, (nowNanos - startNanos) / 1_000_000_000L);
        // The line shows no extremes, so the histogram's own (exact to a bucket) bound the percentile.
        String p95 = interval.getTotalCount() == 0 ? "-" : String.format(Locale.ROOT, "%.1f ms",
                LatencyHistograms.percentileUs(interval, 95, interval.getMinValue(), interval.getMaxValue()) / 1000.0);
        out.accept(String.format(Locale.ROOT,
                "%s  vus %d  %.0f req/s  errors %d (%.2f%%)  p95 %s  events published %d dropped %d",
                age(elapsed, planned.toSeconds()), activeVus.getAsInt(), intervalRequests / seconds, intervalErrors,
                intervalRequests == 0 ? 0.0 : 100.0 * intervalErrors / intervalRequests, p95,
                published.getAsLong(), dropped.getAsLong()));
    }

    /**
     * The run's age against its planned length: {@code   12s/60s} for runs under an hour, {@code 1:02:03/4:00:00}
     * from an hour on, so that a soak's progress stays readable.
     */
    static String age(long elapsedS, long plannedS) {
        if (plannedS < 3600 && elapsedS < 3600) {
            return String.format(Locale.ROOT, "%4ds/%ds", elapsedS, plannedS);
        }
        return clock(elapsedS) + "/" + clock(plannedS);
    }

    private static String clock(long seconds) {
        return String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }
}
