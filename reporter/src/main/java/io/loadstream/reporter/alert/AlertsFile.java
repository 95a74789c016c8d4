package io.loadstream.reporter.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loadstream.events.Alert;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;

/**
 * {@code alerts.jsonl}: one JSON object per alert state change, one per line, flushed as it comes so that a
 * crashed run still leaves its alerts behind; at the end of the run {@link #rewrite rewritten} in the order of the
 * run's history. Not thread-safe.
 */
public final class AlertsFile implements AlertSink {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final BufferedWriter writer;

    /**
     * Creates (or empties) the file.
     *
     * @param path the file, e.g. {@code out/alerts.jsonl}
     * @throws UncheckedIOException when it cannot be written
     */
    public AlertsFile(Path path) {
        this.path = path;
        try {
            this.writer = Files.newBufferedWriter(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + path + ": " + e.getMessage(), e);
        }
    }

    /** The file. */
    public Path path() {
        return path;
    }

    /** A local record, rewritten by every reporter: it gets every change, those replayed after a restart too. */
    @Override
    public boolean notifies() {
        return false;
    }

    @Override
    public void accept(Alert alert) {
        try {
            writeLine(writer, alert);
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Closes the file and replaces it, atomically, with the run's history in its order (the alerts that came
     * during the run were written in the order they came, which a replay of the run cannot reproduce for the
     * delivery-failure alerts: see {@link AlertFanOut#alerts()}). Nothing can be written after it.
     *
     * @param history the run's alerts, in order
     * @throws UncheckedIOException when the file cannot be written
     */
    public void rewrite(List<Alert> history) {
        close();
        Path next = path.resolveSibling(path.getFileName() + ".tmp");
        try {
            try (BufferedWriter out = Files.newBufferedWriter(next, StandardCharsets.UTF_8)) {
                for (Alert alert : history) {
                    writeLine(out, alert);
                }
            }
            Files.move(next, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + path + ": " + e.getMessage(), e);
        }
    }

    private static void writeLine(BufferedWriter out, Alert alert) throws IOException {
        try {
            out.write(JSON.writeValueAsString(toJson(alert)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A JSON tree always serializes", e);
        }
        out.newLine();
    }

    /**
     * One alert as a JSON object, as written to the file and the report.
     *
     * @param alert the alert
     * @return its fields, times as ISO-8601 and epoch milliseconds
     */
    public static ObjectNode toJson(Alert alert) {
        ObjectNode node = JSON.createObjectNode();
        node.put("run_id", alert.getRunId());
        node.put("fingerprint", alert.getFingerprint());
        node.put("status", alert.getStatus().name().toLowerCase(java.util.Locale.ROOT));
        node.put("rule", alert.getRule());
        node.put("metric", alert.getMetric());
        node.put("expression", alert.getExpression());
        node.put("scope", alert.getScope());
        node.put("observed", alert.getObserved());
        node.put("starts_at", Instant.ofEpochMilli(alert.getStartsAtMs()).toString());
        if (alert.getEndsAtMs() != 0) {
            node.put("ends_at", Instant.ofEpochMilli(alert.getEndsAtMs()).toString());
        }
        node.put("window_ms", alert.getWindowMs());
        node.put("for_ms", alert.getForMs());
        node.put("abort_on_fail", alert.getAbortOnFail());
        node.put("summary", alert.getSummary());
        ObjectNode labels = node.putObject("labels");
        alert.getLabels().forEach(labels::put);
        return node;
    }

    @Override
    public void close() {
        try {
            writer.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot close " + path + ": " + e.getMessage(), e);
        }
    }
}
