package io.loadstream.generator.publish;

import io.loadstream.schemas.fixtures.EventFixtures;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outage journal gives back what it took, in order, keeps to its size bound, and leaves no file behind. */
class SpillJournalTest {

    private record Entry(int kind, int partition, long timestampMs, String key, String value) {
    }

    private static boolean append(SpillJournal journal, Entry e) {
        return journal.append(e.kind(), e.partition(), e.timestampMs(), e.key().getBytes(StandardCharsets.UTF_8),
                e.value().getBytes(StandardCharsets.UTF_8));
    }

    private static List<Entry> take(SpillJournal journal, int limit) {
        List<Entry> taken = new ArrayList<>();
        journal.take((kind, partition, timestampMs, key, value) -> taken.add(new Entry(kind, partition, timestampMs,
                new String(key, StandardCharsets.UTF_8), new String(value, StandardCharsets.UTF_8))), limit);
        return taken;
    }

    @Test
    void givesBackEveryEntryInTheOrderItWasAppendedWhileMoreArrive(@TempDir Path dir) {
        try (SpillJournal journal = new SpillJournal(Optional.of(dir), "j.bin", 1 << 20)) {
            List<Entry> written = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                Entry e = new Entry(i % 3, i % 2 == 0 ? -1 : i % 7, EventFixtures.nowMs() + i, "run|GET /" + i,
                        "value-" + i);
                written.add(e);
                assertThat(append(journal, e)).isTrue();
            }
            List<Entry> read = new ArrayList<>(take(journal, 400));
            // More arrive while the front is being sent: they come after.
            for (int i = 1_000; i < 1_200; i++) {
                Entry e = new Entry(0, -1, i, "k" + i, "v" + i);
                written.add(e);
                append(journal, e);
            }
            read.addAll(take(journal, Integer.MAX_VALUE));

            assertThat(read).containsExactlyElementsOf(written);
            assertThat(journal.isEmpty()).isTrue();
        }
    }

    @Test
    void refusesWhatPassesItsBoundAndTakesAgainOnceSent(@TempDir Path dir) {
        Entry e = new Entry(0, -1, 1, "key", "value");
        long entryBytes = SpillJournal.ENTRY_OVERHEAD_BYTES + 3 + 5;
        try (SpillJournal journal = new SpillJournal(Optional.of(dir), "j.bin", entryBytes * 2)) {
            assertThat(append(journal, e)).isTrue();
            assertThat(append(journal, e)).isTrue();
            assertThat(append(journal, e)).isFalse();
            assertThat(journal.size()).isEqualTo(2);

            assertThat(take(journal, 10)).hasSize(2);
            assertThat(append(journal, e)).isTrue();
            assertThat(journal.appendedTotal()).isEqualTo(3);
        }
    }

    @Test
    void deletesItsFileOnceEverythingIsSentAndWritesNoFileUntilNeeded(@TempDir Path dir) throws Exception {
        try (SpillJournal journal = new SpillJournal(Optional.of(dir), "j.bin", 1 << 20)) {
            assertThat(dir).isEmptyDirectory();
            append(journal, new Entry(1, 0, 1, "k", "v"));
            assertThat(Files.exists(dir.resolve("j.bin"))).isTrue();

            take(journal, 1);

            assertThat(dir).isEmptyDirectory();
        }
    }

    @Test
    void closingDeletesWhatIsLeft(@TempDir Path dir) {
        SpillJournal journal = new SpillJournal(Optional.of(dir), "j.bin", 1 << 20);
        append(journal, new Entry(1, 0, 1, "k", "v"));

        journal.close();

        assertThat(dir).isEmptyDirectory();
    }
}
