package io.loadstream.cli;

import io.loadstream.schemas.Topics;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * How a command reaches Kafka, the same for every command that does ({@code generate}, {@code agent},
 * {@code aggregate}, {@code report}): bootstrap servers, client properties for security settings, and the topic
 * prefix. A picocli mixin.
 */
final class KafkaConnectionOptions {

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    // Not required for picocli: 'run' starts its own broker without it. bootstrap() enforces it for the others.
    @Option(names = "--bootstrap", paramLabel = "SERVERS",
            description = "Kafka bootstrap servers, e.g. 127.0.0.1:9092.")
    String bootstrap;

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "Kafka client properties (e.g. SASL or TLS settings), Java properties format.")
    Path kafkaConfig;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
            description = "One Kafka client property; repeatable; overrides the same key in --kafka-config.")
    Map<String, String> kafkaProperties = new LinkedHashMap<>();

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = Topics.DEFAULT_PREFIX,
            description = "Prefix of the topic names (default: ${DEFAULT-VALUE}).")
    String topicPrefix;

    /**
     * The bootstrap servers.
     *
     * @return the servers, checked not blank
     * @throws CommandLine.ParameterException when missing or blank
     */
    String bootstrap() {
        OptionChecks checks = OptionChecks.of(mixee);
        if (bootstrap == null) {
            throw checks.invalid("Missing required option: '--bootstrap=SERVERS'");
        }
        checks.notBlank("--bootstrap", bootstrap);
        return bootstrap.strip();
    }

    /** Whether {@code --bootstrap} was given: {@code run} starts a broker when it was not. */
    boolean hasBootstrap() {
        return bootstrap != null;
    }

    /**
     * The topic names.
     *
     * @return the topics with the prefix
     * @throws CommandLine.ParameterException when the prefix is not a legal topic name part
     */
    Topics topics() {
        try {
            return Topics.withPrefix(topicPrefix);
        } catch (IllegalArgumentException e) {
            throw OptionChecks.of(mixee).invalid("--topic-prefix: " + e.getMessage());
        }
    }

    /**
     * The client properties: those of {@code --kafka-config}, then each {@code --kafka-property} over them.
     *
     * @return the properties, sorted by key
     * @throws UserFacingException (exit 104) when the file cannot be read
     */
    Map<String, String> clientProperties() {
        Map<String, String> values = new TreeMap<>(read(kafkaConfig));
        values.putAll(kafkaProperties);
        return values;
    }

    /**
     * Reads a Kafka client properties file.
     *
     * @param file the file, or null for none
     * @return the properties, empty when {@code file} is null
     * @throws UserFacingException (exit 104) when the file cannot be read
     */
    static Map<String, String> read(Path file) {
        if (file == null) {
            return Map.of();
        }
        if (!Files.isRegularFile(file)) {
            throw new UserFacingException("The Kafka configuration " + file + " does not exist or is not a file",
                    ExitCodes.INVALID_CONFIG, null);
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
