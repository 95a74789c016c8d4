package io.loadstream.generator.plan;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/** Reads CSV data files for {@code data:} feeders with Jackson's CSV parser. */
final class Feeders {

    /** Most rows read from one data file: feeders are held in memory. */
    static final int MAX_ROWS = 1_000_000;

    private Feeders() {
    }

    /**
     * Reads a CSV file whose first row names the columns.
     *
     * @throws IOException              when the file cannot be read
     * @throws IllegalArgumentException with a sentence when the content is unusable
     */
    static DataSource readCsv(Path file, DataSource.Mode mode) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException("it is a directory");
        }
        CsvMapper mapper = new CsvMapper();
        mapper.enable(CsvParser.Feature.WRAP_AS_ARRAY);
        List<String> columns = null;
        List<List<String>> rows = new ArrayList<>();
        try (MappingIterator<String[]> lines = mapper.readerFor(String[].class).readValues(file.toFile())) {
            int lineNumber = 0;
            while (lines.hasNext()) {
                String[] line = lines.next();
                lineNumber++;
                if (line.length == 1 && line[0].isBlank()) {
                    continue;
                }
                if (columns == null) {
                    columns = header(line);
                    continue;
                }
                if (line.length != columns.size()) {
                    throw new IllegalArgumentException("row " + lineNumber + " has " + line.length + " values but "
                            + "the header names " + columns.size() + " columns");
                }
                if (rows.size() == MAX_ROWS) {
                    throw new IllegalArgumentException("it has more than " + MAX_ROWS + " rows");
                }
                rows.add(List.of(line));
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("it is not valid CSV: " + e.getOriginalMessage());
        } catch (RuntimeException e) {
            if (e.getCause() instanceof com.fasterxml.jackson.core.JsonProcessingException parse) {
                throw new IllegalArgumentException("it is not valid CSV: " + parse.getOriginalMessage());
            }
            throw e;
        }
        if (columns == null) {
            throw new IllegalArgumentException("it is empty; the first row names the columns");
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("it has a header row but no data rows");
        }
        return new DataSource(file, mode, columns, rows);
    }

    private static List<String> header(String[] line) {
        List<String> columns = new ArrayList<>();
        HashSet<String> seen = new HashSet<>();
        for (String name : line) {
            String column = name.strip();
            if (column.isEmpty()) {
                throw new IllegalArgumentException("the header row has an empty column name");
            }
            if (!seen.add(column)) {
                throw new IllegalArgumentException("the header row names the column '" + column + "' twice");
            }
            columns.add(column);
        }
        return columns;
    }
}
