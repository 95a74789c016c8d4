package io.loadstream.reporter.archive;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The archive as plain files, one folder per run: {@code DIR/<plan>/<runId>/} holding {@code entry.json}
 * (metadata and summary), {@code windows.json} (per-window histograms), {@code system.json}, {@code report.json}
 * and, when known, {@code plan.yaml} (secrets masked). {@code <plan>} is the plan's name with every character
 * outside {@code [A-Za-z0-9._-]} replaced by {@code -}.
 *
 * <p>An entry is written into a hidden temporary folder beside its final place and renamed into place at the end
 * (an atomic rename on one file system), so that a process killed while writing leaves only a hidden folder,
 * which {@link #list(Path)} never reads as a run. A run archived again (a second {@code report}) replaces its
 * entry.
 */
public final class ArchiveStore {

    /** The metadata file of an entry; an entry folder without it is not an entry. */
    public static final String ENTRY_FILE = "entry.json";
    /** The per-window histograms of an entry. */
    public static final String WINDOWS_FILE = "windows.json";
    /** The system windows of an entry. */
    public static final String SYSTEM_FILE = "system.json";
    /** The run's report. */
    public static final String REPORT_FILE = "report.json";
    /** The plan, secrets masked. */
    public static final String PLAN_FILE = "plan.yaml";

    /**
     * What {@link #list(Path)} found.
     *
     * @param entries the entries that read, in no particular order
     * @param skipped one sentence per folder that is not a readable entry of this version
     */
    public record Listing(List<ArchiveEntry> entries, List<String> skipped) {
        /** Copies the lists. */
        public Listing {
            entries = List.copyOf(entries);
            skipped = List.copyOf(skipped);
        }
    }

    private ArchiveStore() {
    }

    /**
     * The folder name of a plan.
     *
     * @param plan the plan's name
     * @return the name with characters outside {@code [A-Za-z0-9._-]} replaced by {@code -}
     */
    public static String planFolder(String plan) {
        String name = plan.replaceAll("[^A-Za-z0-9._-]", "-");
        return name.startsWith(".") ? "-" + name.substring(1) : name;
    }

    /**
     * Writes an entry into the archive, atomically.
     *
     * @param archiveDir the archive's folder; created when missing
     * @param bundle     the entry
     * @return the entry's folder
     * @throws UncheckedIOException when a file cannot be written
     */
    public static Path write(Path archiveDir, ArchiveBundle bundle) {
        ArchiveEntry entry = bundle.entry();
        Path planDir = archiveDir.resolve(planFolder(entry.plan()));
        Path target = planDir.resolve(entry.runId());
        try {
            Files.createDirectories(planDir);
            Path temp = Files.createTempDirectory(planDir, "." + entry.runId() + ".writing-");
            write(temp.resolve(WINDOWS_FILE), ArchiveCodec.text(ArchiveCodec.windowsJson(bundle.windows())));
            write(temp.resolve(SYSTEM_FILE), bundle.systemWindows());
            write(temp.resolve(REPORT_FILE), bundle.reportJson());
            if (bundle.planYaml().isPresent()) {
                write(temp.resolve(PLAN_FILE), bundle.planYaml().get());
            }
            write(temp.resolve(ENTRY_FILE), ArchiveCodec.text(ArchiveCodec.entryJson(entry)));
            if (Files.exists(target)) {
                deleteTree(target);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the archive entry " + target + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /**
     * Reads the metadata of every entry in the archive. Hidden folders (entries being written, or left by a killed
     * process), folders without {@code entry.json}, and entries of another format version are skipped, each with
     * a sentence.
     *
     * @param archiveDir the archive's folder
     * @return the entries and what was skipped; empty when the folder does not exist
     */
    public static Listing list(Path archiveDir) {
        List<ArchiveEntry> entries = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        if (!Files.isDirectory(archiveDir)) {
            return new Listing(entries, skipped);
        }
        List<Path> runDirs = new ArrayList<>();
        try (DirectoryStream<Path> plans = Files.newDirectoryStream(archiveDir, Files::isDirectory)) {
            for (Path planDir : plans) {
                if (hidden(planDir)) {
                    continue;
                }
                try (DirectoryStream<Path> runs = Files.newDirectoryStream(planDir, Files::isDirectory)) {
                    runs.forEach(runDirs::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the archive " + archiveDir + ": " + e.getMessage(), e);
        }
        // Entries are read in parallel: parsing is most of trend's time over a long history.
        for (Read read : runDirs.parallelStream().map(ArchiveStore::readEntry).toList()) {
            read.entry().ifPresentOrElse(entries::add, () -> skipped.add(read.skipped()));
        }
        return new Listing(entries, skipped);
    }

    // A run folder read: its entry, or the sentence saying why it is skipped.
    private record Read(Optional<ArchiveEntry> entry, String skipped) {
        static Read skip(String sentence) {
            return new Read(Optional.empty(), sentence);
        }
    }

    private static Read readEntry(Path runDir) {
        if (hidden(runDir)) {
            return Read.skip(runDir + " is an entry that was never finished (its writer stopped); ignored");
        }
        Path file = runDir.resolve(ENTRY_FILE);
        if (!Files.isRegularFile(file)) {
            return Read.skip(runDir + " has no " + ENTRY_FILE + "; ignored");
        }
        try {
            return new Read(Optional.of(ArchiveCodec.readEntry(Files.readAllBytes(file))), "");
        } catch (IOException | IllegalArgumentException e) {
            return Read.skip(file + ": " + e.getMessage() + "; ignored");
        }
    }

    private static boolean hidden(Path dir) {
        return dir.getFileName().toString().startsWith(".");
    }

    /**
     * Reads the windows of one entry.
     *
     * @param archiveDir the archive's folder
     * @param entry      an entry listed from it
     * @return per endpoint, its windows
     * @throws UncheckedIOException when the file cannot be read
     */
    public static java.util.Map<String, List<ArchivedWindow>> windows(Path archiveDir, ArchiveEntry entry) {
        Path file = archiveDir.resolve(planFolder(entry.plan())).resolve(entry.runId()).resolve(WINDOWS_FILE);
        try {
            return ArchiveCodec.readWindows(ArchiveCodec.parse(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
