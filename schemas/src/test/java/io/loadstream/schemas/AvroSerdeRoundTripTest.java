package io.loadstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loadstream.events.Alert;
import io.loadstream.events.ControlType;
import io.loadstream.events.EndpointTotals;
import io.loadstream.events.EndpointWindow;
import io.loadstream.events.RequestTiming;
import io.loadstream.events.RunControl;
import io.loadstream.events.SystemSample;
import io.loadstream.events.SystemWindow;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AvroSerdeRoundTripTest {

    private static final String TOPIC = "loadstream.test";

    static Stream<Arguments> everyEventType() {
        return Stream.of(
                Arguments.of(EventSerdes.requestTiming(), SampleEvents.requestTiming()),
                Arguments.of(EventSerdes.systemSample(), SampleEvents.systemSample()),
                Arguments.of(EventSerdes.runControl(), SampleEvents.runControl()),
                Arguments.of(EventSerdes.endpointWindow(), SampleEvents.endpointWindow()),
                Arguments.of(EventSerdes.endpointTotals(), SampleEvents.endpointTotals()),
                Arguments.of(EventSerdes.systemWindow(), SampleEvents.systemWindow()),
                Arguments.of(EventSerdes.alert(), SampleEvents.alert()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyEventType")
    <T extends SpecificRecord> void decodesWhatItEncodedWithEveryFieldSet(AvroSerde<T> serde, T event) {
        byte[] bytes = serde.serialize(TOPIC, event);

        T decoded = serde.deserialize(TOPIC, bytes);

        assertThat(decoded).isEqualTo(event).isNotSameAs(event);
        assertThat(decoded.getClass()).isEqualTo(serde.recordType());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyEventType")
    <T extends SpecificRecord> void writesTheSingleObjectHeaderWithTheSchemaFingerprint(AvroSerde<T> serde, T event) {
        byte[] bytes = serde.serialize(TOPIC, event);

        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        assertThat(ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong())
                .isEqualTo(serde.fingerprint());
    }

    @Test
    void everyEventTypeHasItsOwnFingerprint() {
        List<Long> fingerprints = everyEventType()
                .map(arguments -> ((AvroSerde<?>) arguments.get()[0]).fingerprint())
                .toList();

        assertThat(fingerprints).doesNotHaveDuplicates().hasSize(7);
    }

    @Test
    void passesTombstonesThroughAsNull() {
        AvroSerde<RequestTiming> serde = EventSerdes.requestTiming();

        assertThat(serde.serialize(TOPIC, null)).isNull();
        assertThat(serde.deserialize(TOPIC, (byte[]) null)).isNull();
        assertThat(serde.deserialize(TOPIC, new RecordHeaders(), (byte[]) null)).isNull();
        assertThat(serde.deserialize(TOPIC, new RecordHeaders(), (ByteBuffer) null)).isNull();
    }

    @Test
    void decodesFromTheMiddleOfABufferWithoutMovingItsPosition() {
        AvroSerde<SystemSample> serde = EventSerdes.systemSample();
        byte[] bytes = serde.serialize(TOPIC, SampleEvents.systemSample());
        byte[] framed = new byte[bytes.length + 7];
        System.arraycopy(bytes, 0, framed, 3, bytes.length);
        ByteBuffer buffer = ByteBuffer.wrap(framed, 3, bytes.length).slice();
        buffer.position(0);

        SystemSample decoded = serde.deserialize(TOPIC, new RecordHeaders(), buffer);

        assertThat(decoded).isEqualTo(SampleEvents.systemSample());
        assertThat(buffer.position()).isZero();
        assertThat(buffer.remaining()).isEqualTo(bytes.length);
    }

    @Test
    void decodesFromADirectBuffer() {
        AvroSerde<RunControl> serde = EventSerdes.runControl();
        byte[] bytes = serde.serialize(TOPIC, SampleEvents.runControl());
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();

        assertThat(serde.deserialize(TOPIC, new RecordHeaders(), direct)).isEqualTo(SampleEvents.runControl());
    }

    @Test
    void fillsDefaultsOfFieldsLeftUnsetWhenBuilding() {
        RunControl minimal = RunControl.newBuilder()
                .setRunId("r1")
                .setType(ControlType.STARTED)
                .setTimestampMs(1L)
                .setSource("gen-1")
                .build();

        RunControl decoded = EventSerdes.runControl().deserialize(TOPIC,
                EventSerdes.runControl().serialize(TOPIC, minimal));

        assertThat(decoded.getSegmentCount()).isEqualTo(1);
        assertThat(decoded.getWindowSizeMs()).isEqualTo(10_000L);
        assertThat(decoded.getGraceMs()).isEqualTo(2_000L);
        assertThat(decoded.getSlowRequestMs()).isEqualTo(1_000L);
        assertThat(decoded.getSlowEndpointP95Ms()).isEqualTo(500L);
        assertThat(decoded.getThresholds()).isEmpty();
        assertThat(decoded.getAttributes()).isEmpty();
        assertThat(decoded.getReason()).isNull();
        assertThat(decoded.getPlanName()).isEmpty();
    }

    @Test
    void refusesToEncodeARecordMissingARequiredFieldWithASerializationException() {
        RequestTiming incomplete = SampleEvents.requestTiming();
        incomplete.setEndpoint(null);

        assertThatThrownBy(() -> EventSerdes.requestTiming().serialize(TOPIC, incomplete))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("RequestTiming")
                .hasMessageContaining(TOPIC);
    }

    @Test
    void sharesOneSerdeInstancePerEventType() {
        assertThat(EventSerdes.requestTiming()).isSameAs(EventSerdes.requestTiming());
        assertThat(EventSerdes.alert().serializer()).isSameAs(EventSerdes.alert());
        assertThat(EventSerdes.alert().deserializer()).isSameAs(EventSerdes.alert());
        assertThat(EventSerdes.endpointWindow().recordType()).isEqualTo(EndpointWindow.class);
        assertThat(EventSerdes.endpointTotals().recordType()).isEqualTo(EndpointTotals.class);
        assertThat(EventSerdes.systemWindow().recordType()).isEqualTo(SystemWindow.class);
        assertThat(EventSerdes.alert().recordType()).isEqualTo(Alert.class);
    }

    @Test
    void shipsTheRequestTimingOfBeforeTheCheckResultAsTheOneOlderWriterSchema() {
        assertThat(EventSerdes.requestTiming().olderWriterSchemas()).singleElement()
                .satisfies(older -> assertThat(older.getField("check_passed")).isNull());
    }

    @Test
    void rejectsAClassThatIsNotAGeneratedRecord() {
        assertThatThrownBy(() -> AvroSerde.of(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("recordType");
        assertThatThrownBy(() -> AvroSerde.of(SpecificRecord.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a generated Avro record class");
        assertThatThrownBy(() -> AvroSerde.of(RequestTiming.class, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("extraWriterSchemas");
    }

    @Test
    void encodesConcurrentlyFromManyThreads() throws Exception {
        AvroSerde<RequestTiming> serde = EventSerdes.requestTiming();
        RequestTiming event = SampleEvents.requestTiming();
        byte[] expected = serde.serialize(TOPIC, event);

        List<Thread> threads = Stream.generate(() -> new Thread(() -> {
            for (int i = 0; i < 2_000; i++) {
                byte[] bytes = serde.serialize(TOPIC, event);
                if (!Arrays.equals(bytes, expected) || !serde.deserialize(TOPIC, bytes).equals(event)) {
                    throw new AssertionError("Concurrent round trip differed at iteration " + i);
                }
            }
        })).limit(4).toList();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        threads.forEach(thread -> thread.setUncaughtExceptionHandler((t, e) -> failures.add(e)));
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join(10_000);
        }

        assertThat(threads).noneMatch(Thread::isAlive);
        assertThat(failures).isEmpty();
    }
}
