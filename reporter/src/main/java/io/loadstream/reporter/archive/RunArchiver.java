package io.loadstream.reporter.archive;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loadstream.events.RunControl;
import io.loadstream.events.SystemWindow;
import io.loadstream.reporter.report.RunReport;
import io.loadstream.reporter.run.RunData;
import io.loadstream.schemas.ControlAttributes;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.avro.Schema;
import org.apache.kafka.clients.producer.Producer;

/**
 * Files a finished run into the trend archive: it keeps every window of the run as it arrives
 * ({@link #attach(RunData)}), and at the end ({@link #file}) writes the entry to the archive folder and, when
 * asked, publishes it to the runs topic. A failure to archive is a warning, never a failed run: the report is
 * already written.
 */
public final class RunArchiver {

    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(30);

    private final ArchiveSettings settings;
    private final WindowRecorder recorder = new WindowRecorder(WindowRecorder.DEFAULT_MAX_WINDOWS_PER_ENDPOINT);

    /**
     * Creates an archiver.
     *
     * @param settings where to archive
     */
    public RunArchiver(ArchiveSettings settings) {
        this.settings = settings;
    }

    /** The settings. */
    public ArchiveSettings settings() {
        return settings;
    }

    /**
     * Keeps every new window of the run from now on.
     *
     * @param data the run's data, before any window is read
     */
    public void attach(RunData data) {
        data.onEachWindow((window, stats) -> recorder.record(window));
    }

    /**
     * The entry of a finished run.
     *
     * @param data       the run's data
     * @param report     its report
     * @param reportJson {@code performance_report.json}'s text
     * @return the bundle to write
     */
    public ArchiveBundle bundle(RunData data, RunReport report, String reportJson) {
        RunReport.RunInfo info = report.run();
        Map<String, List<ArchivedWindow>> windows = recorder.windows(info.startedAtMs(), info.endedAtMs());
        String version = data.firstStarted().map(RunControl::getAttributes)
                .map(attributes -> attributes.get(ControlAttributes.VERSION)).orElse("unknown");
        String reason = info.complete() && info.abortReason() == null ? ""
                : info.abortReason() != null ? info.abortReason() : "incomplete: the final figures did not all arrive";
        ArchiveEntry entry = new ArchiveEntry(ArchiveEntry.FORMAT_VERSION, info.plan(), info.id(),
                info.startedAtMs(), info.endedAtMs(), version, info.generators(), settings.tags(),
                info.complete() && info.abortReason() == null, reason,
                EntrySummary.of(report, windows, settings.resamples()));
        return new ArchiveBundle(entry, windows, systemJson(data), reportJson, settings.planYaml());
    }

    /**
     * Files a finished run: writes its entry into the archive folder and publishes it to the runs topic, as the
     * settings say.
     *
     * @param data       the run's data
     * @param report     its report
     * @param reportJson {@code performance_report.json}'s text
     * @param producer   a producer for the runs topic; used only when the settings name one
     * @param console    receives one line saying where the entry went, or why it did not
     * @return the entry's folder, when one was written
     */
    public Optional<Path> file(RunData data, RunReport report, String reportJson, Producer<String, byte[]> producer,
                               Consumer<String> console) {
        if (!settings.enabled() || report.run().plan() == null || report.run().plan().isEmpty()) {
            return Optional.empty();
        }
        ArchiveBundle bundle;
        try {
            bundle = bundle(data, report, reportJson);
        } catch (RuntimeException e) {
            // The report is written already: a run that cannot be archived is a warning, not a failed run.
            console.accept("The run was not archived: " + e.getMessage());
            return Optional.empty();
        }
        Optional<Path> written = Optional.empty();
        if (settings.dir().isPresent()) {
            try {
                written = Optional.of(ArchiveStore.write(settings.dir().get(), bundle));
                console.accept("Archived the run in " + written.get()
                        + (bundle.entry().complete() ? "" : " (marked incomplete: " + bundle.entry().reason() + ")"));
            } catch (UncheckedIOException e) {
                console.accept("The run was not archived: " + e.getMessage());
            }
        }
        if (settings.runsTopic().isPresent()) {
            try {
                RunsTopic.publish(producer, settings.runsTopic().get(), bundle, PUBLISH_TIMEOUT);
                console.accept("Published the run's archive entry to " + settings.runsTopic().get());
            } catch (IllegalStateException e) {
                console.accept(e.getMessage());
            }
        }
        return written;
    }

    private static String systemJson(RunData data) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        for (SystemWindow window : data.systemWindows()) {
            ObjectNode node = array.addObject();
            for (Schema.Field field : window.getSchema().getFields()) {
                Object value = window.get(field.pos());
                if (value instanceof Number number) {
                    node.put(field.name(), number.doubleValue());
                } else if (value != null) {
                    node.put(field.name(), value.toString());
                }
            }
        }
        return ArchiveCodec.text(array);
    }
}
