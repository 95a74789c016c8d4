package io.loadstream.aggregator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.events.ErrorClass;
import io.loadstream.events.RequestTiming;
import io.loadstream.schemas.AvroSerde;
import io.loadstream.schemas.EventDecodingException;
import io.loadstream.schemas.EventSerdes;
import io.loadstream.schemas.fixtures.EventFixtures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

/**
 * The fast path reads exactly what the serde reads: the serde ({@link AvroSerde}, Avro's specific reader with schema
 * resolution) is the oracle, over random records of the current, older and newer writer schemas, and over corrupt
 * payloads, where the fast path must never accept what the serde refuses.
 */
class RequestTimingReaderTest {

    private static final String TOPIC = "loadstream.requests";
    private static final Schema CURRENT = RequestTiming.getClassSchema();

    @Test
    void readsRandomCurrentRecordsAsTheSerdeDoes() {
        AvroSerde<RequestTiming> serde = EventSerdes.requestTiming();
        RequestTimingReader reader = new RequestTimingReader(serde);
        Random random = new Random(18);
        assertThat(reader.isEnabled()).as("the fast path knows every field of the current schema").isTrue();
        for (int i = 0; i < 5_000; i++) {
            RequestTiming expected = randomTiming(random);
            byte[] payload = serde.serialize(TOPIC, expected);

            RequestTiming read = reader.read(payload);

            assertThat(read).as("record %d", i).isEqualTo(serde.deserialize(TOPIC, payload)).isEqualTo(expected);
        }
    }

    @Test
    void repeatedNamesComeBackAsTheSameStringInstance() {
        RequestTimingReader reader = new RequestTimingReader(EventSerdes.requestTiming());
        byte[] first = EventSerdes.requestTiming().serialize(TOPIC, EventFixtures.ok("r-1", "GET /a", 1_000, 5));
        byte[] second = EventSerdes.requestTiming().serialize(TOPIC, EventFixtures.ok("r-1", "GET /a", 2_000, 7));

        String endpoint = reader.read(first).getEndpoint();
        RequestTiming again = reader.read(second);

        assertThat(again.getEndpoint()).isSameAs(endpoint);
        assertThat(again.getLatencyUs()).isEqualTo(7);
    }

    @Test
    void readsEveryShippedOlderWriterAsTheSerdeDoes() throws IOException {
        AvroSerde<RequestTiming> serde = EventSerdes.requestTiming();
        RequestTimingReader reader = new RequestTimingReader(serde);
        assertThat(serde.olderWriterSchemas()).isNotEmpty();
        assertThat(reader.planCount()).isEqualTo(1 + serde.olderWriterSchemas().size());
        Random random = new Random(1);
        for (Schema writer : serde.olderWriterSchemas()) {
            for (int i = 0; i < 1_000; i++) {
                byte[] payload = encode(writer, asWriter(randomTiming(random), writer));

                RequestTiming expected = serde.deserialize(TOPIC, payload);

                assertThat(reader.read(payload)).as("%s record %d", writer, i).isEqualTo(expected);
            }
        }
    }

