package io.loadstream.aggregator;

import io.loadstream.aggregator.topology.AggregatorTopology;
import io.loadstream.schemas.TopicSetup;
import io.loadstream.schemas.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One aggregator instance: a Kafka Streams application that turns the request, control and system topics into
 * closed windows, run totals and system windows. Start it with {@link #start(AggregatorConfig)}, wait for it with
 * {@link #awaitRunning(Duration)}, stop it with {@link #close(Duration)}. Instances with the same application id
 * share the partitions.
 */
public final class Aggregator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Aggregator.class);
    private static final long ADMIN_TIMEOUT_S = 30;

    private final KafkaStreams streams;
    private final CompletableFuture<Void> running = new CompletableFuture<>();
    private final CompletableFuture<Throwable> failed = new CompletableFuture<>();

    private Aggregator(KafkaStreams streams) {
        this.streams = streams;
    }

    /**
     * Builds the aggregator's topology.
     *
     * @param topics the topic names
     * @param config the configuration; {@link AggregatorConfig#partitions()} must equal the partitions of the
     *               requests topic (the number of tasks that send {@code *} shares)
     * @return the topology
     */
    public static Topology buildTopology(Topics topics, AggregatorConfig config) {
        return AggregatorTopology.build(topics, config, config.partitions());
    }

    /**
     * Returns the Kafka Streams properties of an instance: the one place where they are set.
     *
     * @param config the configuration
     * @return new properties
     */
    public static Properties streamsConfig(AggregatorConfig config) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        if (config.stateDir() != null) {
            props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        }
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.threads());
        // Totals must equal the requests sent, across crashes: state, outputs and offsets commit together.
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // Each commit serializes the dirty histograms: 1 s instead of the exactly-once default of 100 ms.
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitInterval().toMillis());
        // Kafka's default, stated because the run life cycle leans on it: before reading a record with a later
        // timestamp, wait for data already on the broker, so that heartbeats come after the requests sent before
        // them (with -1, a single instance counted 10% of a run's requests as late in ScaleOutTest).
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, 0L);
        // Changelog and output records compress well (histograms and repeated names).
        props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        // A record that a processor throws on, or that does not deserialize, is dead-lettered; the task goes on.
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class);
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class);
        props.put(DeadLetterExceptionHandler.TOPIC_CONFIG, config.topics().dlq());
        props.putAll(config.extraProperties());
        return props;
    }

    /**
     * Creates the missing topics, then starts an instance. Returns at once; see {@link #awaitRunning(Duration)}.
     *
     * @param config the configuration
     * @return the running instance; close it
     * @throws IllegalStateException when the topics cannot be created or checked (Kafka unreachable, control and
     *                               requests topics with different partition counts)
     */
    public static Aggregator start(AggregatorConfig config) {
        Properties admin = new Properties();
        // The extra properties carry the client's security settings (e.g. from --kafka-config) to the admin too.
        admin.putAll(config.extraProperties());
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        new TopicSetup(config.partitions(), (short) 1).ensure(admin, config.topics());
        int partitions = requestPartitions(admin, config.topics().requests());
        AggregatorConfig effective = partitions == config.partitions() ? config : config.withPartitions(partitions);
        KafkaStreams streams = new KafkaStreams(buildTopology(config.topics(), effective), streamsConfig(effective));
        Aggregator aggregator = new Aggregator(streams);
        streams.setStateListener((newState, oldState) -> {
            LOG.info("Aggregator {} -> {}", oldState, newState);
            if (newState == KafkaStreams.State.RUNNING) {
                aggregator.running.complete(null);
            } else if (newState == KafkaStreams.State.ERROR || newState == KafkaStreams.State.NOT_RUNNING) {
                aggregator.failed.complete(new IllegalStateException("The aggregator stopped: " + newState));
                aggregator.running.completeExceptionally(
                        new IllegalStateException("The aggregator stopped before running: " + newState));
            }
        });
        ThreadRecovery recovery = new ThreadRecovery(System::currentTimeMillis);
        streams.setUncaughtExceptionHandler(e -> {
            StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse response = recovery.decide(e);
            if (response == StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD) {
                // What the old thread had not committed is aborted; the new one resumes from the last commit.
                LOG.warn("A stream thread failed on a broker fault ({}); replacing it", e.toString());
                return response;
            }
            LOG.error("The aggregator failed", e);
            aggregator.failed.complete(e);
            return response;
        });
        streams.start();
        return aggregator;
    }

    private static int requestPartitions(Properties adminProps, String topic) {
        try (Admin admin = Admin.create(adminProps)) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(ADMIN_TIMEOUT_S, TimeUnit.SECONDS)
                    .get(topic).partitions().size();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while describing " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot describe topic " + topic + ": " + e.getMessage(), e);
        }
    }

    /**
     * Waits until the instance has joined its group and restored its state.
     *
     * @param timeout how long to wait at most
     * @throws IllegalStateException when it stopped, or did not get there in time
     */
    public void awaitRunning(Duration timeout) {
        try {
            running.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the aggregator", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("The aggregator was not running after " + timeout.toSeconds()
                    + " s (state " + streams.state() + ")", e);
        }
    }

    /**
     * Completes when the instance fails or stops by itself, with the cause.
     *
     * @return a future of the failure
     */
    public CompletableFuture<Throwable> failure() {
        return failed;
    }

    /**
     * Returns the Kafka Streams state.
     *
     * @return the state
     */
    public KafkaStreams.State state() {
        return streams.state();
    }

    /**
     * The largest consumer lag of this instance's input partitions, from Kafka's {@code records-lag-max} of its
     * main consumers (the restore consumers are left out): how far behind the generators it reads.
     *
     * @return records behind; NaN before the first fetch
     */
    public double consumerLagRecords() {
        double lag = Double.NaN;
        for (Map.Entry<MetricName, ? extends Metric> entry : streams.metrics().entrySet()) {
            MetricName name = entry.getKey();
            if (name.name().equals("records-lag-max") && name.group().equals("consumer-fetch-manager-metrics")
                    && !name.tags().getOrDefault("client-id", "").endsWith("restore-consumer")
                    && entry.getValue().metricValue() instanceof Double value && Double.isFinite(value)) {
                lag = Double.isNaN(lag) ? value : Math.max(lag, value);
            }
        }
        return lag;
    }

    /**
     * Records this instance set aside since it started: the dead letters of its own checks (the {@code
     * dead-letter-total} of every task) and those of {@link DeadLetterExceptionHandler} in this JVM.
     *
     * @return the count
     */
    public long deadLetters() {
        double total = DeadLetterExceptionHandler.caught();
        for (Map.Entry<MetricName, ? extends Metric> entry : streams.metrics().entrySet()) {
            if (entry.getKey().name().equals("dead-letter-total")
                    && entry.getValue().metricValue() instanceof Double value && Double.isFinite(value)) {
                total += value;
            }
        }
        return Math.round(total);
    }

    /**
     * Stops the instance: commits what it processed and leaves the group.
     *
     * @param timeout how long to wait for the threads to stop
     * @return true when it stopped within the timeout
     */
    public boolean close(Duration timeout) {
        return streams.close(timeout);
    }

    /** Stops the instance, waiting up to 30 s. */
    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
