package io.loadstream.testkit;

import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Where the tests' Kafka broker comes from, in order of preference.
 */
public enum KafkaSource {
    /** An existing cluster named by the {@value #BOOTSTRAP_ENV} environment variable. */
    ENVIRONMENT,
    /** A Testcontainers {@code apache/kafka} container, when a Docker engine answers. */
    TESTCONTAINERS,
    /** loadstream's own embedded KRaft broker, started from the Kafka Maven artifacts. */
    EMBEDDED;

    /** The environment variable that points the tests at an existing cluster: {@code host:port[,host:port]}. */
    public static final String BOOTSTRAP_ENV = "LOADSTREAM_TEST_BOOTSTRAP";

    /**
     * Set to {@code false} to skip the Docker probe and use the embedded broker at once, even where Docker runs.
     */
    public static final String DOCKER_ENV = "LOADSTREAM_TEST_DOCKER";

    /**
     * Chooses the source: the environment variable if set and not blank, then Docker if it answers, then the
     * embedded broker.
     *
     * @param env             the process environment
     * @param dockerAvailable asked only when the environment names no cluster and does not switch Docker off
     */
    public static KafkaSource choose(Map<String, String> env, BooleanSupplier dockerAvailable) {
        if (configuredBootstrap(env).isPresent()) {
            return ENVIRONMENT;
        }
        boolean dockerAllowed = !"false".equalsIgnoreCase(env.getOrDefault(DOCKER_ENV, "").trim());
        if (dockerAllowed && dockerAvailable.getAsBoolean()) {
            return TESTCONTAINERS;
        }
        return EMBEDDED;
    }

    /** The bootstrap address named by {@value #BOOTSTRAP_ENV}, if it is set and not blank. */
    public static Optional<String> configuredBootstrap(Map<String, String> env) {
        return Optional.ofNullable(env.get(BOOTSTRAP_ENV)).map(String::trim).filter(s -> !s.isEmpty());
    }
}
