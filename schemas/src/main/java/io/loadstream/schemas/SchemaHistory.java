package io.loadstream.schemas;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaParseException;

/**
 * Loads the older versions of an event schema, which a reader needs to decode records that older writers wrote.
 *
 * <p>Older versions live on the classpath as {@code <root>/<RecordName>/v<N>.avsc}, each a complete,
 * self-contained schema (named types inlined, as {@link Schema#toString()} prints them). Classpath folders cannot
 * be listed inside a jar, so {@code <root>/index.txt} lists the files, one path relative to the root per line;
 * blank lines and lines starting with {@code #} are ignored. A missing index means no older versions.
 */
final class SchemaHistory {

    /** Classpath folder of the older schema versions shipped with this module. */
    static final String DEFAULT_ROOT = "avro-history";

    private SchemaHistory() {
    }

    /**
     * Returns the older versions of {@code current} listed in {@code root/index.txt}.
     *
     * @param classLoader where to look for the index and the schema files
     * @param root        classpath folder holding {@code index.txt}, without leading or trailing slash
     * @param current     the schema this build reads with; entries under {@code <its simple name>/} are returned
     * @return the older writer schemas, in index order; empty when the index is missing or lists none
     * @throws IllegalStateException when a listed file is missing, does not parse, names another record, or cannot
     *                               be read by {@code current} (an incompatible change slipped into the build)
     */
    static List<Schema> load(ClassLoader classLoader, String root, Schema current) {
        String indexPath = root + "/index.txt";
        URL index = classLoader.getResource(indexPath);
        if (index == null) {
            return List.of();
        }
        String prefix = current.getName() + "/";
        List<Schema> schemas = new ArrayList<>();
        for (String entry : readIndex(index, indexPath)) {
            if (entry.startsWith(prefix)) {
                schemas.add(loadOne(classLoader, root + "/" + entry, current));
            }
        }
        return List.copyOf(schemas);
    }

    private static List<String> readIndex(URL index, String indexPath) {
        List<String> entries = new ArrayList<>();
        try (InputStream in = index.openStream();
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                String entry = line.strip();
                if (!entry.isEmpty() && !entry.startsWith("#")) {
                    entries.add(entry);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the schema history index " + indexPath, e);
        }
        return entries;
    }

    private static Schema loadOne(ClassLoader classLoader, String path, Schema current) {
        Schema older;
        try (InputStream in = classLoader.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(
                        "The schema history index lists " + path + ", which is not on the classpath");
            }
            older = new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the older schema " + path, e);
        } catch (SchemaParseException e) {
            throw new IllegalStateException("The older schema " + path + " does not parse: " + e.getMessage(), e);
        }
        if (!older.getFullName().equals(current.getFullName())) {
            throw new IllegalStateException("The older schema " + path + " describes " + older.getFullName()
                    + ", not " + current.getFullName());
        }
        String incompatibility = incompatibility(current, older);
        if (!incompatibility.isEmpty()) {
            throw new IllegalStateException("Records written with the older schema " + path
                    + " cannot be read as " + current.getFullName() + ": " + incompatibility);
        }
        return older;
    }

    /**
     * Tells why records written with {@code writer} cannot be read with {@code reader}.
     *
     * @param reader the schema of this build
     * @param writer an older (or other) writer schema
     * @return the incompatibilities, or an empty string when {@code reader} can read what {@code writer} wrote
     */
    static String incompatibility(Schema reader, Schema writer) {
        SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (result.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return "";
        }
        return String.valueOf(result.getResult().getIncompatibilities());
    }
}
