package io.loadstream.schemas;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidMetadataException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates the loadstream topics that are missing, and checks the layout that the pipeline relies on: the control
 * topic has exactly as many partitions as the requests topic, because the aggregator reads both in one
 * sub-topology (co-partitioned) and generators send their heartbeats to every control partition.
 *
 * <p>Immutable; {@link #DEFAULT} gives 6 partitions and replication factor 1 (one broker).
 *
 * @param partitions  partitions of every topic, at least 1; the parallelism of the aggregator
 * @param replication replication factor of every topic, at least 1 and at most the number of brokers
 */
public record TopicSetup(int partitions, short replication) {

    /** Six partitions, one replica: right for the embedded broker and for up to six aggregator threads. */
    public static final TopicSetup DEFAULT = new TopicSetup(6, (short) 1);

    private static final long TIMEOUT_SECONDS = 30;
    private static final Duration METADATA_RETRY = Duration.ofMillis(100);

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException when partitions or replication is below 1
     */
    public TopicSetup {
        if (partitions < 1) {
            throw new IllegalArgumentException("Topics need at least 1 partition, not " + partitions);
        }
        if (replication < 1) {
            throw new IllegalArgumentException("Topics need a replication factor of at least 1, not " + replication);
        }
    }

    /**
     * Creates every topic of {@code topics} that does not exist yet, and checks that the control and requests
     * topics have the same number of partitions. Existing topics are left as they are. The alerts topic is
     * compacted (its key is the alert's fingerprint, so it holds the current state of every alert).
     *
     * @param adminProperties Kafka client properties, with at least {@code bootstrap.servers}
     * @param topics          the topic names
     * @throws IllegalStateException when the control and requests topics exist with different partition counts,
     *                               or Kafka does not answer within 30 s
     */
    public void ensure(Properties adminProperties, Topics topics) {
        Properties props = new Properties();
        props.putAll(adminProperties);
        props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                (int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        Admin admin = Admin.create(props);
        try {
            Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String name : topics.all()) {
                if (!existing.contains(name)) {
                    missing.add(newTopic(name, topics));
                }
            }
            create(admin, missing);
            checkCoPartitioned(admin, topics);
            awaitLeaders(admin, missing.stream().map(NewTopic::name).toList(), Duration.ofSeconds(TIMEOUT_SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating the loadstream topics", e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            String servers = adminProperties.getProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
            // A wait of our own that ran out (Poll) heard the broker: its message says what did not happen.
            if (!(cause instanceof Poll.TimedOutException) && (cause instanceof TimeoutException
                    || cause instanceof org.apache.kafka.common.errors.TimeoutException)) {
                throw new IllegalStateException("No Kafka broker answered at " + servers + " within "
                        + TIMEOUT_SECONDS + " s; check the bootstrap servers, or start one with "
                        + "'loadstream broker'.", cause);
            }
            throw new IllegalStateException("Could not create the loadstream topics at " + servers + ": "
                    + cause.getMessage(), cause);
        } finally {
            // Every call above has ended by now, or was given up (timeout, Ctrl-C): a plain close() would wait
            // for a given-up call to reach its own deadline, up to 30 s with Kafka unreachable.
            admin.close(Duration.ZERO);
        }
    }

    private NewTopic newTopic(String name, Topics topics) {
        NewTopic topic = new NewTopic(name, partitions, replication);
        Map<String, String> configs = new HashMap<>();
        if (name.equals(topics.alerts())) {
            // The key is run + fingerprint, so compaction keeps the current state of every alert.
            configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        }
        return topic.configs(configs);
    }

    private static void create(Admin admin, List<NewTopic> missing)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (missing.isEmpty()) {
            return;
        }
        var results = admin.createTopics(missing).values();
        for (var result : results.values()) {
            try {
                result.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                // Another process created it between our list and our create: that is what we wanted.
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    private static void checkCoPartitioned(Admin admin, Topics topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        int requests = partitionCount(admin, topics.requests());
        int control = partitionCount(admin, topics.control());
        if (requests != control) {
            throw new IllegalStateException("Topic " + topics.control() + " has " + control + " partitions but "
                    + topics.requests() + " has " + requests + "; they must have the same number, because the "
                    + "aggregator reads them together. Recreate one of them, or use another topic prefix.");
        }
    }

    /**
     * Waits until every partition of the given topics has a leader that serves it. Right after creation a broker may
     * still answer NOT_LEADER_OR_FOLLOWER, and an idempotent producer that meets it on a fresh partition can retry
     * until its delivery timeout and drop records (KAFKA-15591, fixed in the broker from Kafka 4.5: a later batch is
     * appended first, and every retry of the earlier one is then OUT_OF_ORDER_SEQUENCE_NUMBER); waiting keeps that
     * from the first records of a run. A leader in the metadata is not enough: the broker publishes it before its
     * replica manager has the partition (a test producer met exactly this right after such a wait, and three
     * partitions spun for 90 s), so this also asks each partition's leader for its end offset until every one
     * answers. The one wait for leaders in loadstream: tests that create topics use it too.
     *
     * @param admin   an admin client of the cluster
     * @param created the topics; a topic not known yet counts as without leaders
     * @param timeout how long to wait at most
     * @throws InterruptedException when interrupted while waiting
     * @throws ExecutionException   when describing the topics fails for another reason than an unknown topic
     * @throws TimeoutException     when a partition still has no leader after {@code timeout}
     */
    public static void awaitLeaders(Admin admin, Collection<String> created, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (created.isEmpty()) {
            return;
        }
        Map<String, TopicDescription> led = Poll.untilPresent(timeout, METADATA_RETRY,
                () -> describeKnown(admin, created).filter(described -> described.values().stream()
                        .flatMap(d -> d.partitions().stream())
                        .allMatch(p -> p.leader() != null && !p.leader().isEmpty())),
                () -> "The topics " + created + " had no leader for every partition within " + timeout.toSeconds()
                        + " s");
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        led.values().forEach(d -> d.partitions().forEach(
                p -> partitions.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
        Poll.until(timeout, METADATA_RETRY, () -> servesAll(admin, partitions),
                () -> "The leaders of " + created + " did not serve every partition within " + timeout.toSeconds()
                        + " s");
    }

    /** Whether the leader of every partition answers for it (a list-offsets request, served by its replicas). */
    private static boolean servesAll(Admin admin, Map<TopicPartition, OffsetSpec> partitions)
            throws InterruptedException, ExecutionException, TimeoutException {
        try {
            admin.listOffsets(partitions).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof InvalidMetadataException) {
                return false;
            }
            throw e;
        }
    }

    /** A topic just created may be unknown to the broker's metadata for a moment: ask again, within a bound. */
    private static int partitionCount(Admin admin, String topic)
            throws InterruptedException, ExecutionException, TimeoutException {
        return Poll.untilPresent(Duration.ofSeconds(TIMEOUT_SECONDS), METADATA_RETRY,
                () -> describeKnown(admin, List.of(topic)).map(d -> d.get(topic).partitions().size()),
                () -> "The broker did not know topic " + topic + " within " + TIMEOUT_SECONDS + " s");
    }

    /** The topics' descriptions, or empty while the broker does not know one of them yet. */
    private static Optional<Map<String, TopicDescription>> describeKnown(Admin admin, Collection<String> topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        try {
            return Optional.of(admin.describeTopics(topics).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
