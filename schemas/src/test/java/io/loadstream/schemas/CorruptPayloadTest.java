package io.loadstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loadstream.events.RequestTiming;
import io.loadstream.schemas.EventDecodingException.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class CorruptPayloadTest {

    private static final String TOPIC = "loadstream.requests";
    private static final int HEADER = AvroSerde.HEADER_LENGTH;

    private final AvroSerde<RequestTiming> serde = EventSerdes.requestTiming();
    private final byte[] valid = serde.serialize(TOPIC, SampleEvents.requestTiming());

    /** Decodes, and returns the reason of the typed failure, or null when a value came back. */
    private Reason outcome(byte[] payload) {
        try {
            serde.deserialize(TOPIC, payload);
            return null;
        } catch (EventDecodingException e) {
            return e.reason();
        }
    }

    private void assertFailsWith(byte[] payload, Reason reason) {
        assertThatThrownBy(() -> serde.deserialize(TOPIC, payload))
                .isInstanceOfSatisfying(EventDecodingException.class, e -> {
                    assertThat(e.reason()).isEqualTo(reason);
                    assertThat(e.topic()).isEqualTo(TOPIC);
                })
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(TOPIC);
    }

    @Test
    void refusesRandomBytesAsBadHeader() {
        byte[] random = new byte[64];
        new Random(42).nextBytes(random);
        random[0] = 0x7B;

        assertFailsWith(random, Reason.BAD_HEADER);
    }

    @Test
    void refusesJsonAsBadHeaderWithNoFingerprint() {
        byte[] json = "{\"run_id\":\"r1\",\"endpoint\":\"GET /x\",\"latency_us\":1200}"
                .getBytes(StandardCharsets.UTF_8);

        assertFailsWith(json, Reason.BAD_HEADER);
        assertThatThrownBy(() -> serde.deserialize(TOPIC, json))
                .isInstanceOfSatisfying(EventDecodingException.class, e -> assertThat(e.fingerprint()).isZero());
    }

    @Test
    void refusesAnEmptyPayloadAsBadHeader() {
        assertFailsWith(new byte[0], Reason.BAD_HEADER);
        assertThatThrownBy(() -> serde.deserialize(TOPIC, new RecordHeaders(), ByteBuffer.allocate(0)))
                .isInstanceOfSatisfying(EventDecodingException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.BAD_HEADER));
    }

    @Test
    void refusesEveryTruncationAsBadHeaderOrCorruptBody() {
        for (int length = 0; length < valid.length; length++) {
            byte[] truncated = Arrays.copyOf(valid, length);

            Reason expected = length < HEADER ? Reason.BAD_HEADER : Reason.CORRUPT_BODY;
            assertThat(outcome(truncated)).as("payload cut to %d of %d bytes", length, valid.length)
                    .isEqualTo(expected);
        }
    }

    @Test
    void refusesAValidHeaderWithoutBodyAsCorruptBodyAndReportsTheFingerprint() {
        byte[] headerOnly = Arrays.copyOf(valid, HEADER);

        assertThatThrownBy(() -> serde.deserialize(TOPIC, headerOnly))
                .isInstanceOfSatisfying(EventDecodingException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.CORRUPT_BODY);
                    assertThat(e.fingerprint()).isEqualTo(serde.fingerprint());
                });
    }

    @Test
    void refusesBytesAfterTheRecordAsCorruptBody() {
        byte[] padded = Arrays.copyOf(valid, valid.length + 3);

        assertFailsWith(padded, Reason.CORRUPT_BODY);
    }

    @Test
    void refusesAnotherEventTypeAsUnknownSchemaWithItsFingerprint() {
        byte[] systemSample = EventSerdes.systemSample().serialize("loadstream.system", SampleEvents.systemSample());

        assertThatThrownBy(() -> serde.deserialize(TOPIC, systemSample))
                .isInstanceOfSatisfying(EventDecodingException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_SCHEMA);
                    assertThat(e.fingerprint()).isEqualTo(EventSerdes.systemSample().fingerprint());
                });
    }

    @Test
    void eitherDecodesOrRefusesWithTheRightReasonWhenAnySingleBitFlips() {
        Map<Reason, Integer> refusals = new EnumMap<>(Reason.class);
        int decoded = 0;
        for (int bit = 0; bit < valid.length * 8; bit++) {
            byte[] flipped = valid.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));

            Reason reason = outcome(flipped);

            if (reason == null) {
                decoded++;
                continue;
            }
            refusals.merge(reason, 1, Integer::sum);
            int index = bit / 8;
            Reason expected = index < 2 ? Reason.BAD_HEADER : index < HEADER ? Reason.UNKNOWN_SCHEMA
                    : Reason.CORRUPT_BODY;
            assertThat(reason).as("bit %d flipped", bit).isEqualTo(expected);
        }

        assertThat(refusals.get(Reason.BAD_HEADER)).isEqualTo(16);
        assertThat(refusals.get(Reason.UNKNOWN_SCHEMA)).isEqualTo(64);
        assertThat(refusals.get(Reason.CORRUPT_BODY)).isPositive();
        assertThat(decoded).as("flips inside numbers decode to other numbers").isPositive();
    }

    @Test
    void neverThrowsAnythingButEventDecodingExceptionOnRandomPayloads() {
        Random random = new Random(20_251_126L);
        Map<Reason, Integer> refusals = new EnumMap<>(Reason.class);
        for (int i = 0; i < 10_000; i++) {
            byte[] payload = new byte[random.nextInt(300)];
            random.nextBytes(payload);

            Reason reason = outcome(payload);

            if (reason != null) {
                refusals.merge(reason, 1, Integer::sum);
            }
        }

        assertThat(refusals.get(Reason.BAD_HEADER)).isGreaterThan(9_900);
    }

    @Test
    void neverThrowsAnythingButEventDecodingExceptionOnRandomBodiesBehindAValidHeader() {
        Random random = new Random(7L);
        Map<Reason, Integer> refusals = new EnumMap<>(Reason.class);
        int decoded = 0;
        for (int i = 0; i < 10_000; i++) {
            byte[] payload = Arrays.copyOf(valid, HEADER + random.nextInt(300));
            byte[] body = new byte[payload.length - HEADER];
            random.nextBytes(body);
            System.arraycopy(body, 0, payload, HEADER, body.length);

            Reason reason = outcome(payload);

            if (reason == null) {
                decoded++;
            } else {
                refusals.merge(reason, 1, Integer::sum);
            }
        }

        assertThat(refusals.keySet()).containsOnly(Reason.CORRUPT_BODY);
        assertThat(refusals.get(Reason.CORRUPT_BODY) + decoded).isEqualTo(10_000);
    }
}
