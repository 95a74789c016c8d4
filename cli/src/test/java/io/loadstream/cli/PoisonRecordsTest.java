package io.loadstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loadstream.events.ControlType;
import io.loadstream.events.HostRole;
import io.loadstream.events.RequestTiming;
import io.loadstream.generator.plan.Plan;
import io.loadstream.generator.plan.PlanParser;
import io.loadstream.reporter.ReporterResult;
import io.loadstream.reporter.threshold.ThresholdRules;
import io.loadstream.schemas.DeadLetters;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.EventSerdes;
import io.loadstream.schemas.TopicSetup;
import io.loadstream.schemas.Topics;
import io.loadstream.schemas.fixtures.EventFixtures;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import io.loadstream.testkit.TopicReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Poison thrown at every input topic of a live pipeline while a real run goes through it: null values, random
 * bytes, events of another schema, truncated events, an illegal run id, null and malformed keys, keyed with the
 * run's own keys. Nothing stops; the run's figures are exactly those of a clean run (the report counts every
 * request on the topic that the run sent, and no other); the aggregator dead-letters each record it could not
 * read, once.
 */
@ExtendWith(KafkaExtension.class)
class PoisonRecordsTest {

    private static final Logger LOG = LoggerFactory.getLogger(PoisonRecordsTest.class);
    /** Rounds of poison; each sends one record to every input topic. Bounded: the loop stops by itself. */
    private static final int ROUNDS = 30;

    @TempDir
    Path tmp;

    private LoopbackTarget target;

    @BeforeEach
    void startTarget() throws Exception {
        target = LoopbackTarget.start(path -> new LoopbackTarget.Answer(path.startsWith("/fail") ? 503 : 200, 2));
    }

    @AfterEach
    void stopTarget() throws Exception {
        target.close();
    }

    @Test
    void poisonOnEveryInputTopicChangesNoFigureOfARunAndEachAggregatorInputIsDeadLetteredOnce(TestKafka kafka)
            throws Exception {
        // given: a pipeline on fresh topics, and poison sent to all of its inputs while the run goes
        Topics topics = Topics.withPrefix(TestKafka.uniqueTopic("poison"));
        String runId = "poison-run";
        long seed = System.nanoTime();
        LOG.info("Poison seed {}", seed);
        Plan plan = PlanParser.parse("name: poison\ntarget: http://127.0.0.1:" + target.port() + "\n" + """
                load: {executor: constant-arrival-rate, rate: 80, duration: 8s, max_vus: 20}
                scenarios:
                  - name: browse
                    weight: 3
                    steps: [{method: GET, path: /items}]
                  - name: broken
                    steps: [{method: GET, path: /fail}]
                thresholds:
                  http_req_failed: ["rate<0.9"]
                report: {window: 1s, grace: 1s}
                """, "poison.yaml", tmp, Map.of(), ThresholdRules::problem);
        java.util.Properties admin = new java.util.Properties();
        admin.put("bootstrap.servers", kafka.bootstrapServers());
        new TopicSetup(3, (short) 1).ensure(admin, topics);
        Poisoner poisoner = new Poisoner(kafka, topics, runId, new Random(seed));
        Thread thrower = new Thread(poisoner, "poisoner");
        thrower.start();

        // when
        LocalRun.Outcome outcome;
        List<String> console = Collections.synchronizedList(new ArrayList<>());
        try (LocalRun run = new LocalRun(LocalRunOptions.of(runId, tmp.resolve("out"))
                .withBootstrap(kafka.bootstrapServers())
                .withTopics(topics)
                .withTopicSetup(new TopicSetup(3, (short) 1))
                .withApplicationId(TestKafka.uniqueTopic("poison-aggregator"))
                .withStateDir(tmp.resolve("state")), new Console(console::add, console::add))) {
            outcome = run.run(plan);
        }
        thrower.join();

        // then: the run ended normally and its figures are those of the requests it sent
        assertThat(poisoner.failure).as("the poisoner could send").isNull();
        ReporterResult reported = outcome.reported();
        assertThat(reported.exitCode()).as(String.join("\n", console)).isEqualTo(ReporterResult.OK);
        assertThat(reported.complete()).isTrue();
        long sent = outcome.generated().requestsSent();
        List<RequestTiming> ofTheRun = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : TopicReader.readAll(kafka, topics.requests(), 0)) {
            try {
                RequestTiming timing = EventSerdes.requestTiming().deserializer().deserialize(topics.requests(),
                        record.value());
                if (timing != null && timing.getRunId().equals(runId)) {
                    ofTheRun.add(timing);
                }
            } catch (RuntimeException poison) {
                // one of ours
            }
        }
        assertThat(ofTheRun).hasSize((int) sent);
        JsonNode report = new ObjectMapper().readTree(reported.jsonReport().toFile());
        assertThat(report.at("/summary/total_requests").asLong()).isEqualTo(sent);
        Map<String, Long> perEndpoint = new HashMap<>();
        ofTheRun.forEach(t -> perEndpoint.merge(t.getEndpoint(), 1L, Long::sum));
        perEndpoint.forEach((endpoint, count) -> assertThat(report.path("endpoint_metrics").path(endpoint)
                .path("requests").asLong()).as(endpoint).isEqualTo(count));
        long failed = ofTheRun.stream().filter(t -> t.getErrorClass() != io.loadstream.events.ErrorClass.NONE).count();
        assertThat(report.at("/summary/total_errors").asLong()).isEqualTo(failed);

