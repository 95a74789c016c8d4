package io.loadstream.aggregator;

import static org.awaitility.Awaitility.await;

import io.loadstream.events.ControlType;
import io.loadstream.events.EndpointTotals;
import io.loadstream.events.EndpointWindow;
import io.loadstream.events.RequestTiming;
import io.loadstream.events.RunControl;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.EventSerdes;
import io.loadstream.schemas.Topics;
import io.loadstream.schemas.fixtures.EventFixtures;
import io.loadstream.testkit.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/** Plays the generators' part on a real broker, and reads what the aggregator wrote (read_committed). */
final class KafkaRun implements AutoCloseable {

    final Topics topics;
    final int partitions;
    private final KafkaProducer<byte[], byte[]> producer;
    private final TestKafka kafka;
    /** Requests acknowledged per run and generator ({@code runId|generatorId}) and partition. */
    private final Map<String, long[]> acknowledged = new HashMap<>();
    private final java.util.Queue<Exception> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();

    KafkaRun(TestKafka kafka, Topics topics, int partitions) {
        this.kafka = kafka;
        this.topics = topics;
        this.partitions = partitions;
        Properties config = kafka.producerProperties();
        // Not idempotent, one request in flight: on topics created a moment ago the broker may answer
        // NOT_LEADER_OR_FOLLOWER, and an idempotent producer then once retried OUT_OF_ORDER_SEQUENCE_NUMBER until its
        // delivery timeout and lost the records (seen in CI). Plain retries of one in-flight request keep the order
        // and write each record once.
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        this.producer = new KafkaProducer<>(config);
    }

    void send(RequestTiming request) {
        String key = EventKeys.requestKey(request.getRunId(), request.getEndpoint());
        String source = request.getRunId() + "|" + request.getGeneratorId();
        producer.send(new ProducerRecord<>(topics.requests(), null, request.getIntendedStartUs() / 1000,
                key.getBytes(StandardCharsets.UTF_8), EventSerdes.requestTiming().serialize(topics.requests(),
                request)), (metadata, exception) -> {
                    if (exception == null) {
                        synchronized (acknowledged) {
                            acknowledged.computeIfAbsent(source, s -> new long[partitions])[metadata.partition()]++;
                        }
                    } else {
                        failures.add(exception);
                    }
                });
    }

    /**
     * The FINISHED record of one generator, as the generator sends it: with the requests the broker acknowledged per
     * partition (flushes first).
     */
    RunControl finished(String runId, String generatorId, long timestampMs, int segmentIndex, int segments) {
        flush();
        List<Long> perPartition = new ArrayList<>();
        synchronized (acknowledged) {
            for (long count : acknowledged.getOrDefault(runId + "|" + generatorId, new long[partitions])) {
                perPartition.add(count);
            }
        }
        RunControl control = EventFixtures.control(runId, ControlType.FINISHED, timestampMs, segmentIndex, segments);
        control.setSource(generatorId);
        control.setRequestsSent(perPartition.stream().mapToLong(Long::longValue).sum());
        control.setRequestsPerPartition(perPartition);
        return control;
    }

    /** Sends a control record to every control partition, as generators do. */
    void sendToAllPartitions(RunControl control, long watermarkMs) {
        byte[] value = EventSerdes.runControl().serialize(topics.control(), control);
        for (int p = 0; p < partitions; p++) {
            producer.send(new ProducerRecord<>(topics.control(), p, watermarkMs,
                    control.getRunId().getBytes(StandardCharsets.UTF_8), value), (metadata, exception) -> {
                        if (exception != null) {
                            failures.add(exception);
                        }
                    });
        }
    }

    /** Sends everything buffered; fails the test when a record was not delivered (the inputs must be complete). */
    void flush() {
        producer.flush();
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.size() + " test records were not delivered; first: " + failures.peek());
        }
    }

    /** Output of the aggregator: the last value per key, and how often each key came. */
    static final class Output<V> {
        final Map<String, V> last = new HashMap<>();
        final Map<String, Integer> times = new HashMap<>();
    }

    Output<EndpointWindow> windowsConsumer(Output<EndpointWindow> into, KafkaConsumer<byte[], byte[]> consumer) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            String key = new String(r.key(), StandardCharsets.UTF_8);
            into.last.put(key, EventSerdes.endpointWindow().deserialize(r.topic(), r.value()));
            into.times.merge(key, 1, Integer::sum);
        }
        return into;
    }

    KafkaConsumer<byte[], byte[]> committedConsumer(String topic) {
        Properties config = kafka.consumerProperties();
        // Only what the aggregator committed: aborted transactions of a killed instance stay invisible.
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config);
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    /**
     * Reads complete totals until {@code done} holds for them; fails when the timeout passes first, or when complete
     * totals of one key come twice.
     */
    Map<String, EndpointTotals> completeTotals(Predicate<Map<String, EndpointTotals>> done, Duration timeout) {
        Map<String, EndpointTotals> complete = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = committedConsumer(topics.totals())) {
            // The consumer is not thread-safe: poll it on this thread.
            await("complete totals on " + topics.totals()).atMost(timeout).pollInSameThread()
                    .pollInterval(Duration.ZERO).until(() -> {
                        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                            EndpointTotals totals = EventSerdes.endpointTotals().deserialize(r.topic(), r.value());
                            if (totals.getComplete()) {
                                EndpointTotals before =
                                        complete.put(new String(r.key(), StandardCharsets.UTF_8), totals);
                                if (before != null) {
                                    throw new AssertionError("Complete totals emitted twice for "
                                            + totals.getRunId() + "|" + totals.getEndpoint());
                                }
                            }
                        }
                        return done.test(complete);
                    });
        }
        return complete;
    }

    /** Reads every committed window on the topic now: from the beginning up to the last stable offset. */
    Output<EndpointWindow> windows(Duration timeout) {
        Output<EndpointWindow> out = new Output<>();
        Properties config = kafka.consumerProperties();
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitionsOf = consumer.partitionsFor(topics.windows()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitionsOf);
            consumer.seekToBeginning(partitionsOf);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitionsOf);
            await("windows up to the end of " + topics.windows()).atMost(timeout).pollInSameThread()
                    .pollInterval(Duration.ZERO).until(() -> {
                        windowsConsumer(out, consumer);
                        return partitionsOf.stream().allMatch(p -> consumer.position(p) >= end.get(p));
                    });
        }
        return out;
    }

    @Override
    public void close() {
        producer.close();
    }
}
