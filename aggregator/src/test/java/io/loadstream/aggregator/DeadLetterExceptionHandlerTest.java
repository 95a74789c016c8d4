package io.loadstream.aggregator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.loadstream.schemas.DeadLetters;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import io.loadstream.testkit.TopicReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The handler behind the aggregator's own checks, on a real broker with exactly-once Streams: a record that makes a
 * processor throw and one that does not deserialize each go unchanged to the dead-letter topic with the shared
 * headers, and the records after them are still processed.
 */
@ExtendWith(KafkaExtension.class)
class DeadLetterExceptionHandlerTest {

    private static final int POISON = 666;

    @Test
    void aRecordThatThrowsAndOneThatDoesNotDeserializeAreDeadLetteredAndTheTaskGoesOn(TestKafka kafka,
                                                                                      @TempDir Path state)
            throws Exception {
        // given: a one-partition input read as integers by a processor that throws on one value
        String in = TestKafka.uniqueTopic("handler-in");
        String out = TestKafka.uniqueTopic("handler-out");
        String dlq = TestKafka.uniqueTopic("handler-dlq");
        kafka.createTopic(in, 1);
        kafka.createTopic(out, 1);
        kafka.createTopic(dlq, 1);
        Topology topology = new Topology();
        topology.addSource("in", Serdes.ByteArray().deserializer(), Serdes.Integer().deserializer(), in);
        topology.addProcessor("throws", ThrowingProcessor::new, "in");
        topology.addSink("out", out, Serdes.ByteArray().serializer(), Serdes.Integer().serializer(), "throws");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, TestKafka.uniqueTopic("handler-app"));
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class);
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class);
        props.put(DeadLetterExceptionHandler.TOPIC_CONFIG, dlq);
        byte[] notAnInteger = "xyz".getBytes(StandardCharsets.UTF_8);

        // when: 1, the poison value, 3 bytes that are no integer, 2
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProperties(),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (byte[] value : List.of(integer(1), integer(POISON), notAnInteger, integer(2))) {
                producer.send(new ProducerRecord<>(in, "k".getBytes(StandardCharsets.UTF_8), value)).get();
            }
        }
        try (KafkaStreams streams = new KafkaStreams(topology, props)) {
            streams.start();

            // then: 1 and 2 come out, in order; the other two are dead letters with their reasons and sources
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(TopicReader.readAll(kafka, out, 2)
                    .stream().map(r -> ByteBuffer.wrap(r.value()).getInt()).toList()).containsExactly(1, 2));
            List<ConsumerRecord<byte[], byte[]>> dead = TopicReader.readAll(kafka, dlq, 2);
            assertThat(dead).hasSize(2);
            // Streams deserializes when it buffers records, before it processes the ones before: no order between
            // the two dead letters.
            ConsumerRecord<byte[], byte[]> thrown = withReason(dead, DeadLetterExceptionHandler.PROCESSING_FAILED);
            assertThat(thrown.value()).isEqualTo(integer(POISON));
            assertThat(DeadLetters.read(thrown.headers(), DeadLetters.MESSAGE))
                    .contains("IllegalStateException").contains("poison " + POISON);
            assertThat(DeadLetters.read(thrown.headers(), DeadLetters.SOURCE)).isEqualTo(in + "/0@1");
            ConsumerRecord<byte[], byte[]> garbled = withReason(dead,
                    DeadLetterExceptionHandler.DESERIALIZATION_FAILED);
            assertThat(garbled.value()).isEqualTo(notAnInteger);
            assertThat(DeadLetters.read(garbled.headers(), DeadLetters.SOURCE)).isEqualTo(in + "/0@2");
            assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(DeadLetterExceptionHandler.caught()).isGreaterThanOrEqualTo(2);
        }
    }

    private static ConsumerRecord<byte[], byte[]> withReason(List<ConsumerRecord<byte[], byte[]>> dead,
                                                             String reason) {
        return dead.stream().filter(r -> reason.equals(DeadLetters.read(r.headers(), DeadLetters.REASON)))
                .findFirst().orElseThrow(() -> new AssertionError("no dead letter with reason " + reason));
    }

    private static byte[] integer(int value) {
        return ByteBuffer.allocate(4).putInt(value).array();
    }

    /** Passes integers on, and throws on {@link #POISON}: a defect that the aggregator's checks did not foresee. */
    private static final class ThrowingProcessor implements Processor<byte[], Integer, byte[], Integer> {

        private ProcessorContext<byte[], Integer> context;

        @Override
        public void init(ProcessorContext<byte[], Integer> processorContext) {
            this.context = processorContext;
        }

        @Override
        public void process(Record<byte[], Integer> record) {
            if (record.value() == POISON) {
                throw new IllegalStateException("poison " + POISON);
            }
            context.forward(record);
        }
    }
}
