package io.loadstream.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/** Reads {@code --kafka-config FILE}: Kafka client properties (e.g. security settings) in Java properties format. */
final class KafkaOptions {

    private KafkaOptions() {
    }

    /**
     * Reads the file.
     *
     * @param file the file, or null for none
     * @return the properties, empty when {@code file} is null
     * @throws UserFacingException (exit 104) when the file cannot be read
     */
    static Map<String, String> read(Path file) {
        if (file == null) {
            return Map.of();
        }
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            props.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new UserFacingException("Cannot read the Kafka configuration " + file + ": " + e.getMessage(),
                    ExitCodes.INVALID_CONFIG, e);
        }
        Map<String, String> values = new TreeMap<>();
        props.stringPropertyNames().forEach(name -> values.put(name, props.getProperty(name)));
        return values;
    }
}
