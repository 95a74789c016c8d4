package io.loadstream.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.events.ControlType;
import io.loadstream.events.RequestTiming;
import io.loadstream.events.RunControl;
import io.loadstream.schemas.EventSerdes;
import io.loadstream.schemas.Topics;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import io.loadstream.testkit.TopicReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An ABORT record on the control topic stops a generator long before its planned end, with every request still
 * recorded. (The product stops within 2 s; how fast it stops is measured outside this suite, whose machine may be
 * loaded.)
 */
@ExtendWith({KafkaExtension.class, LoopbackExtension.class})
class GeneratorAbortTest {

    /** The run's planned length: far longer than any abort may take, even on a loaded machine. */
    private static final Duration PLANNED = Duration.ofSeconds(120);
    /** How long after the ABORT was sent a request may still start: a tenth of the planned run. */
    private static final long STOPPED_WITHIN_US = PLANNED.toNanos() / 1000 / 10;

    @Test
    void abortRecordStopsTheRunLongBeforeItsEndWithEveryRequestRecorded(TestKafka kafka, Loopback target)
            throws Exception {
        // given: a 120 s run that has begun (its first progress line is out)
        CountDownLatch running = new CountDownLatch(1);
        GeneratorConfig config = Loopback.config(kafka, "abort-run").withProgress(line -> running.countDown());
        Topics topics = config.topics();
        Generator generator = new Generator(config);
        CompletableFuture<GeneratorResult> run = CompletableFuture.supplyAsync(() -> {
            try {
                return generator.run(Plans.plan(target.url(), Plans.constantVus(3, PLANNED),
                        Plans.get("/fixed?ms=5")));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(running.await(60, TimeUnit.SECONDS)).isTrue();

        // when: the reporter's ABORT arrives, on every control partition
        RunControl abort = RunControl.newBuilder().setRunId("abort-run").setType(ControlType.ABORT)
                .setTimestampMs(System.currentTimeMillis()).setSource("reporter")
                .setReason("threshold p(95)<1 failed").build();
        long abortSentUs = System.currentTimeMillis() * 1000;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProperties(),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (PartitionInfo partition : producer.partitionsFor(topics.control())) {
                producer.send(new ProducerRecord<>(topics.control(), partition.partition(), null,
                        "abort-run".getBytes(StandardCharsets.UTF_8),
                        EventSerdes.runControl().serialize(topics.control(), abort)));
            }
        }
        GeneratorResult result = run.get(PLANNED.toSeconds() / 2, TimeUnit.SECONDS);

        // then: the run was aborted for the ABORT's reason, no request started long after it, and every request
        // is on the topic
        assertThat(result.aborted()).isTrue();
        assertThat(result.reason()).isEqualTo("threshold p(95)<1 failed");
        List<RequestTiming> events = TopicReader.values(
                TopicReader.readAll(kafka, topics.requests(), result.requestsSent()),
                bytes -> EventSerdes.requestTiming().deserialize(topics.requests(), bytes));
        assertThat(events).hasSize((int) result.requestsSent());
        long lastStartUs = events.stream().mapToLong(RequestTiming::getActualStartUs).max().orElseThrow();
        assertThat(lastStartUs - abortSentUs).isLessThan(STOPPED_WITHIN_US);
        List<RunControl> finished = TopicReader.values(TopicReader.readAll(kafka, topics.control(), 0),
                bytes -> EventSerdes.runControl().deserialize(topics.control(), bytes)).stream()
                .filter(c -> c.getType() == ControlType.FINISHED).toList();
        assertThat(finished).hasSize(6).allMatch(c -> "threshold p(95)<1 failed".equals(c.getReason())
                && c.getRequestsSent() == events.size());
    }
}
