package io.loadstream.broker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How to start an {@link EmbeddedKafkaBroker}: an immutable value; start from {@link #DEFAULT} and change it
 * with the {@code with...} methods.
 *
 * @param port            the client (PLAINTEXT) port on 127.0.0.1, 1 to 65535, or 0 to pick a free one
 * @param controllerPort  the KRaft controller port on 127.0.0.1, 1 to 65535, or 0 to pick a free one
 * @param directory       the broker's own directory (its data, configuration and logs); kept after
 *                        {@link EmbeddedKafkaBroker#close()}. Empty: a temporary directory, deleted on close
 * @param startTimeout    how long to wait for the broker to answer clients before giving up
 * @param stopTimeout     how long a graceful shutdown may take before the broker's JVM is killed
 * @param jvmOptions      options for the broker's JVM (heap, GC); empty means {@link #DEFAULT_JVM_OPTIONS}
 * @param serverOverrides extra or replaced Kafka server properties, applied last
 */
public record BrokerOptions(
        int port,
        int controllerPort,
        Optional<Path> directory,
        Duration startTimeout,
        Duration stopTimeout,
        List<String> jvmOptions,
        Map<String, String> serverOverrides) {

    /**
     * The broker JVM's default options. A 1 GiB heap holds every test and benchmark here; G1 with a short
     * pause goal keeps produce latency flat while a load test runs beside it.
     */
    public static final List<String> DEFAULT_JVM_OPTIONS =
            List.of("-Xms256m", "-Xmx1g", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-Djava.awt.headless=true");

    /** Free ports, a temporary directory, 60 s to start, 30 s to stop. */
    public static final BrokerOptions DEFAULT = new BrokerOptions(
            0, 0, Optional.empty(), Duration.ofSeconds(60), Duration.ofSeconds(30), List.of(), Map.of());

    public BrokerOptions {
        checkPort("port", port);
        checkPort("controllerPort", controllerPort);
        if (port != 0 && port == controllerPort) {
            throw new IllegalArgumentException("port and controllerPort must differ, both are " + port);
        }
        Objects.requireNonNull(directory, "directory");
        checkPositive("startTimeout", startTimeout);
        checkPositive("stopTimeout", stopTimeout);
        jvmOptions = List.copyOf(jvmOptions);
        serverOverrides = Map.copyOf(new TreeMap<>(serverOverrides));
    }

    private static void checkPort(String name, int value) {
        if (value < 0 || value > 65535) {
            throw new IllegalArgumentException(name + " must be between 1 and 65535 (or 0 for a free port), was "
                    + value);
        }
    }

    private static void checkPositive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }

    /** Returns a copy listening for clients on {@code port} (0 picks a free port). */
    public BrokerOptions withPort(int port) {
        return new BrokerOptions(port, controllerPort, directory, startTimeout, stopTimeout, jvmOptions,
                serverOverrides);
    }

    /** Returns a copy with the KRaft controller on {@code controllerPort} (0 picks a free port). */
    public BrokerOptions withControllerPort(int controllerPort) {
        return new BrokerOptions(port, controllerPort, directory, startTimeout, stopTimeout, jvmOptions,
                serverOverrides);
    }

    /** Returns a copy that keeps its data in {@code directory}, created if missing and kept on close. */
    public BrokerOptions withDirectory(Path directory) {
        return new BrokerOptions(port, controllerPort, Optional.of(directory), startTimeout, stopTimeout,
                jvmOptions, serverOverrides);
    }

    /** Returns a copy that waits at most {@code startTimeout} for the broker to answer. */
    public BrokerOptions withStartTimeout(Duration startTimeout) {
        return new BrokerOptions(port, controllerPort, directory, startTimeout, stopTimeout, jvmOptions,
                serverOverrides);
    }

    /** Returns a copy whose broker JVM runs with {@code jvmOptions} instead of {@link #DEFAULT_JVM_OPTIONS}. */
    public BrokerOptions withJvmOptions(List<String> jvmOptions) {
        return new BrokerOptions(port, controllerPort, directory, startTimeout, stopTimeout, jvmOptions,
                serverOverrides);
    }

    /** Returns a copy with one more Kafka server property, which wins over the defaults. */
    public BrokerOptions withServerProperty(String key, String value) {
        Map<String, String> merged = new TreeMap<>(serverOverrides);
        merged.put(key, value);
        return new BrokerOptions(port, controllerPort, directory, startTimeout, stopTimeout, jvmOptions, merged);
    }

    /**
     * Returns a copy whose broker deletes records older than {@code retention} (Kafka's {@code log.retention.ms};
     * its default is 7 days), rolling each partition's log every quarter of it (at least a minute, at most a day):
     * Kafka deletes whole segments only, so that the disk holds about 1.25 times the retention's worth of records
     * rather than up to a 1 GiB segment per partition more.
     *
     * @param retention how long records are kept, at least a minute
     * @return the copy
     */
    public BrokerOptions withRetention(Duration retention) {
        if (retention.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException("The retention must be at least 1 minute, not " + retention);
        }
        long rollMs = Math.max(Duration.ofMinutes(1).toMillis(),
                Math.min(Duration.ofDays(1).toMillis(), retention.toMillis() / 4));
        return withServerProperty("log.retention.ms", Long.toString(retention.toMillis()))
                .withServerProperty("log.roll.ms", Long.toString(rollMs));
    }

    /** The JVM options in effect: {@link #jvmOptions()}, or the defaults when it is empty. */
    public List<String> effectiveJvmOptions() {
        return jvmOptions.isEmpty() ? DEFAULT_JVM_OPTIONS : jvmOptions;
    }
}
