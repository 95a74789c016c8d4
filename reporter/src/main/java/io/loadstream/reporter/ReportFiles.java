package io.loadstream.reporter;

import io.loadstream.reporter.html.HtmlReport;
import io.loadstream.reporter.report.JsonReport;
import io.loadstream.reporter.report.RunReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The reporter's three files in its output folder: {@code performance_report.json} and {@code report.html},
 * written at the end of the run, and {@code alerts.jsonl}, written as alerts happen (by the alerts file sink).
 */
final class ReportFiles {

    /** The alerts file's name. */
    static final String ALERTS_FILE_NAME = "alerts.jsonl";

    private final Path outDir;

    /**
     * Names the files of a folder.
     *
     * @param outDir the output folder
     */
    ReportFiles(Path outDir) {
        this.outDir = outDir;
    }

    /** {@code performance_report.json}. */
    Path json() {
        return outDir.resolve(JsonReport.FILE_NAME);
    }

    /** {@code report.html}. */
    Path html() {
        return outDir.resolve(HtmlReport.FILE_NAME);
    }

    /** {@code alerts.jsonl}. */
    Path alerts() {
        return outDir.resolve(ALERTS_FILE_NAME);
    }

    /** The three files, in the order the console lists them. */
    List<Path> all() {
        return List.of(json(), html(), alerts());
    }

    /**
     * Creates the folder when missing.
     *
     * @throws ReporterException when it cannot be created
     */
    void createFolder() {
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw new ReporterException("Cannot create the output folder " + outDir + ": " + e.getMessage(), 1, e);
        }
    }

    /**
     * Writes the JSON and HTML reports.
     *
     * @param report the report
     * @throws ReporterException when a file cannot be written
     */
    void write(RunReport report) {
        try {
            JsonReport.write(report, json());
            HtmlReport.write(report, html());
        } catch (IOException | UncheckedIOException e) {
            throw new ReporterException("Cannot write the reports to " + outDir + ": " + e.getMessage(), 1, e);
        }
    }
}
