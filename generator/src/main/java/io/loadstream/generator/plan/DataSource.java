package io.loadstream.generator.plan;

import java.nio.file.Path;
import java.util.List;

/**
 * A CSV data feeder: {@code data: {file: users.csv, mode: circular}}. Each iteration takes one row, whose
 * columns {@code ${data:column}} refers to. The file is read (header row first) when the plan is parsed.
 *
 * @param file    the CSV file, resolved against the plan's directory
 * @param mode    how rows are handed out
 * @param columns the column names, from the header row
 * @param rows    the data rows, each with one value per column
 */
public record DataSource(Path file, Mode mode, List<String> columns, List<List<String>> rows) {

    /** How rows are handed out to iterations. */
    public enum Mode {
        /** In order, starting again at the first after the last. */
        CIRCULAR,
        /** A random row each time. */
        RANDOM,
        /** In order, each row once; when they run out, the VU stops. */
        ONCE
    }

    /** Copies the lists. */
    public DataSource {
        columns = List.copyOf(columns);
        rows = rows.stream().map(List::copyOf).toList();
    }
}