        // and: every poison record of the aggregator's inputs is on the dead-letter topic once, with a reason
        int expected = poisoner.aggregatorInputs.get();
        List<ConsumerRecord<byte[], byte[]>> dead = TopicReader.readAll(kafka, topics.dlq(), expected);
        List<ConsumerRecord<byte[], byte[]>> byAggregator = dead.stream()
                .filter(r -> "aggregator".equals(DeadLetters.read(r.headers(), DeadLetters.CONSUMER)))
                .toList();
        assertThat(byAggregator).hasSize(expected);
        assertThat(byAggregator).allSatisfy(r -> assertThat(DeadLetters.read(r.headers(), DeadLetters.REASON))
                .isNotBlank());
        assertThat(byAggregator.stream().map(r -> DeadLetters.read(r.headers(), DeadLetters.SOURCE)).distinct())
                .hasSize(expected);
    }

    /** Sends {@link #ROUNDS} rounds of poison, one record to every input topic each round, then stops. */
    private static final class Poisoner implements Runnable {

        private final TestKafka kafka;
        private final Topics topics;
        private final String runId;
        private final Random random;
        final AtomicInteger aggregatorInputs = new AtomicInteger();
        volatile Throwable failure;

        Poisoner(TestKafka kafka, Topics topics, String runId, Random random) {
            this.kafka = kafka;
            this.topics = topics;
            this.runId = runId;
            this.random = random;
        }

        @Override
        public void run() {
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProperties(),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                List<String> aggregatorTopics = List.of(topics.requests(), topics.system(), topics.control());
                List<String> reporterTopics = List.of(topics.windows(), topics.totals(), topics.systemWindows(),
                        topics.alerts());
                // A round's records are sent together and then waited for: waiting for each in turn made a round
                // take over half a second on a loaded machine, and the last rounds came after the aggregator had
                // stopped (58 of 90 dead letters on a fresh clone).
                for (int round = 0; round < ROUNDS; round++) {
                    List<Future<RecordMetadata>> toAggregator = new ArrayList<>();
                    List<Future<RecordMetadata>> toReporter = new ArrayList<>();
                    for (String topic : aggregatorTopics) {
                        toAggregator.add(send(producer, topic));
                    }
                    for (String topic : reporterTopics) {
                        toReporter.add(send(producer, topic));
                    }
                    for (Future<RecordMetadata> sent : toAggregator) {
                        if (accepted(sent)) {
                            aggregatorInputs.incrementAndGet();
                        }
                    }
                    for (Future<RecordMetadata> sent : toReporter) {
                        accepted(sent);
                    }
                    Thread.sleep(100);
                }
            } catch (Exception e) {
                failure = e;
            } catch (AssertionError e) {
                failure = e;
            }
        }

        /** Sends one poison record. */
        private Future<RecordMetadata> send(KafkaProducer<byte[], byte[]> producer, String topic) {
            return producer.send(new ProducerRecord<>(topic, key(), value(topic)));
        }

        /** Waits for a sent record; false when the broker refused it (a compacted topic takes no null key). */
        private static boolean accepted(Future<RecordMetadata> sent) throws Exception {
            try {
                sent.get();
                return true;
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof org.apache.kafka.common.InvalidRecordException) {
                    return false;
                }
                throw e;
            }
        }

        private byte[] key() {
            String text = switch (random.nextInt(6)) {
                case 0 -> null;
                case 1 -> EventKeys.runKey(runId);
                case 2 -> EventKeys.requestKey(runId, "GET /items");
                case 3 -> runId + "|";
                case 4 -> "other-run|x";
                default -> "";
            };
            if (text == null) {
                return random.nextBoolean() ? null : randomBytes(1 + random.nextInt(16));
            }
            return text.getBytes(StandardCharsets.UTF_8);
        }

        /** A value that no reader of {@code topic} can take as an event of a run. */
        private byte[] value(String topic) {
            long now = EventFixtures.nowMs();
            return switch (random.nextInt(5)) {
                case 0 -> null;
                case 1 -> randomBytes(1 + random.nextInt(64));
                case 2 -> {
                    // an event of another schema, of this very run
                    byte[] other = topic.equals(topics.system())
                            ? EventSerdes.runControl().serializer().serialize(topic,
                                    EventFixtures.control(runId, ControlType.STARTED, now, 0, 1))
                            : EventSerdes.systemSample().serializer().serialize(topic,
                                    EventFixtures.system(runId, "poison-host", now, 50, 1_000));
                    yield other;
                }
                case 3 -> {
                    // the topic's own schema, cut in half
                    byte[] own = own(topic, runId, now);
                    yield Arrays.copyOf(own, own.length / 2);
                }
                default -> own(topic, "no such run!", now);
            };
        }

        private byte[] own(String topic, String run, long now) {
            Function<String, byte[]> encode;
            if (topic.equals(topics.requests())) {
                encode = r -> EventSerdes.requestTiming().serializer().serialize(topic,
                        EventFixtures.ok(r, "GET /items", now, 1_000));
            } else if (topic.equals(topics.system())) {
                encode = r -> EventSerdes.systemSample().serializer().serialize(topic,
                        EventFixtures.system(r, "poison-host", now, 50, 1_000));
            } else if (topic.equals(topics.control())) {
                encode = r -> EventSerdes.runControl().serializer().serialize(topic,
                        EventFixtures.control(r, ControlType.FINISHED, now, 0, 1));
            } else if (topic.equals(topics.windows())) {
                encode = r -> EventSerdes.endpointWindow().serializer().serialize(topic,
                        EventFixtures.window(r, "GET /items", now, 1_000, EventFixtures.spread(10, 100, 1_000), 0));
            } else if (topic.equals(topics.totals())) {
                encode = r -> EventSerdes.endpointTotals().serializer().serialize(topic,
                        EventFixtures.totals(r, "GET /items", now, now + 1, EventFixtures.spread(10, 100, 1_000), 0,
                                true));
            } else if (topic.equals(topics.systemWindows())) {
                encode = r -> EventSerdes.systemWindow().serializer().serialize(topic,
                        EventFixtures.systemWindow(r, "poison-host", HostRole.GENERATOR, now, 1_000, 50, 1_000));
            } else {
                encode = r -> randomBytes(32);
            }
            return encode.apply(run);
        }

        private byte[] randomBytes(int n) {
            byte[] bytes = new byte[n];
            random.nextBytes(bytes);
            return bytes;
        }
    }
}
