package io.loadstream.reporter.archive;

import io.loadstream.reporter.trend.Estimate;
import io.loadstream.reporter.trend.TrendMetric;
import io.loadstream.schemas.LatencyHistograms;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.HdrHistogram.Histogram;

/**
 * The child process of {@link ArchiveKillTest}: files entries into an archive, one after the other, until it is
 * killed (bounded: at most {@value #MAX_ENTRIES} entries and {@value #MAX_SECONDS} s). Every entry is the same but
 * for its run id, with windows big enough (about 4 MB of {@code windows.json}) that most of the child's time is spent
 * inside {@link ArchiveStore#write}, where the kill should land.
 *
 * <p>Usage: {@code ArchiveWriterForTest ARCHIVE_DIR RUN_ID_PREFIX}.
 */
public final class ArchiveWriterForTest {

    static final String PLAN = "killed-shop";
    static final int ENDPOINTS = 10;
    static final int WINDOWS = 360;
    static final int MAX_ENTRIES = 2_000;
    static final int MAX_SECONDS = 180;

    private ArchiveWriterForTest() {
    }

    public static void main(String[] args) {
        Path archive = Path.of(args[0]);
        Map<String, List<ArchivedWindow>> windows = windows(EventClock.NOW_MS);
        long deadline = System.nanoTime() + MAX_SECONDS * 1_000_000_000L;
        for (int i = 0; i < MAX_ENTRIES && System.nanoTime() < deadline; i++) {
            ArchiveStore.write(archive, new ArchiveBundle(entry(args[1] + String.format(Locale.ROOT, "%05d", i),
                    EventClock.NOW_MS), windows, "[]", "{}", Optional.of("name: " + PLAN + "\n")));
        }
    }

    // The start time is taken once per process, so that every entry of a child is the same but for its run id.
    private static final class EventClock {
        static final long NOW_MS = System.currentTimeMillis();
    }

    /** The figures every entry holds, per endpoint. */
    static Map<String, Map<TrendMetric, Estimate>> figures() {
        Map<String, Map<TrendMetric, Estimate>> endpoints = new LinkedHashMap<>();
        for (int e = 0; e < ENDPOINTS; e++) {
            Map<TrendMetric, Estimate> figures = new EnumMap<>(TrendMetric.class);
            for (TrendMetric metric : TrendMetric.values()) {
                figures.put(metric, new Estimate(10 + e, 0.02, 9 + e, 11 + e));
            }
            endpoints.put(endpoint(e), figures);
        }
        return endpoints;
    }

    static String endpoint(int e) {
        return "GET /item/" + e;
    }

    static ArchiveEntry entry(String runId, long startMs) {
        return new ArchiveEntry(ArchiveEntry.FORMAT_VERSION, PLAN, runId, startMs, startMs + WINDOWS * 10_000L,
                "test", 1, Map.of("release", "1.0"), true, "", figures());
    }

    private static Map<String, List<ArchivedWindow>> windows(long startMs) {
        Map<String, List<ArchivedWindow>> windows = new LinkedHashMap<>();
        for (int e = 0; e < ENDPOINTS; e++) {
            List<ArchivedWindow> list = new ArrayList<>();
            for (int w = 0; w < WINDOWS; w++) {
                Histogram histogram = LatencyHistograms.newHistogram();
                // a few hundred distinct values, so that each encoded histogram takes about a kilobyte
                for (int v = 0; v < 300; v++) {
                    histogram.recordValue(1_000 + 37L * v * (1 + w % 7) + e);
                }
                long from = startMs + w * 10_000L;
                list.add(new ArchivedWindow(from, from + 10_000, 10_000, 300, 0, 0, 0, histogram.getMinValue(),
                        histogram.getMaxValue(), LatencyHistograms.encode(histogram).array()));
            }
            windows.put(endpoint(e), list);
        }
        return windows;
    }
}
