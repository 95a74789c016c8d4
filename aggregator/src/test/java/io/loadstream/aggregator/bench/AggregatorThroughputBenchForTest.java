package io.loadstream.aggregator.bench;

import static org.awaitility.Awaitility.await;

import io.loadstream.aggregator.Aggregator;
import io.loadstream.aggregator.AggregatorConfig;
import io.loadstream.broker.BrokerOptions;
import io.loadstream.broker.EmbeddedKafkaBroker;
import io.loadstream.events.ControlType;
import io.loadstream.events.EndpointTotals;
import io.loadstream.events.ErrorClass;
import io.loadstream.events.RequestTiming;
import io.loadstream.events.RunControl;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.EventSerdes;
import io.loadstream.schemas.TopicSetup;
import io.loadstream.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Aggregator throughput against a plain consumer loop, on the embedded broker, in one run. Run it with
 * {@code bench/aggregator-throughput.sh [EVENTS] [PARTITIONS]}.
 *
 * <ol>
 *   <li>pre-fills a requests topic with EVENTS {@code RequestTiming}s of one run (20 endpoints; each with a time to
 *       first byte and a passed check, as the generator writes them), heartbeats and
 *       FINISHED on every control partition;</li>
 *   <li>reads the requests topic with a plain {@code KafkaConsumer<byte[], byte[]>} loop (no decoding): the peer;</li>
 *   <li>starts one aggregator instance (1 stream thread, exactly_once_v2) and measures the time from start until its
 *       committed offsets reach the end of the requests topic; checks the {@code *} total.</li>
 * </ol>
 */
public final class AggregatorThroughputBenchForTest {

    /**
     * The run's start: now, on a whole second. (A fixed date in the past made the broker's 7-day retention delete
     * the pre-filled segments while the aggregator read them: its consumer then jumped to the log end, and the
     * {@code *} total came out short.)
     */
    private static final long T0 = System.currentTimeMillis() / 1000 * 1000;

