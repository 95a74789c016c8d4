package io.loadstream.reporter.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.events.ControlType;
import io.loadstream.events.RunControl;
import io.loadstream.reporter.intake.RunEvent;
import io.loadstream.schemas.DeadLetters;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.EventSerdes;
import io.loadstream.schemas.Topics;
import io.loadstream.schemas.fixtures.EventFixtures;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** What the reporter writes to Kafka besides alerts, checked on a mock producer (the Kafka tests send them too). */
class PublishersTest {

    private static final String RUN = "weekly-1";
    private static final Topics TOPICS = Topics.DEFAULT;
    private static final int CONTROL_PARTITIONS = 6;

    private static MockProducer<String, byte[]> producer() {
        Node node = new Node(0, "localhost", 9092);
        List<PartitionInfo> partitions = IntStream.range(0, CONTROL_PARTITIONS)
                .mapToObj(p -> new PartitionInfo(TOPICS.control(), p, node, new Node[] {node}, new Node[] {node}))
                .toList();
        Cluster cluster = new Cluster("test", List.of(node), partitions, Set.of(), Set.of());
        return new MockProducer<>(cluster, true, null, new StringSerializer(), new ByteArraySerializer());
    }

    @Test
    void theAbortGoesOnceToEveryControlPartitionFromTheReporter() throws Exception {
        MockProducer<String, byte[]> producer = producer();
        List<String> warnings = new ArrayList<>();
        AbortPublisher abort = new AbortPublisher(producer, TOPICS.control(), RUN, Duration.ofSeconds(60),
                warnings::add);
        long nowMs = EventFixtures.nowMs();

        abort.send("weekly", "threshold p(95)<900 failed (observed 1240.5)", nowMs);

        assertThat(abort.sent()).isTrue();
        assertThat(warnings).isEmpty();
        assertThat(producer.history()).extracting(ProducerRecord::partition)
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, CONTROL_PARTITIONS).boxed().toList());
        assertThat(producer.history()).allSatisfy(record -> {
            assertThat(record.key()).isEqualTo(EventKeys.runKey(RUN));
            assertThat(record.timestamp()).isEqualTo(nowMs);
            RunControl control = EventSerdes.runControl().deserialize(TOPICS.control(), record.value());
            assertThat(control.getType()).isEqualTo(ControlType.ABORT);
            assertThat(control.getSource()).isEqualTo(AbortPublisher.SOURCE);
            assertThat(control.getReason()).isEqualTo("threshold p(95)<900 failed (observed 1240.5)");
        });
    }

    @Test
    void aDeadLetterKeepsKeyAndValueAndCarriesTheSharedHeaders() {
        MockProducer<String, byte[]> producer = producer();
        DeadLetterPublisher deadLetters = new DeadLetterPublisher(producer, TOPICS.dlq());
        byte[] value = "not avro".getBytes(StandardCharsets.UTF_8);
        ConsumerRecord<String, byte[]> bad = new ConsumerRecord<>(TOPICS.windows(), 2, 17, "weekly-1|GET /a|0", value);

        deadLetters.publish(new RunEvent.Unreadable("BAD_HEADER", "too short", bad));

        assertThat(deadLetters.count()).isEqualTo(1);
        ProducerRecord<String, byte[]> sent = producer.history().get(0);
        assertThat(sent.topic()).isEqualTo(TOPICS.dlq());
        assertThat(sent.key()).isEqualTo("weekly-1|GET /a|0");
        assertThat(sent.value()).isEqualTo(value);
        assertThat(DeadLetters.read(sent.headers(), DeadLetters.REASON)).isEqualTo("BAD_HEADER");
        assertThat(DeadLetters.read(sent.headers(), DeadLetters.MESSAGE)).isEqualTo("too short");
        assertThat(DeadLetters.read(sent.headers(), DeadLetters.SOURCE)).isEqualTo(TOPICS.windows() + "/2@17");
        assertThat(DeadLetters.read(sent.headers(), DeadLetters.CONSUMER)).isEqualTo("reporter");
    }
}
