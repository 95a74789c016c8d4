package io.loadstream.reporter.archive;

import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where and how a finished run is archived. Immutable.
 *
 * @param dir       the archive folder ({@code --archive}); empty to write no files ({@code --no-archive})
 * @param tags      the {@code --tag key=value} pairs
 * @param planYaml  the plan's YAML with its secrets masked, when the archiving process has the plan
 * @param runsTopic the compacted topic to publish the entry to (with an external {@code --bootstrap}); empty not to
 *                  publish
 * @param resamples bootstrap resamples per endpoint, at least 2
 */
public record ArchiveSettings(Optional<Path> dir, Map<String, String> tags, Optional<String> planYaml,
                              Optional<String> runsTopic, int resamples) {

    /** The default archive folder, relative to the working directory. */
    public static final Path DEFAULT_DIR = Path.of("loadstream-archive");

    /**
     * Checks and copies the values.
     *
     * @throws IllegalArgumentException when a value is missing, a tag key is empty or {@code resamples < 2}
     */
    public ArchiveSettings {
        if (dir == null || tags == null || planYaml == null || runsTopic == null) {
            throw new IllegalArgumentException("Every archive setting is required");
        }
        if (resamples < 2) {
            throw new IllegalArgumentException("At least 2 bootstrap resamples, not " + resamples);
        }
        tags.keySet().forEach(key -> {
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("A tag key must not be empty");
            }
        });
        tags = Collections.unmodifiableMap(new TreeMap<>(tags));
    }

    /**
     * Files into a folder, no tags, no plan, no topic, the default resamples.
     *
     * @param dir the archive folder
     * @return the settings
     */
    public static ArchiveSettings toFolder(Path dir) {
        return new ArchiveSettings(Optional.of(dir), Map.of(), Optional.empty(), Optional.empty(),
                io.loadstream.reporter.trend.WindowBootstrap.DEFAULT_RESAMPLES);
    }

    /** A copy with these tags. */
    public ArchiveSettings withTags(Map<String, String> value) {
        return new ArchiveSettings(dir, value, planYaml, runsTopic, resamples);
    }

    /** A copy that files this plan text (secrets already masked). */
    public ArchiveSettings withPlanYaml(String value) {
        return new ArchiveSettings(dir, tags, Optional.ofNullable(value), runsTopic, resamples);
    }

    /** A copy that also publishes to this topic. */
    public ArchiveSettings withRunsTopic(String value) {
        return new ArchiveSettings(dir, tags, planYaml, Optional.ofNullable(value), resamples);
    }

    /** Whether anything is archived at all. */
    public boolean enabled() {
        return dir.isPresent() || runsTopic.isPresent();
    }
}