    private AggregatorThroughputBenchForTest() {
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 5_000_000;
        int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        Path dir = Files.createTempDirectory("loadstream-bench");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(BrokerOptions.DEFAULT.withPort(0))) {
            String bootstrap = broker.bootstrapServers();
            Topics topics = Topics.withPrefix("bench-" + UUID.randomUUID().toString().substring(0, 8));
            Properties admin = new Properties();
            admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            new TopicSetup(partitions, (short) 1).ensure(admin, topics);

            long fillStart = System.nanoTime();
            fill(bootstrap, topics, partitions, events);
            report("fill", events, System.nanoTime() - fillStart);

            long consumerNanos = consume(bootstrap, topics.requests(), events);
            report("plain consumer loop", events, consumerNanos);

            AggregatorConfig config = AggregatorConfig.defaults(bootstrap)
                    .withApplicationId("bench-app-" + UUID.randomUUID().toString().substring(0, 8))
                    .withStateDir(dir).withTopics(topics).withPartitions(partitions);
            long start = System.nanoTime();
            long aggregatorNanos;
            try (Aggregator aggregator = Aggregator.start(config)) {
                aggregator.awaitRunning(Duration.ofMinutes(2));
                awaitCommitted(bootstrap, config.applicationId(), topics.requests(), Duration.ofMinutes(10));
                aggregatorNanos = System.nanoTime() - start;
                long total = starTotal(bootstrap, topics.totals(), Duration.ofMinutes(2));
                System.out.println("* complete total: " + total + " (expected " + events + ")");
            }
            report("aggregator (1 thread, exactly_once_v2, incl. start-up)", events, aggregatorNanos);
            System.out.printf("ratio aggregator / plain consumer time: %.2f%n",
                    (double) aggregatorNanos / consumerNanos);
        }
    }

    private static void report(String what, int events, long nanos) {
        double seconds = nanos / 1e9;
        System.out.printf("%-55s %,d events in %.2f s = %,.0f events/s%n", what, events, seconds, events / seconds);
    }

    private static void fill(String bootstrap, Topics topics, int partitions, int events) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        String runId = "bench-run";
        Random random = new Random(7);
        java.util.concurrent.atomic.AtomicLongArray acknowledged =
                new java.util.concurrent.atomic.AtomicLongArray(partitions);
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            sendControl(producer, topics, partitions, ControlType.STARTED, runId, T0);
            for (int i = 0; i < events; i++) {
                String endpoint = "GET /api/endpoint-" + (i % 20);
                long at = T0 + i / 50L;
                long latency = (long) (Math.exp(random.nextGaussian()) * 30_000);
                RequestTiming timing = RequestTiming.newBuilder().setRunId(runId).setGeneratorId("gen-1")
                        .setScenario("typical_user").setEndpoint(endpoint).setMethod("GET")
                        .setStatus(random.nextInt(100) == 0 ? 503 : 200)
                        .setErrorClass(random.nextInt(100) == 0 ? ErrorClass.STATUS : ErrorClass.NONE)
                        .setIntendedStartUs(at * 1000).setActualStartUs(at * 1000).setLatencyUs(latency)
                        .setServiceTimeUs(latency).setTimeToFirstByteUs(latency * 3 / 4).setCheckPassed(true)
                        .setBytesSent(200).setBytesReceived(2_000).setVu(i % 100).setIteration(i).build();
                producer.send(new ProducerRecord<>(topics.requests(), null, at,
                        EventKeys.requestKey(runId, endpoint).getBytes(StandardCharsets.UTF_8),
                        EventSerdes.requestTiming().serialize(topics.requests(), timing)),
                        (metadata, exception) -> {
                            if (exception == null) {
                                acknowledged.incrementAndGet(metadata.partition());
                            }
                        });
                if (i % 50_000 == 49_999) {
                    sendControl(producer, topics, partitions, ControlType.HEARTBEAT, runId, at);
                }
            }
            producer.flush();
            // As a generator does: FINISHED says how many timings the broker acknowledged on each partition.
            List<Long> perPartition = new java.util.ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                perPartition.add(acknowledged.get(p));
            }
            RunControl finished = RunControl.newBuilder().setRunId(runId).setType(ControlType.FINISHED)
                    .setTimestampMs(T0 + events / 50L + 1).setSource("gen-1").setRequestsSent(events)
                    .setRequestsPerPartition(perPartition).build();
            byte[] value = EventSerdes.runControl().serialize(topics.control(), finished);
            for (int p = 0; p < partitions; p++) {
                producer.send(new ProducerRecord<>(topics.control(), p, T0 + events / 50L + 1,
                        runId.getBytes(StandardCharsets.UTF_8), value));
            }
            producer.flush();
        }
    }

    private static void sendControl(KafkaProducer<byte[], byte[]> producer, Topics topics, int partitions,
                                    ControlType type, String runId, long watermark) {
        RunControl control = RunControl.newBuilder().setRunId(runId).setType(type).setTimestampMs(watermark)
                .setSource("gen-1").build();
        byte[] value = EventSerdes.runControl().serialize(topics.control(), control);
        for (int p = 0; p < partitions; p++) {
            producer.send(new ProducerRecord<>(topics.control(), p, watermark,
                    runId.getBytes(StandardCharsets.UTF_8), value));
        }
    }

    /** Reads the whole topic (to its end offsets at the start) with a plain consumer loop, values not decoded. */
    private static long consume(String bootstrap, String topic, int events) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        // The same fetch sizes as the aggregator's consumer.
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
        long start = System.nanoTime();
        long count = 0;
        long bytes = 0;
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    count++;
                    bytes += record.value().length;
                }
            }
        }
        long nanos = System.nanoTime() - start;
        System.out.println("plain consumer read " + count + " records (" + events + " produced), "
                + bytes / 1_000_000 + " MB of values");
        return nanos;
    }

    private static void awaitCommitted(String bootstrap, String groupId, String topic, Duration timeout)
            throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            var ends = admin.listOffsets(latest).all().get();
            // Polled every 100 ms: the end time is measured to that resolution.
            await("the aggregator's commits up to the end of " + topic).atMost(timeout)
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100)).until(() -> {
                        Map<TopicPartition, OffsetAndMetadata> committed =
                                admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
                        return ends.entrySet().stream().allMatch(e -> committed.get(e.getKey()) != null
                                && committed.get(e.getKey()).offset() >= e.getValue().offset());
                    });
        }
    }

    /** The count of the complete {@code *} totals, or -1 when they do not come within the timeout. */
    private static long starTotal(String bootstrap, String topic, Duration timeout) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-totals-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            AtomicLong count = new AtomicLong(-1);
            // The consumer is not thread-safe: poll it on this thread.
            await("complete * totals on " + topic).atMost(timeout).pollInSameThread().pollInterval(Duration.ZERO)
                    .until(() -> {
                        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                            EndpointTotals totals = EventSerdes.endpointTotals().deserialize(topic, record.value());
                            if (totals.getComplete() && totals.getEndpoint().equals(EventKeys.ALL_ENDPOINTS)) {
                                count.set(totals.getStats().getCount());
                                return true;
                            }
                        }
                        return false;
                    });
            return count.get();
        } catch (ConditionTimeoutException e) {
            return -1;
        }
    }
}
