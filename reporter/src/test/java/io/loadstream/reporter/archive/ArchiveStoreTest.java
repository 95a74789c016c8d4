package io.loadstream.reporter.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loadstream.reporter.trend.Estimate;
import io.loadstream.reporter.trend.TrendMetric;
import io.loadstream.schemas.LatencyHistograms;
import io.loadstream.schemas.fixtures.EventFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveStoreTest {

    @TempDir
    Path archive;

    private final long startMs = EventFixtures.nowMs();

    private static ArchivedWindow window(long startMs, long... latenciesUs) {
        Histogram histogram = LatencyHistograms.newHistogram();
        long min = Long.MAX_VALUE;
        long max = 0;
        for (long us : latenciesUs) {
            histogram.recordValue(us);
            min = Math.min(min, us);
            max = Math.max(max, us);
        }
        return new ArchivedWindow(startMs, startMs + 10_000, 10_000, latenciesUs.length, 1, 100, 200, min, max,
                LatencyHistograms.encode(histogram).array());
    }

    private ArchiveBundle bundle(String plan, String runId, boolean complete) {
        Map<TrendMetric, Estimate> figures = new EnumMap<>(TrendMetric.class);
        for (TrendMetric metric : TrendMetric.values()) {
            figures.put(metric, new Estimate(12.5, 0.03, 11, 14));
        }
        ArchiveEntry entry = new ArchiveEntry(ArchiveEntry.FORMAT_VERSION, plan, runId, startMs, startMs + 60_000,
                "0.1.0", 2, Map.of("release", "1.4"), complete, complete ? "" : "interrupted",
                Map.of("GET /a", figures));
        return new ArchiveBundle(entry, Map.of("GET /a", List.of(window(startMs, 1000, 2000, 3000),
                window(startMs + 10_000, 1500, 90_000))), "[]", "{\"run\":{}}\n",
                Optional.of("name: " + plan + "\n"));
    }

    @Test
    void anEntryReadsBackAsItWasWritten() throws Exception {
        ArchiveBundle written = bundle("shop weekly", "run-1", true);

        Path dir = ArchiveStore.write(archive, written);
        ArchiveStore.Listing listing = ArchiveStore.list(archive);

        assertThat(dir).isEqualTo(archive.resolve("shop-weekly").resolve("run-1"));
        assertThat(dir.resolve(ArchiveStore.PLAN_FILE)).hasContent("name: shop weekly");
        assertThat(dir.resolve(ArchiveStore.REPORT_FILE)).exists();
        assertThat(listing.skipped()).isEmpty();
        assertThat(listing.entries()).containsExactly(written.entry());
        assertThat(ArchiveStore.windows(archive, written.entry())).isEqualTo(written.windows());
        assertThat(Files.list(dir.getParent())).hasSize(1);
    }

    @Test
    void anInterruptedRunIsArchivedAndMarked() {
        ArchiveStore.write(archive, bundle("shop", "cut", false));

        assertThat(ArchiveStore.list(archive).entries()).singleElement().satisfies(entry -> {
            assertThat(entry.complete()).isFalse();
            assertThat(entry.reason()).isEqualTo("interrupted");
        });
    }

    @Test
    void aHalfWrittenEntryAndOneOfAnotherVersionAreSkippedWithASentence() throws Exception {
        ArchiveStore.write(archive, bundle("shop", "good", true));
        // A writer killed before its rename leaves a hidden folder; one killed earlier, a folder with no entry.json.
        Path killed = Files.createDirectories(archive.resolve("shop").resolve(".run-2.writing-123"));
        Files.writeString(killed.resolve(ArchiveStore.WINDOWS_FILE), "{\"endpo", StandardCharsets.UTF_8);
        Files.createDirectories(archive.resolve("shop").resolve("no-entry"));
        Path future = Files.createDirectories(archive.resolve("shop").resolve("future"));
        Files.writeString(future.resolve(ArchiveStore.ENTRY_FILE),
                "{\"version\": 7, \"plan\": \"shop\", \"run_id\": \"future\"}", StandardCharsets.UTF_8);

        ArchiveStore.Listing listing = ArchiveStore.list(archive);

        assertThat(listing.entries()).extracting(ArchiveEntry::runId).containsExactly("good");
        assertThat(listing.skipped()).hasSize(3).anySatisfy(s -> assertThat(s).contains("never finished"))
                .anySatisfy(s -> assertThat(s).contains("has no entry.json"))
                .anySatisfy(s -> assertThat(s).contains("archive format version 7, this loadstream reads version 1"));
    }

    @Test
    void anEmptyOrMissingArchiveListsNothing() {
        assertThat(ArchiveStore.list(archive.resolve("absent")).entries()).isEmpty();
        assertThat(ArchiveStore.list(archive).entries()).isEmpty();
    }

    @Test
    void archivingARunAgainReplacesItsEntry() {
        ArchiveStore.write(archive, bundle("shop", "run-1", false));
        ArchiveStore.write(archive, bundle("shop", "run-1", true));

        assertThat(ArchiveStore.list(archive).entries()).singleElement()
                .satisfies(entry -> assertThat(entry.complete()).isTrue());
    }

    @Test
    void mergingWindowsInPairsLosesNothing() {
        List<ArchivedWindow> windows = new ArrayList<>();
        Histogram all = LatencyHistograms.newHistogram();
        for (int i = 0; i < 7; i++) {
            long[] latencies = {1000L + i, 5000L * (i + 1), 77_000L + 13 * i};
            windows.add(window(startMs + i * 10_000L, latencies));
            for (long us : latencies) {
                all.recordValue(us);
            }
        }

        List<ArchivedWindow> halved = WindowRecorder.halve(windows);

        assertThat(halved).hasSize(4);
        assertThat(halved.get(0).endMs()).isEqualTo(windows.get(1).endMs());
        Histogram merged = LatencyHistograms.newHistogram();
        halved.forEach(w -> merged.add(w.decodeHistogram()));
        assertThat(merged).isEqualTo(all);
        assertThat(halved.stream().mapToLong(ArchivedWindow::count).sum()).isEqualTo(21);
        assertThat(halved.stream().mapToLong(ArchivedWindow::coveredMs).sum()).isEqualTo(70_000);
    }

    @Test
    void theTopicValueReadsBackAsTheWholeEntry() {
        ArchiveBundle bundle = bundle("shop", "run-1", true);

        ArchiveBundle read = ArchiveCodec.fromRecordValue(RunsTopic.value(bundle));

        assertThat(read.entry()).isEqualTo(bundle.entry());
        assertThat(read.windows()).isEqualTo(bundle.windows());
        assertThat(read.planYaml()).isEqualTo(bundle.planYaml());
        assertThat(RunsTopic.key("shop", "run-1")).isEqualTo("shop|run-1");
    }

    // entry.json text with the fields in an unusual order, an unknown field, and the given figures of GET /a.
    private static byte[] entryText(String figures) {
        return ("{\"endpoints\": {\"GET /a\": {" + figures + "}}, \"future_field\": {\"x\": [1, {\"y\": 2}]},"
                + " \"run_id\": \"r1\", \"plan\": \"shop\", \"tags\": {\"release\": \"1.4\"},"
                + " \"complete\": true, \"version\": 1}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void entryJsonReadsInAnyFieldOrderAndIgnoresUnknownFields() {
        List<String> figures = new ArrayList<>();
        for (TrendMetric metric : TrendMetric.values()) {
            figures.add("\"" + metric.jsonName() + "\": {\"value\": " + (metric.ordinal() + 1.5)
                    + ", \"log_se\": 0.02, \"ci95\": [1.0, 9.0], \"extra\": [3]}");
        }

        ArchiveEntry entry = ArchiveCodec.readEntry(entryText(String.join(", ", figures)));

        assertThat(entry.runId()).isEqualTo("r1");
        assertThat(entry.plan()).isEqualTo("shop");
        assertThat(entry.tags()).containsExactly(Map.entry("release", "1.4"));
        assertThat(entry.complete()).isTrue();
        assertThat(entry.endpoints().get("GET /a").get(TrendMetric.P99_MS))
                .isEqualTo(new Estimate(TrendMetric.P99_MS.ordinal() + 1.5, 0.02, 1.0, 9.0));
        assertThatThrownBy(() -> ArchiveCodec.readEntry(entryText(figures.get(0))))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("endpoint GET /a has no p90_ms");
        assertThatThrownBy(() -> ArchiveCodec.readEntry("{\"version\": 1, \"pla".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not JSON");
    }
}
