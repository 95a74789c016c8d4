package io.loadstream.cli;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/** The options of an embedded broker's JVM ({@code broker}, and {@code run} without {@code --bootstrap}). */
final class BrokerJvmOptions {

    /** Environment variable with the broker JVM's options, split on white space. */
    static final String ENV = "LOADSTREAM_BROKER_JAVA_OPTS";

    private BrokerJvmOptions() {
    }

    /**
     * The options that {@value #ENV} gives.
     *
     * @param environment reads environment variables
     * @return the options; empty means the broker's defaults
     */
    static List<String> from(Function<String, String> environment) {
        return parse(environment.apply(ENV));
    }

    /**
     * Splits a value of {@value #ENV} on white space.
     *
     * @param value the variable's value, or null when unset
     * @return the options; empty when the value is null or blank
     */
    static List<String> parse(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.asList(value.trim().split("\\s+"));
    }
}
