package io.loadstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loadstream.events.EndpointTotals;
import io.loadstream.events.ErrorClass;
import io.loadstream.events.RequestTiming;
import io.loadstream.events.HostRole;
import io.loadstream.events.SystemSample;
import io.loadstream.events.SystemWindow;
import io.loadstream.schemas.fixtures.EventFixtures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

class SchemaEvolutionTest {

    private static final String TOPIC = "loadstream.requests";
    private static final Set<String> ADDED_LATER = Set.of("error_detail", "time_to_first_byte_us", "iteration",
            "check_passed");

    /** RequestTiming as it would have been before the fields in {@link #ADDED_LATER} were added. */
    private static Schema olderRequestTiming() {
        Schema current = RequestTiming.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : current.getFields()) {
            if (!ADDED_LATER.contains(field.name())) {
                fields.add(new Schema.Field(field, field.schema()));
            }
        }
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }

    /** RequestTiming written by a newer build whose ErrorClass has a symbol this build does not know. */
    private static Schema requestTimingWithNewerErrorClass() {
        Schema current = RequestTiming.getClassSchema();
        Schema errorClass = ErrorClass.getClassSchema();
        List<String> symbols = new ArrayList<>(errorClass.getEnumSymbols());
        symbols.add("HTTP2_STREAM_RESET");
        Schema newerErrorClass = Schema.createEnum(errorClass.getName(), errorClass.getDoc(),
                errorClass.getNamespace(), symbols, "OTHER");
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : current.getFields()) {
            Schema type = field.name().equals("error_class") ? newerErrorClass : field.schema();
            fields.add(new Schema.Field(field, type));
        }
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }

    private static GenericRecord timingFor(Schema writer, String errorClassSymbol) {
        Schema errorClass = writer.getField("error_class").schema();
        GenericRecordBuilder builder = new GenericRecordBuilder(writer)
                .set("run_id", "r-1")
                .set("generator_id", "gen-1")
                .set("scenario", "typical_user")
                .set("endpoint", "GET /api/review/campaigns")
                .set("method", "GET")
                .set("status", 0)
                .set("error_class", new GenericData.EnumSymbol(errorClass, errorClassSymbol))
                .set("intended_start_us", 1_764_000_000_000_000L)
                .set("actual_start_us", 1_764_000_000_000_500L)
                .set("latency_us", 10_000_500L)
                .set("service_time_us", 10_000_000L)
                .set("bytes_sent", 200L)
                .set("bytes_received", 0L)
                .set("vu", 3);
        return builder.build();
    }

    private static byte[] encode(Schema writer, GenericRecord record) throws IOException {
        ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), writer).encode(record);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    @Test
    void readsARecordOfAnOlderWriterWithTheNewFieldsAtTheirDefaults() throws IOException {
        // given a payload written with the older schema
        Schema older = olderRequestTiming();
        byte[] payload = encode(older, timingFor(older, "TIMEOUT"));
        AvroSerde<RequestTiming> serde = AvroSerde.of(RequestTiming.class, List.of(older));

        // when
        RequestTiming decoded = serde.deserialize(TOPIC, payload);

        // then the fields it had keep their values and the others take their defaults
        assertThat(decoded.getRunId()).isEqualTo("r-1");
        assertThat(decoded.getEndpoint()).isEqualTo("GET /api/review/campaigns");
        assertThat(decoded.getErrorClass()).isEqualTo(ErrorClass.TIMEOUT);
        assertThat(decoded.getLatencyUs()).isEqualTo(10_000_500L);
        assertThat(decoded.getVu()).isEqualTo(3);
        assertThat(decoded.getErrorDetail()).isNull();
        assertThat(decoded.getTimeToFirstByteUs()).isEqualTo(-1L);
        assertThat(decoded.getIteration()).isZero();
    }

    @Test
    void stillReadsCurrentRecordsWhenOlderWritersAreKnown() {
        AvroSerde<RequestTiming> serde = AvroSerde.of(RequestTiming.class, List.of(olderRequestTiming()));
        RequestTiming event = SampleEvents.requestTiming();

        assertThat(serde.deserialize(TOPIC, EventSerdes.requestTiming().serialize(TOPIC, event))).isEqualTo(event);
    }

    @Test
    void refusesARecordOfAnOlderWriterItWasNotToldAbout() throws IOException {
        Schema older = olderRequestTiming();
        byte[] payload = encode(older, timingFor(older, "TIMEOUT"));

        assertThatThrownBy(() -> EventSerdes.requestTiming().deserialize(TOPIC, payload))
                .isInstanceOfSatisfying(EventDecodingException.class, e -> {
                    assertThat(e.reason()).isEqualTo(EventDecodingException.Reason.UNKNOWN_SCHEMA);
                    assertThat(e.fingerprint()).isEqualTo(SchemaNormalization.parsingFingerprint64(older));
                    assertThat(e.topic()).isEqualTo(TOPIC);
                })
                .hasMessageContaining("RequestTiming");
    }

    @Test
    void readsAnErrorClassSymbolFromANewerWriterAsOther() throws IOException {
        Schema newer = requestTimingWithNewerErrorClass();
        byte[] payload = encode(newer, timingFor(newer, "HTTP2_STREAM_RESET"));
        AvroSerde<RequestTiming> serde = AvroSerde.of(RequestTiming.class, List.of(newer));

        RequestTiming decoded = serde.deserialize(TOPIC, payload);

        assertThat(decoded.getErrorClass()).isEqualTo(ErrorClass.OTHER);
        assertThat(decoded.getTimeToFirstByteUs()).isEqualTo(-1L);
    }

    @Test
    void readsKnownErrorClassSymbolsFromANewerWriterUnchanged() throws IOException {
        Schema newer = requestTimingWithNewerErrorClass();
        byte[] payload = encode(newer, timingFor(newer, "RESET"));
        AvroSerde<RequestTiming> serde = AvroSerde.of(RequestTiming.class, List.of(newer));

        assertThat(serde.deserialize(TOPIC, payload).getErrorClass()).isEqualTo(ErrorClass.RESET);
    }

    @Test
    void rejectsAnExtraWriterSchemaItCannotResolveAtConstruction() {
        Schema foreign = SystemSample.getClassSchema();

        assertThatThrownBy(() -> AvroSerde.of(RequestTiming.class, List.of(foreign)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("io.loadstream.events.SystemSample")
                .hasMessageContaining("cannot be read as io.loadstream.events.RequestTiming");
    }

    @Test
    void rejectsAnExtraWriterSchemaThatDropsAFieldWithoutDefault() {
        Schema current = RequestTiming.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : current.getFields()) {
            if (!field.name().equals("latency_us")) {
                fields.add(new Schema.Field(field, field.schema()));
            }
        }
        Schema withoutLatency = Schema.createRecord(current.getName(), null, current.getNamespace(), false, fields);

        assertThatThrownBy(() -> AvroSerde.of(RequestTiming.class, List.of(withoutLatency)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("latency_us");
    }

    @Test
    void loadsOlderVersionsListedInTheHistoryIndex() throws IOException {
        ClassLoader loader = getClass().getClassLoader();

        List<Schema> history = SchemaHistory.load(loader, "avro-history-sample", RequestTiming.getClassSchema());

        assertThat(history).hasSize(1);
        Schema v0 = history.get(0);
        assertThat(v0.getField("iteration")).isNull();
        assertThat(SchemaNormalization.parsingFingerprint64(v0))
                .isEqualTo(SchemaNormalization.parsingFingerprint64(olderRequestTiming()));
        assertThat(SchemaHistory.load(loader, "avro-history-sample", SystemSample.getClassSchema())).isEmpty();
    }

    @Test
    void treatsAMissingHistoryIndexAsNoOlderVersions() {
        assertThat(SchemaHistory.load(getClass().getClassLoader(), "no-such-folder",
                RequestTiming.getClassSchema())).isEmpty();
    }

    @Test
    void readsTimingsAndTotalsWrittenBeforeTheChecksAndTheTimeToFirstByteHistogramWithNeither() throws IOException {
        // given a timing and totals written with the shipped v1 schemas
        ClassLoader loader = AvroSerde.class.getClassLoader();
        assertThat(loader.getResource(SchemaHistory.DEFAULT_ROOT + "/index.txt")).isNotNull();
        Schema timingV1 = SchemaHistory.load(loader, SchemaHistory.DEFAULT_ROOT, RequestTiming.getClassSchema())
                .get(0);
        Schema totalsV1 = SchemaHistory.load(loader, SchemaHistory.DEFAULT_ROOT, EndpointTotals.getClassSchema())
                .get(0);
        RequestTiming timing = EventFixtures.ok("r-1", "GET /x", EventFixtures.nowMs(), 1_234);
        EndpointTotals totals = EventFixtures.totals("r-1", "GET /x", 0, 10, new long[] {1, 2, 3}, 0, true);
        GenericRecord totalsWriter = asWriter(totals, totalsV1);
        totalsWriter.put("stats", asWriter(totals.getStats(), totalsV1.getField("stats").schema()));

        // when the shipped serdes read them
        RequestTiming decoded = EventSerdes.requestTiming().deserialize(TOPIC, encode(timingV1,
                asWriter(timing, timingV1)));
        EndpointTotals decodedTotals = EventSerdes.endpointTotals().deserialize("loadstream.totals",
                encode(totalsV1, totalsWriter));

        // then: no check result, no check counted, no TTFB histogram
        assertThat(decoded.getLatencyUs()).isEqualTo(1_234);
        assertThat(decoded.getCheckPassed()).isNull();
        assertThat(decodedTotals.getStats().getCount()).isEqualTo(3);
        assertThat(decodedTotals.getStats().getChecksPassed() + decodedTotals.getStats().getChecksFailed()).isZero();
        assertThat(decodedTotals.getStats().getTtfbHistogram()).isNull();
    }

    @Test
    void readsSystemSamplesAndWindowsOfTheFirstVersionWithTheNewFiguresUnknown() throws IOException {
        // given records written with the shipped v1 schemas, which had no per-second list nor disk I/O
        ClassLoader loader = AvroSerde.class.getClassLoader();
        Schema sampleV1 = SchemaHistory.load(loader, SchemaHistory.DEFAULT_ROOT, SystemSample.getClassSchema()).get(0);
        Schema windowV1 = SchemaHistory.load(loader, SchemaHistory.DEFAULT_ROOT, SystemWindow.getClassSchema()).get(0);
        SystemSample current = EventFixtures.system("r-1", "h1", EventFixtures.nowMs(), 40, 7);
        SystemWindow window = EventFixtures.systemWindow("r-1", "h1", HostRole.TARGET, 0, 10_000, 50, 9);
        byte[] samplePayload = encode(sampleV1, asWriter(current, sampleV1));
        byte[] windowPayload = encode(windowV1, asWriter(window, windowV1));

        // when the shipped serdes read them
        SystemSample sample = EventSerdes.systemSample().deserialize("loadstream.system", samplePayload);
        SystemWindow decoded = EventSerdes.systemWindow().deserialize("loadstream.system-windows", windowPayload);

        // then the old figures keep their values and the new ones say "unknown"
        assertThat(sample.getProcessCpuPercent()).isEqualTo(20);
        assertThat(sample.getDiskBusyPercent()).isEqualTo(-1);
        assertThat(sample.getWatchedProcess()).isNull();
        assertThat(decoded.getCpuMax()).isEqualTo(50);
        assertThat(decoded.getSeconds()).isEmpty();
        assertThat(decoded.getGcTimeMs()).isEqualTo(-1);
    }

    /** The fields of {@code record} that the older {@code writer} has. */
    private static GenericRecord asWriter(org.apache.avro.specific.SpecificRecordBase record, Schema writer) {
        GenericRecordBuilder builder = new GenericRecordBuilder(writer);
        for (Schema.Field field : writer.getFields()) {
            Object value = record.get(field.name());
            builder.set(field.name(), value instanceof Enum<?> e
                    ? new GenericData.EnumSymbol(field.schema(), e.name()) : value);
        }
        return builder.build();
    }

    @Test
    void failsLoudlyWhenTheHistoryListsAFileThatIsMissing() {
        assertThatThrownBy(() -> SchemaHistory.load(getClass().getClassLoader(), "avro-history-broken",
                RequestTiming.getClassSchema()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("avro-history-broken/RequestTiming/v7.avsc");
    }
}
