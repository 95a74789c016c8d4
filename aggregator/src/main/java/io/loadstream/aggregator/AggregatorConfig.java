package io.loadstream.aggregator;

import io.loadstream.schemas.TopicSetup;
import io.loadstream.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Configuration of one aggregator instance. Immutable; start from {@link #defaults(String)} and change it with the
 * {@code with...} methods.
 *
 * @param bootstrapServers  Kafka {@code bootstrap.servers}; not blank
 * @param applicationId     Kafka Streams {@code application.id}: instances with the same id share the work;
 *                          default {@value #DEFAULT_APPLICATION_ID}
 * @param stateDir          Kafka Streams {@code state.dir}; null for Kafka's default (a temporary directory)
 * @param threads           stream threads of this instance, at least 1
 * @param topics            the topic names
 * @param partitions        partitions of the topics created when missing (and so the number of tasks), at least 1;
 *                          when the requests topic exists already, its own count wins
 * @param defaultWindowSize window size of runs whose {@code STARTED} record has not arrived; positive
 * @param defaultGrace      grace of such runs; not negative
 * @param idleTimeout       a run with no record at a task for this long (wall clock) is closed as if it had
 *                          finished: the fallback for generators that die without sending {@code FINISHED}; positive
 * @param commitInterval    Kafka Streams {@code commit.interval.ms}: how often state and outputs are committed;
 *                          positive
 * @param extraProperties   further Kafka Streams properties, applied last (they override the ones above)
 */
public record AggregatorConfig(String bootstrapServers, String applicationId, Path stateDir, int threads,
                               Topics topics, int partitions, Duration defaultWindowSize, Duration defaultGrace,
                               Duration idleTimeout, Duration commitInterval, Map<String, String> extraProperties) {

    /** Default {@code application.id}. */
    public static final String DEFAULT_APPLICATION_ID = "loadstream-aggregator";
    /** Default window size: 10 s, as in the {@code RunControl} schema. */
    public static final Duration DEFAULT_WINDOW_SIZE = Duration.ofSeconds(10);
    /** Default grace: 2 s, as in the {@code RunControl} schema. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(2);
    /** Default idle timeout of a run: 60 s without any of its records. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** Default commit interval: 1 s (the exactly-once default of 100 ms would serialize state ten times as often). */
    public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofSeconds(1);

    /**
     * Checks the values and copies the map.
     *
     * @throws IllegalArgumentException when a value is out of range, with a message naming it
     */
    public AggregatorConfig {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrap servers must not be blank");
        }
        if (applicationId == null || applicationId.isBlank()) {
            throw new IllegalArgumentException("application id must not be blank");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, not " + threads);
        }
        if (topics == null) {
            throw new IllegalArgumentException("topics must not be null");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, not " + partitions);
        }
        requirePositive("default window size", defaultWindowSize);
        if (defaultGrace == null || defaultGrace.isNegative()) {
            throw new IllegalArgumentException("default grace must not be negative: " + defaultGrace);
        }
        requirePositive("idle timeout", idleTimeout);
        requirePositive("commit interval", commitInterval);
        extraProperties = Map.copyOf(extraProperties == null ? Map.of() : extraProperties);
    }

    /**
     * Returns the defaults for a cluster: application id {@value #DEFAULT_APPLICATION_ID}, Kafka's default state
     * directory, 1 thread, {@link Topics#DEFAULT}, {@link TopicSetup#DEFAULT}'s partitions, 10 s windows with 2 s
     * grace, 60 s idle timeout, 1 s commits.
     *
     * @param bootstrapServers Kafka {@code bootstrap.servers}
     * @return the configuration
     */
    public static AggregatorConfig defaults(String bootstrapServers) {
        return new AggregatorConfig(bootstrapServers, DEFAULT_APPLICATION_ID, null, 1, Topics.DEFAULT,
                TopicSetup.DEFAULT.partitions(), DEFAULT_WINDOW_SIZE, DEFAULT_GRACE, DEFAULT_IDLE_TIMEOUT,
                DEFAULT_COMMIT_INTERVAL, Map.of());
    }

    /** @param id the application id @return a copy with it */
    public AggregatorConfig withApplicationId(String id) {
        return new AggregatorConfig(bootstrapServers, id, stateDir, threads, topics, partitions, defaultWindowSize,
                defaultGrace, idleTimeout, commitInterval, extraProperties);
    }

    /** @param dir the state directory, or null for Kafka's default @return a copy with it */
    public AggregatorConfig withStateDir(Path dir) {
        return new AggregatorConfig(bootstrapServers, applicationId, dir, threads, topics, partitions,
                defaultWindowSize, defaultGrace, idleTimeout, commitInterval, extraProperties);
    }

    /** @param count stream threads, at least 1 @return a copy with it */
    public AggregatorConfig withThreads(int count) {
        return new AggregatorConfig(bootstrapServers, applicationId, stateDir, count, topics, partitions,
                defaultWindowSize, defaultGrace, idleTimeout, commitInterval, extraProperties);
    }

    /** @param names the topic names @return a copy with them */
    public AggregatorConfig withTopics(Topics names) {
        return new AggregatorConfig(bootstrapServers, applicationId, stateDir, threads, names, partitions,
                defaultWindowSize, defaultGrace, idleTimeout, commitInterval, extraProperties);
    }

    /** @param count partitions of created topics, and tasks, at least 1 @return a copy with it */
    public AggregatorConfig withPartitions(int count) {
        return new AggregatorConfig(bootstrapServers, applicationId, stateDir, threads, topics, count,
                defaultWindowSize, defaultGrace, idleTimeout, commitInterval, extraProperties);
    }

    /**
     * @param windowSize default window size, positive
     * @param grace      default grace, not negative
     * @return a copy with them
     */
    public AggregatorConfig withDefaultWindow(Duration windowSize, Duration grace) {
        return new AggregatorConfig(bootstrapServers, applicationId, stateDir, threads, topics, partitions,
                windowSize, grace, idleTimeout, commitInterval, extraProperties);
    }

    /** @param timeout idle timeout of a run, positive @return a copy with it */
    public AggregatorConfig withIdleTimeout(Duration timeout) {
        return new AggregatorConfig(bootstrapServers, applicationId, stateDir, threads, topics, partitions,
                defaultWindowSize, defaultGrace, timeout, commitInterval, extraProperties);
    }

    /** @param interval commit interval, positive @return a copy with it */
    public AggregatorConfig withCommitInterval(Duration interval) {
        return new AggregatorConfig(bootstrapServers, applicationId, stateDir, threads, topics, partitions,
                defaultWindowSize, defaultGrace, idleTimeout, interval, extraProperties);
    }

    /** @param properties further Kafka Streams properties, applied last @return a copy with them */
    public AggregatorConfig withExtraProperties(Map<String, String> properties) {
        return new AggregatorConfig(bootstrapServers, applicationId, stateDir, threads, topics, partitions,
                defaultWindowSize, defaultGrace, idleTimeout, commitInterval, properties);
    }

    private static void requirePositive(String what, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be positive: " + value);
        }
    }
}
