package io.loadstream.reporter.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed with SIGKILL while it files an entry leaves no half-written entry that reads as a run: a real
 * child JVM ({@link ArchiveWriterForTest}) files entries one after another and is killed with {@code kill -9}
 * ({@link Process#destroyForcibly()}) while one is being written.
 */
class ArchiveKillTest {

    private static final int ATTEMPTS = 5;
    private static final int SIGKILL_EXIT = 128 + 9;

    @TempDir
    Path archive;

    private Path planDir() {
        return archive.resolve(ArchiveStore.planFolder(ArchiveWriterForTest.PLAN));
    }

    private List<Path> folders(boolean hidden) {
        if (!Files.isDirectory(planDir())) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(planDir())) {
            return dirs.filter(d -> d.getFileName().toString().startsWith(".") == hidden).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // Starts a writer, waits until it has filed two entries and is writing another, and kills it with SIGKILL.
    private void killWhileFiling(String runIdPrefix) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        int before = folders(false).size();
        Process child = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                ArchiveWriterForTest.class.getName(), archive.toString(), runIdPrefix)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> !child.isAlive()
                    || folders(false).size() >= before + 2 && !folders(true).isEmpty());
            assertThat(child.isAlive()).as("the writer is still filing").isTrue();
            child.destroyForcibly();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).as("killed by SIGKILL, not ended").isEqualTo(SIGKILL_EXIT);
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void aWriterKilledWhileFilingLeavesOnlyWholeEntriesThatReadAsRuns() throws Exception {
        // given: writers killed with SIGKILL while filing, until one was killed inside a write (it nearly always is:
        // writing an entry takes most of the writer's time)
        for (int attempt = 0; attempt < ATTEMPTS && folders(true).isEmpty(); attempt++) {
            killWhileFiling("a" + attempt + "-run-");
        }
        List<Path> unfinished = folders(true);
        assertThat(unfinished).as("a write was cut short by the kill").isNotEmpty();

        // when
        ArchiveStore.Listing listing = ArchiveStore.list(archive);

        // then: every finished folder reads as a whole run, with every window; the cut-short one is never a run
        List<Path> finished = folders(false);
        assertThat(finished).hasSizeGreaterThanOrEqualTo(2);
        assertThat(listing.entries()).extracting(ArchiveEntry::runId)
                .containsExactlyInAnyOrderElementsOf(finished.stream().map(p -> p.getFileName().toString()).toList());
        assertThat(listing.entries()).allSatisfy(entry -> {
            assertThat(entry.complete()).isTrue();
            assertThat(entry.endpoints()).isEqualTo(ArchiveWriterForTest.figures());
            assertThat(ArchiveStore.windows(archive, entry)).hasSize(ArchiveWriterForTest.ENDPOINTS)
                    .allSatisfy((endpoint, windows) -> assertThat(windows).hasSize(ArchiveWriterForTest.WINDOWS));
        });
        assertThat(listing.skipped()).hasSize(unfinished.size())
                .allSatisfy(sentence -> assertThat(sentence).contains("never finished"));
        for (Path cut : unfinished) {
            String runId = cut.getFileName().toString().substring(1).replaceAll("\\.writing-.*$", "");
            assertThat(listing.entries()).extracting(ArchiveEntry::runId).doesNotContain(runId);
        }
    }
}
