package io.loadstream.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.events.ControlType;
import io.loadstream.events.ErrorClass;
import io.loadstream.events.RequestTiming;
import io.loadstream.events.RunControl;
import io.loadstream.generator.plan.Check;
import io.loadstream.generator.plan.Defaults;
import io.loadstream.generator.plan.Plan;
import io.loadstream.generator.plan.Scenario;
import io.loadstream.generator.plan.Step;
import io.loadstream.generator.plan.Template;
import io.loadstream.generator.plan.ThinkTime;
import io.loadstream.schemas.ControlAttributes;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.EventSerdes;
import io.loadstream.schemas.Topics;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import io.loadstream.testkit.TopicReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What a run leaves on the topics: one timing per request with its error class, control records, no secrets. */
@ExtendWith({KafkaExtension.class, LoopbackExtension.class})
class GeneratorEventsTest {

    private static final String SECRET = "s3cr3t-token-8d1f0a";
    private static final String QUERY_SECRET = "q-secret-77aa31";

    private static Step named(String name, Template path, Check check) {
        return new Step("GET", path, Map.of(), null, name, check, null, Plans.HERE);
    }

    @Test
    void everyRequestIsOneEventWithItsErrorClassAndNoSecretLeaves(TestKafka kafka, Loopback target)
            throws Exception {
        // given: one scenario whose steps end every way a request can, with a bearer token and a query secret
        // from the environment, and a port where nothing listens
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Template bearer = Template.of(List.of(new Template.Literal("Bearer "),
                new Template.EnvValue("API_TOKEN", SECRET)));
        Defaults defaults = new Defaults(Map.of("Authorization", bearer), Duration.ofMillis(400),
                Duration.ofSeconds(1), ThinkTime.NONE, false, false, 64);
        List<Step> steps = List.of(
                named("ok", Template.of(List.of(new Template.Literal("/ok?key="),
                        new Template.EnvValue("KEY", QUERY_SECRET))), Check.NONE),
                named("bad status", Template.literal("/status/503"), Check.NONE),
                named("check body", Template.literal("/body"), new Check(Set.of(), "not in the body")),
                named("check body passes", Template.literal("/body"), new Check(Set.of(200), "loadstream")),
                named("check status", Template.literal("/status/200"), new Check(Set.of(201), null)),
                named("hang", Template.literal("/hang"), Check.NONE),
                named("refused", Template.of(List.of(new Template.Literal("http://127.0.0.1:" + closedPort
                        + "/x?token="), new Template.EnvValue("KEY", QUERY_SECRET))), Check.NONE));
        Plan plan = Plans.plan(target.url(), defaults, Plans.constantVus(2, Duration.ofSeconds(2)),
                List.of(new Scenario("every-ending", 1, steps, null)));
        // system samples on: no secret may reach that topic either
        GeneratorConfig config = Loopback.config(kafka, "events-run").withSampleSystem(true);
        Topics topics = config.topics();

        // when
        GeneratorResult result = new Generator(config).run(plan);

        // then: the requests topic holds exactly one timing per request sent, keyed by run and endpoint
        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readAll(kafka, topics.requests(),
                result.requestsSent());
        assertThat(records).hasSize((int) result.requestsSent());
        assertThat(result.eventsDropped()).isZero();
        List<RequestTiming> events = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            RequestTiming event = EventSerdes.requestTiming().deserialize(topics.requests(), record.value());
            events.add(event);
            assertThat(new String(record.key(), StandardCharsets.UTF_8))
                    .isEqualTo(EventKeys.requestKey("events-run", event.getEndpoint()));
            assertThat(record.timestamp()).isEqualTo(event.getIntendedStartUs() / 1000);
        }
        Map<String, Set<ErrorClass>> classes = events.stream().collect(Collectors.groupingBy(
                RequestTiming::getEndpoint, Collectors.mapping(RequestTiming::getErrorClass, Collectors.toSet())));
        assertThat(classes).containsEntry("ok", Set.of(ErrorClass.NONE))
                .containsEntry("bad status", Set.of(ErrorClass.STATUS))
                .containsEntry("check body", Set.of(ErrorClass.CHECK))
                .containsEntry("check body passes", Set.of(ErrorClass.NONE))
                .containsEntry("check status", Set.of(ErrorClass.CHECK))
                .containsEntry("hang", Set.of(ErrorClass.TIMEOUT))
                .containsEntry("refused", Set.of(ErrorClass.CONNECT));
        assertThat(events.stream().filter(e -> e.getEndpoint().equals("bad status")))
                .allMatch(e -> e.getStatus() == 503);
        assertThat(result.errors()).isEqualTo(events.stream()
                .filter(e -> e.getErrorClass() != ErrorClass.NONE).count());

        // and: STARTED, heartbeats and FINISHED on every control partition, FINISHED counting what is on the topic
        List<ConsumerRecord<byte[], byte[]>> control = TopicReader.readAll(kafka, topics.control(), 6 * 3);
        Map<Integer, List<RunControl>> byPartition = new java.util.TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record : control) {
            byPartition.computeIfAbsent(record.partition(), p -> new ArrayList<>())
                    .add(EventSerdes.runControl().deserialize(topics.control(), record.value()));
            assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("events-run");
        }
        assertThat(byPartition).hasSize(6);
        for (List<RunControl> partition : byPartition.values()) {
            assertThat(partition.get(0).getType()).isEqualTo(ControlType.STARTED);
            assertThat(partition.get(partition.size() - 1).getType()).isEqualTo(ControlType.FINISHED);
            assertThat(partition).anyMatch(c -> c.getType() == ControlType.HEARTBEAT);
        }
        RunControl started = byPartition.get(0).get(0);
        assertThat(started.getPlanName()).isEqualTo("test-plan");
        assertThat(started.getSegmentCount()).isEqualTo(1);
        assertThat(started.getThresholds()).hasSize(1);
        assertThat(started.getThresholds().get(0).getExpression()).isEqualTo("p(95)<500");
        assertThat(started.getAttributes().get(ControlAttributes.SCENARIOS)).contains("every-ending")
                .contains("check body");
        assertThat(started.getAttributes()).containsKeys(ControlAttributes.HOST, ControlAttributes.VERSION);
        RunControl finished = byPartition.get(0).get(byPartition.get(0).size() - 1);
        assertThat(finished.getRequestsSent()).isEqualTo(records.size());
        // and: per partition of the requests topic, exactly the timings that are there (the aggregator's end signal)
        Map<Integer, Long> onTopic = records.stream().collect(Collectors.groupingBy(ConsumerRecord::partition,
                java.util.TreeMap::new, Collectors.counting()));
        Map<Integer, Long> inFinished = new java.util.TreeMap<>();
        for (int p = 0; p < finished.getRequestsPerPartition().size(); p++) {
            if (finished.getRequestsPerPartition().get(p) > 0) {
                inFinished.put(p, finished.getRequestsPerPartition().get(p));
            }
        }
        assertThat(inFinished).isEqualTo(onTopic);
        assertThat(finished.getEventsDropped()).isZero();
        assertThat(finished.getReason()).isNull();

        // and: no secret in any record of any topic the run wrote to
        for (String topic : List.of(topics.requests(), topics.control(), topics.system())) {
            for (ConsumerRecord<byte[], byte[]> record : TopicReader.readAll(kafka, topic, 0)) {
                String text = new String(record.value(), StandardCharsets.ISO_8859_1);
                assertThat(text).doesNotContain(SECRET).doesNotContain(QUERY_SECRET);
            }
        }
    }
}