    @Test
    void readsNewerWritersWithAddedRemovedAndRenamedSymbolsAsTheSerdeDoes() throws IOException {
        // given: a newer writer that adds fields of every skippable type, drops a field with a default, and adds an
        // ErrorClass symbol this build does not know (read as OTHER, the enum's default)
        Schema newer = withFields(CURRENT, fields -> {
            List<Schema.Field> out = new ArrayList<>();
            Schema nullableLong = Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.LONG));
            Schema mixed = Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING),
                    Schema.create(Schema.Type.DOUBLE), Schema.create(Schema.Type.BOOLEAN));
            out.add(new Schema.Field("region", Schema.create(Schema.Type.STRING), null, ""));
            for (Schema.Field field : fields) {
                if (field.name().equals("iteration")) {
                    continue;
                }
                Schema type = field.name().equals("error_class") ? newerErrorClass() : field.schema();
                out.add(new Schema.Field(field, type));
                if (field.name().equals("status")) {
                    out.add(new Schema.Field("retries", Schema.create(Schema.Type.INT), null, 0));
                    out.add(new Schema.Field("body_hash", Schema.create(Schema.Type.BYTES), null, ""));
                }
            }
            out.add(new Schema.Field("queue_us", nullableLong, null, Schema.Field.NULL_DEFAULT_VALUE));
            out.add(new Schema.Field("weight", Schema.create(Schema.Type.FLOAT), null, 1.0f));
            out.add(new Schema.Field("share", Schema.create(Schema.Type.DOUBLE), null, 1.0));
            out.add(new Schema.Field("reused", Schema.create(Schema.Type.BOOLEAN), null, false));
            out.add(new Schema.Field("note", mixed, null, Schema.Field.NULL_DEFAULT_VALUE));
            return out;
        });
        AvroSerde<RequestTiming> serde = AvroSerde.of(RequestTiming.class, List.of(newer));
        RequestTimingReader reader = new RequestTimingReader(serde);
        assertThat(reader.planCount()).isEqualTo(1 + serde.olderWriterSchemas().size());
        Random random = new Random(2);
        for (int i = 0; i < 1_000; i++) {
            GenericRecord record = asWriter(randomTiming(random), newer);
            record.put("region", "eu-" + random.nextInt(3));
            record.put("retries", random.nextInt());
            record.put("body_hash", ByteBuffer.wrap(randomString(random).getBytes()));
            record.put("queue_us", random.nextBoolean() ? null : random.nextLong());
            record.put("weight", random.nextFloat());
            record.put("share", random.nextDouble());
            record.put("reused", random.nextBoolean());
            record.put("note", switch (random.nextInt(4)) {
                case 0 -> null;
                case 1 -> randomString(random);
                case 2 -> random.nextDouble();
                default -> random.nextBoolean();
            });
            if (i % 10 == 0) {
                Schema errorClass = newer.getField("error_class").schema();
                record.put("error_class", new GenericData.EnumSymbol(errorClass, "HTTP3_STREAM_RESET"));
            }
            byte[] payload = encode(newer, record);

            // when
            RequestTiming expected = serde.deserialize(TOPIC, payload);
            RequestTiming read = reader.read(payload);

            // then
            assertThat(read).as("record %d", i).isEqualTo(expected);
            if (i % 10 == 0) {
                assertThat(read.getErrorClass()).isEqualTo(ErrorClass.OTHER);
            }
        }
    }

    @Test
    void leavesWritersItCannotPlanAndUnknownWritersToTheSerde() throws IOException {
        // given: a newer writer with an array field, which the fast path does not skip
        Schema withArray = withFields(CURRENT, fields -> {
            List<Schema.Field> out = new ArrayList<>();
            for (Schema.Field field : fields) {
                out.add(new Schema.Field(field, field.schema()));
            }
            out.add(new Schema.Field("tags", Schema.createArray(Schema.create(Schema.Type.STRING)), null, List.of()));
            return out;
        });
        AvroSerde<RequestTiming> serde = AvroSerde.of(RequestTiming.class, List.of(withArray));
        RequestTimingReader reader = new RequestTimingReader(serde);
        GenericRecord record = asWriter(randomTiming(new Random(3)), withArray);
        record.put("tags", List.of("a", "b"));
        byte[] payload = encode(withArray, record);

        // then: the fast path declines, the serde reads it
        assertThat(reader.read(payload)).isNull();
        assertThat(serde.deserialize(TOPIC, payload).getRunId()).isEqualTo(record.get("run_id"));
        // and: a writer the serde does not know is declined too (the serde sends it to the dead-letter topic)
        RequestTimingReader plain = new RequestTimingReader(EventSerdes.requestTiming());
        assertThat(plain.read(payload)).isNull();
        assertThat(plain.read(new byte[] {1, 2, 3})).isNull();
    }

    @Test
    void neverAcceptsACorruptPayloadThatTheSerdeRefusesOrReadsDifferently() {
        AvroSerde<RequestTiming> serde = EventSerdes.requestTiming();
        RequestTimingReader reader = new RequestTimingReader(serde);
        Random random = new Random(4);
        int accepted = 0;
        int refused = 0;
        for (int i = 0; i < 10_000; i++) {
            byte[] payload = corrupt(serde.serialize(TOPIC, randomTiming(random)), random);

            RequestTiming read = reader.read(payload);
            RequestTiming copy = read == null ? null : RequestTiming.newBuilder(read).build();
            RequestTiming expected;
            try {
                expected = serde.deserialize(TOPIC, payload);
            } catch (EventDecodingException e) {
                assertThat(copy).as("payload %d refused by the serde (%s)", i, e.getMessage()).isNull();
                refused++;
                continue;
            }
            if (copy != null) {
                assertThat(copy).as("payload %d", i).isEqualTo(expected);
                accepted++;
            }
        }
        assertThat(accepted).as("corruptions still read (e.g. a changed digit)").isPositive();
        assertThat(refused).as("corruptions refused").isPositive();
    }

    private static byte[] corrupt(byte[] payload, Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> Arrays.copyOf(payload, random.nextInt(payload.length));
            case 1 -> Arrays.copyOf(payload, payload.length + 1 + random.nextInt(3));
            default -> {
                byte[] changed = payload.clone();
                int changes = 1 + random.nextInt(3);
                for (int c = 0; c < changes; c++) {
                    // Mostly the body: a changed header only proves the fingerprint check again.
                    int at = random.nextInt(10) == 0 ? random.nextInt(changed.length)
                            : 10 + random.nextInt(changed.length - 10);
                    changed[at] = (byte) random.nextInt(256);
                }
                yield changed;
            }
        };
    }

    private static RequestTiming randomTiming(Random random) {
        ErrorClass[] classes = ErrorClass.values();
        return RequestTiming.newBuilder()
                .setRunId("run-" + random.nextInt(3))
                .setGeneratorId("gen-" + random.nextInt(2))
                .setScenario(randomString(random))
                .setEndpoint(random.nextInt(5) == 0 ? randomString(random) : "GET /api/e-" + random.nextInt(20))
                .setMethod(random.nextBoolean() ? "GET" : "POST")
                .setStatus(random.nextInt(3) == 0 ? random.nextInt() : 200)
                .setErrorClass(classes[random.nextInt(classes.length)])
                .setErrorDetail(random.nextBoolean() ? null : randomString(random))
                .setIntendedStartUs(randomLong(random))
                .setActualStartUs(randomLong(random))
                .setLatencyUs(randomLong(random))
                .setServiceTimeUs(randomLong(random))
                .setTimeToFirstByteUs(random.nextInt(4) == 0 ? -1 : randomLong(random))
                .setBytesSent(randomLong(random))
                .setBytesReceived(randomLong(random))
                .setVu(random.nextInt())
                .setIteration(randomLong(random))
                .setCheckPassed(switch (random.nextInt(3)) {
                    case 0 -> null;
                    case 1 -> true;
                    default -> false;
                })
                .build();
    }

    /** Small, large, negative and extreme values, so that every varint length occurs. */
    private static long randomLong(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> random.nextInt(1_000);
            case 1 -> random.nextLong();
            case 2 -> -random.nextInt(1_000_000);
            case 3 -> random.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE;
            default -> EventFixtures.nowMs() * 1_000 + random.nextInt(1_000_000);
        };
    }

    /** Empty, ASCII, non-Latin and longer than the string cache keeps. */
    private static String randomString(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> "";
            case 1 -> "typical_user";
            case 2 -> "Übersicht /ユーザー/" + random.nextInt(100);
            case 3 -> "x".repeat(200 + random.nextInt(200));
            default -> Long.toString(random.nextLong(), 36);
        };
    }

    /** The timing as a generic record of {@code writer}: the fields the writer has, by name. */
    private static GenericRecord asWriter(RequestTiming timing, Schema writer) {
        GenericData.Record record = new GenericData.Record(writer);
        for (Schema.Field field : writer.getFields()) {
            Schema.Field current = CURRENT.getField(field.name());
            if (current == null) {
                record.put(field.name(), GenericData.get().getDefaultValue(field));
                continue;
            }
            Object value = timing.get(current.pos());
            if (value instanceof ErrorClass error) {
                value = new GenericData.EnumSymbol(field.schema(), error.name());
            }
            record.put(field.name(), value);
        }
        return record;
    }

    private static byte[] encode(Schema writer, GenericRecord record) throws IOException {
        ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), writer).encode(record);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static Schema newerErrorClass() {
        Schema errorClass = ErrorClass.getClassSchema();
        List<String> symbols = new ArrayList<>(errorClass.getEnumSymbols());
        symbols.add("HTTP3_STREAM_RESET");
        return Schema.createEnum(errorClass.getName(), errorClass.getDoc(), errorClass.getNamespace(), symbols,
                "OTHER");
    }

    private static Schema withFields(Schema schema, UnaryOperator<List<Schema.Field>> change) {
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false,
                change.apply(schema.getFields()));
    }
}
