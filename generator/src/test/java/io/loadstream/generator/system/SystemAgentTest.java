package io.loadstream.generator.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.loadstream.events.ControlType;
import io.loadstream.events.HostRole;
import io.loadstream.events.RunControl;
import io.loadstream.events.SystemSample;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.EventSerdes;
import io.loadstream.schemas.Topics;
import io.loadstream.schemas.fixtures.EventFixtures;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The sampler's figures, and the agent publishing them once a second to a real broker. */
@ExtendWith(KafkaExtension.class)
class SystemAgentTest {

    @Test
    void sampleHoldsThisJvmsHeapAndTheHostsMemory() {
        SystemSampler sampler = new SystemSampler("run-1", "host-a", HostRole.GENERATOR, "gen-1",
                System::currentTimeMillis, Path.of("."));
        byte[][] garbage = new byte[64][];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = new byte[1 << 16];
        }
        SystemSample sample = sampler.sample();

        assertThat(garbage[63]).hasSize(1 << 16);
        assertThat(sample.getHeapUsedBytes()).isPositive();
        assertThat(sample.getAvailableProcessors()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(sample.getMemoryTotalBytes()).isGreaterThan(sample.getMemoryUsedBytes()).isPositive();
        assertThat(sample.getDiskTotalBytes()).isGreaterThanOrEqualTo(sample.getDiskUsedBytes());
        assertThat(sample.getCpuPercent()).isBetween(-1.0, 100.0);
        assertThat(sample.getGcCount()).isNotNegative();
        assertThat(sample.getGeneratorId()).isEqualTo("gen-1");
    }

    @Test
    void agentPublishesASampleEverySecondUntilClosed(TestKafka kafka) throws Exception {
        Topics topics = Topics.withPrefix(TestKafka.uniqueTopic("agent"));
        List<SystemSample> samples = new ArrayList<>();
        Properties props = kafka.consumerProperties();
        try (SystemAgent agent = new SystemAgent(kafka.bootstrapServers(), "agent-run", HostRole.TARGET, topics,
                Map.of());
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                     new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topics.system()));
            await().pollInSameThread().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    assertThat(new String(record.key(), java.nio.charset.StandardCharsets.UTF_8))
                            .isEqualTo(EventKeys.hostKey("agent-run", SystemSampler.hostName()));
                    samples.add(EventSerdes.systemSample().deserialize(topics.system(), record.value()));
                }
                return samples.size() >= 2;
            });
            assertThat(agent.dropped()).isZero();
        }
        assertThat(samples).hasSizeGreaterThanOrEqualTo(2);
        assertThat(samples).allMatch(s -> s.getRole() == HostRole.TARGET && s.getRunId().equals("agent-run")
                && s.getGeneratorId() == null);
        // One a second, not all at once: a loaded machine may run the sampler late, so only the order is held to.
        assertThat(samples.get(1).getTimestampMs()).isGreaterThan(samples.get(0).getTimestampMs());
    }

    @Test
    void agentStopsWhenEveryGeneratorOfItsRunHasFinished(TestKafka kafka) throws Exception {
        Topics topics = Topics.withPrefix(TestKafka.uniqueTopic("agent-end"));
        CountDownLatch ended = new CountDownLatch(1);
        try (SystemAgent agent = new SystemAgent(kafka.bootstrapServers(), "ending-run", HostRole.TARGET, topics,
                Map.of(), WatchedProcess.byPid(ProcessHandle.current().pid()), ended::countDown);
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProperties(),
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            // given: two generators, of which one finishes
            send(producer, topics, control("ending-run", ControlType.STARTED, 0, 2));
            send(producer, topics, control("ending-run", ControlType.HEARTBEAT, 1, 2));
            send(producer, topics, control("ending-run", ControlType.FINISHED, 0, 2));
            await().atMost(Duration.ofSeconds(60)).until(() -> agent.sent() >= 2);
            assertThat(ended.getCount()).as("one generator still runs").isEqualTo(1);

            // when: the other finishes too (and a run of the same prefix is left alone)
            send(producer, topics, control("ending-run-2", ControlType.FINISHED, 0, 1));
            send(producer, topics, control("ending-run", ControlType.FINISHED, 1, 2));

            // then: the agent ends, having published every sample it took
            assertThat(ended.await(60, TimeUnit.SECONDS)).isTrue();
            assertThat(agent.dropped()).isZero();
        }
    }

    private static RunControl control(String runId, ControlType type, int segment, int segments) {
        return EventFixtures.control(runId, type, EventFixtures.nowMs(), segment, segments);
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, Topics topics, RunControl control)
            throws Exception {
        producer.send(new ProducerRecord<>(topics.control(), control.getRunId().getBytes(StandardCharsets.UTF_8),
                EventSerdes.runControl().serialize(topics.control(), control))).get(30, TimeUnit.SECONDS);
    }
}
