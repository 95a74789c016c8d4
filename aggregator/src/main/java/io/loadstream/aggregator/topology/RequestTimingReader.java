package io.loadstream.aggregator.topology;

import io.loadstream.events.ErrorClass;
import io.loadstream.events.RequestTiming;
import io.loadstream.schemas.AvroSerde;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;

/**
 * The aggregator's fast path for request timings: reads a single-object encoded {@link RequestTiming} straight from
 * the record's bytes into one reused instance, with no decoder, reader or record allocated per record and the
 * repeated strings (run id, endpoint, generator, scenario, method) taken from a small cache instead of decoded
 * again. It is an optimisation only: whatever it does not read with certainty it leaves to {@link AvroSerde}, which
 * decides what goes to the dead-letter topic, so that both paths accept the same payloads and yield equal records.
 *
 * <p><b>Schema evolution.</b> For each writer schema that the serde accepts (the current one, the shipped history and
 * any extra writers) a plan is built once from that writer schema: each writer field is either read into the reader
 * field of the same name, when both have the same shape (same primitive type, same enum symbols, the same
 * two-branch union), or skipped by its writer type; reader fields the writer lacks get their schema default, as
 * Avro schema resolution would give them. A writer with a field this reader cannot skip (record, array, map, fixed,
 * enum, or a union of those), a changed field type (e.g. a promotion from int to long), or an enum symbol the reader
 * lacks without a default has no plan: its records go through the serde. Payloads of an unknown writer, a bad header, a
 * malformed number, a length past the end, a union or enum index out of range, a boolean byte other than 0 or 1, or
 * bytes left after the record also go through the serde, which either reads them or sends them to the dead-letter
 * topic with the right reason. A reader schema with a field this class does not know (a newer RequestTiming) turns
 * the fast path off entirely ({@link #isEnabled()}).
 *
 * <p>Not thread-safe: one instance per Streams task. The returned record is valid until the next call.
 */
final class RequestTimingReader {

    /** Length of the single-object header: 2 marker bytes and an 8-byte fingerprint. */
    private static final int HEADER_LENGTH = 10;
    private static final int MAX_CACHED_STRINGS = 512;
    /** Longest string kept in the cache, in bytes: names are short; longer strings are decoded each time. */
    private static final int MAX_CACHED_STRING_BYTES = 256;
    private static final ErrorClass[] ERROR_CLASSES = ErrorClass.values();

    // Reader fields, by what this class sets.
    private static final int RUN_ID = 0;
    private static final int GENERATOR_ID = 1;
    private static final int SCENARIO = 2;
    private static final int ENDPOINT = 3;
    private static final int METHOD = 4;
    private static final int STATUS = 5;
    private static final int ERROR_CLASS = 6;
    private static final int ERROR_DETAIL = 7;
    private static final int INTENDED_START = 8;
    private static final int ACTUAL_START = 9;
    private static final int LATENCY = 10;
    private static final int SERVICE_TIME = 11;
    private static final int TIME_TO_FIRST_BYTE = 12;
    private static final int BYTES_SENT = 13;
    private static final int BYTES_RECEIVED = 14;
    private static final int VU = 15;
    private static final int ITERATION = 16;
    private static final int CHECK_PASSED = 17;
    private static final List<String> FIELD_NAMES = List.of("run_id", "generator_id", "scenario", "endpoint",
            "method", "status", "error_class", "error_detail", "intended_start_us", "actual_start_us", "latency_us",
            "service_time_us", "time_to_first_byte_us", "bytes_sent", "bytes_received", "vu", "iteration",
            "check_passed");

    // Steps of a plan: read into a field (the field id is the step's argument), or skip a writer value.
    private static final int READ = 0;
    private static final int SKIP_NULL = 1;
    private static final int SKIP_BOOLEAN = 2;
    private static final int SKIP_INT = 3;
    private static final int SKIP_LONG = 4;
    private static final int SKIP_FLOAT = 5;
    private static final int SKIP_DOUBLE = 6;
    private static final int SKIP_LENGTH_PREFIXED = 7;
    private static final int SKIP_UNION = 8;

    private final long[] fingerprints;
    private final Plan[] plans;
    private final RequestTiming timing = new RequestTiming();
    private final byte[][] cacheKeys = new byte[MAX_CACHED_STRINGS * 2][];
    private final String[] cacheValues = new String[MAX_CACHED_STRINGS * 2];
    private int cached;
    private byte[] buffer;
    private int position;
    private int end;
    /** The value of the last {@link #readVarint}, zig-zag decoded. */
    private long varint;

    /**
     * Builds the plans for every writer schema the serde accepts.
     *
     * @param serde the serde whose writer schemas to read; the one that decides about every other payload
     */
    RequestTimingReader(AvroSerde<RequestTiming> serde) {
        Schema reader = serde.schema();
        List<Schema> writers = new ArrayList<>();
        writers.add(reader);
        writers.addAll(serde.olderWriterSchemas());
        List<Long> prints = new ArrayList<>();
        List<Plan> built = new ArrayList<>();
        if (knowsEveryField(reader)) {
            for (Schema writer : writers) {
                Plan plan = Plan.of(writer, reader);
                if (plan != null) {
                    prints.add(SchemaNormalization.parsingFingerprint64(writer));
                    built.add(plan);
                }
            }
        }
        this.fingerprints = prints.stream().mapToLong(Long::longValue).toArray();
        this.plans = built.toArray(new Plan[0]);
    }

    /** @return whether the fast path is on: the reader schema has no field this class does not know */
    boolean isEnabled() {
        return plans.length > 0;
    }

    /** @return how many writer schemas have a plan (the current one first) */
    int planCount() {
        return plans.length;
    }

    /**
     * Reads one payload.
     *
     * @param payload a record value of the requests topic, not null
     * @return the request in a reused instance (valid until the next call), or null when the payload is to go
     *         through the serde (unknown writer, no plan, or anything unusual in the bytes)
     */
    RequestTiming read(byte[] payload) {
        if (payload.length < HEADER_LENGTH || payload[0] != (byte) 0xC3 || payload[1] != (byte) 0x01) {
            return null;
        }
        Plan plan = plan(littleEndianLong(payload, 2));
        if (plan == null) {
            return null;
        }
        buffer = payload;
        position = HEADER_LENGTH;
        end = payload.length;
        try {
            return readBody(plan) && position == end ? timing : null;
        } finally {
            buffer = null;
        }
    }

    private Plan plan(long fingerprint) {
        for (int i = 0; i < fingerprints.length; i++) {
            if (fingerprints[i] == fingerprint) {
                return plans[i];
            }
        }
        return null;
    }

    private boolean readBody(Plan plan) {
        for (int i = 0; i < plan.steps.length; i++) {
            int step = plan.steps[i];
            boolean ok = step == READ ? readField(plan.arguments[i], plan.enumMaps[i]) : skip(step, plan.unions[i]);
            if (!ok) {
                return false;
            }
        }
        for (int i = 0; i < plan.defaultFields.length; i++) {
            setDefault(plan.defaultFields[i], plan.defaultValues[i]);
        }
        return true;
    }

    private boolean readField(int field, ErrorClass[] enumMap) {
        switch (field) {
            case RUN_ID, GENERATOR_ID, SCENARIO, ENDPOINT, METHOD -> {
                String value = readString();
                if (value == null) {
                    return false;
                }
                setString(field, value);
                return true;
            }
            case STATUS, VU -> {
                if (!readVarint(5)) {
                    return false;
                }
                int value = (int) varint;
                if (field == STATUS) {
                    timing.setStatus(value);
                } else {
                    timing.setVu(value);
                }
                return true;
            }
            case ERROR_CLASS -> {
                if (!readVarint(5) || varint < 0 || varint >= enumMap.length) {
                    return false;
                }
                timing.setErrorClass(enumMap[(int) varint]);
                return true;
            }
            case ERROR_DETAIL -> {
                int branch = readUnionBranch();
                if (branch < 0) {
                    return false;
                }
                String detail = branch == 0 ? null : readString();
                timing.setErrorDetail(detail);
                return branch == 0 || detail != null;
            }
            case CHECK_PASSED -> {
                int branch = readUnionBranch();
                if (branch < 0) {
                    return false;
                }
                if (branch == 0) {
                    timing.setCheckPassed(null);
                    return true;
                }
                int b = readBooleanByte();
                if (b < 0) {
                    return false;
                }
                timing.setCheckPassed(b == 1);
                return true;
            }
            default -> {
                if (!readVarint(10)) {
                    return false;
                }
                setLong(field, varint);
                return true;
            }
        }
    }

    private void setString(int field, String value) {
        switch (field) {
            case RUN_ID -> timing.setRunId(value);
            case GENERATOR_ID -> timing.setGeneratorId(value);
            case SCENARIO -> timing.setScenario(value);
            case ENDPOINT -> timing.setEndpoint(value);
            default -> timing.setMethod(value);
        }
    }

    private void setLong(int field, long value) {
        switch (field) {
            case INTENDED_START -> timing.setIntendedStartUs(value);
            case ACTUAL_START -> timing.setActualStartUs(value);
            case LATENCY -> timing.setLatencyUs(value);
            case SERVICE_TIME -> timing.setServiceTimeUs(value);
            case TIME_TO_FIRST_BYTE -> timing.setTimeToFirstByteUs(value);
            case BYTES_SENT -> timing.setBytesSent(value);
            case BYTES_RECEIVED -> timing.setBytesReceived(value);
            default -> timing.setIteration(value);
        }
    }

    /** Sets a reader field the writer lacks to its default (checked to have the field's type when planned). */
    private void setDefault(int field, Object value) {
        switch (field) {
            case RUN_ID, GENERATOR_ID, SCENARIO, ENDPOINT, METHOD -> setString(field, (String) value);
            case STATUS -> timing.setStatus((Integer) value);
            case VU -> timing.setVu((Integer) value);
            case ERROR_CLASS -> timing.setErrorClass((ErrorClass) value);
            case ERROR_DETAIL -> timing.setErrorDetail((String) value);
            case CHECK_PASSED -> timing.setCheckPassed((Boolean) value);
            default -> setLong(field, (Long) value);
        }
    }

    private boolean skip(int step, int[] unionSteps) {
        switch (step) {
            case SKIP_NULL -> {
                return true;
            }
            case SKIP_BOOLEAN -> {
                return readBooleanByte() >= 0;
            }
            case SKIP_INT -> {
                return readVarint(5);
            }
            case SKIP_LONG -> {
                return readVarint(10);
            }
            case SKIP_FLOAT -> {
                return advance(4);
            }
            case SKIP_DOUBLE -> {
                return advance(8);
            }
            case SKIP_LENGTH_PREFIXED -> {
                return readVarint(10) && varint >= 0 && advance(varint);
            }
            case SKIP_UNION -> {
                if (!readVarint(5) || varint < 0 || varint >= unionSteps.length) {
                    return false;
                }
                return skip(unionSteps[(int) varint], null);
            }
            default -> {
                return false;
            }
        }
    }

    private boolean advance(long bytes) {
        if (bytes > end - position) {
            return false;
        }
        position += (int) bytes;
        return true;
    }

    /**
     * Reads a zig-zag varint of at most {@code maxBytes} bytes (5 for an int, 10 for a long) into {@link #varint}.
     * Only the shortest encoding of a value within the type's width is read: Avro also reads a longer one (a
     * trailing zero byte) and drops bits beyond the width, and reads lengths as ints or longs depending on the
     * decoder; refusing those rare forms makes every accepted number read the same under all of them, and sends the
     * payload through the serde.
     */
    private boolean readVarint(int maxBytes) {
        long raw = 0;
        int shift = 0;
        for (int i = 0; i < maxBytes; i++) {
            if (position >= end) {
                return false;
            }
            int b = buffer[position++] & 0xFF;
            raw |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (i > 0 && b == 0 || i == maxBytes - 1 && b > (maxBytes == 5 ? 0x0F : 0x01)) {
                    return false;
                }
                varint = maxBytes == 5 ? zigZagInt((int) raw) : (raw >>> 1) ^ -(raw & 1);
                return true;
            }
            shift += 7;
        }
        return false;
    }

    private static long zigZagInt(int raw) {
        return (raw >>> 1) ^ -(raw & 1);
    }

    /** @return 0 or 1, or -1 when out of bytes or the byte is neither (Avro would read any other byte as false) */
    private int readBooleanByte() {
        if (position >= end) {
            return -1;
        }
        int b = buffer[position++];
        return b == 0 || b == 1 ? b : -1;
    }

    /** @return the branch of a two-branch {@code ["null", T]} union, or -1 */
    private int readUnionBranch() {
        if (!readVarint(5) || varint < 0 || varint > 1) {
            return -1;
        }
        return (int) varint;
    }

    /** @return the string, from the cache when it was seen before, or null when the bytes are not a whole string */
    private String readString() {
        if (!readVarint(10) || varint < 0 || varint > end - position) {
            return null;
        }
        int length = (int) varint;
        int from = position;
        position += length;
        if (length > MAX_CACHED_STRING_BYTES) {
            return new String(buffer, from, length, StandardCharsets.UTF_8);
        }
        int hash = 1;
        for (int i = from; i < from + length; i++) {
            hash = 31 * hash + buffer[i];
        }
        int mask = cacheKeys.length - 1;
        for (int slot = mix(hash) & mask; ; slot = (slot + 1) & mask) {
            byte[] key = cacheKeys[slot];
            if (key == null) {
                String value = new String(buffer, from, length, StandardCharsets.UTF_8);
                if (cached < MAX_CACHED_STRINGS) {
                    // Half full at most, so that probes stay short; beyond that, strings are decoded each time.
                    cacheKeys[slot] = Arrays.copyOfRange(buffer, from, from + length);
                    cacheValues[slot] = value;
                    cached++;
                }
                return value;
            }
            if (Arrays.equals(key, 0, key.length, buffer, from, from + length)) {
                return cacheValues[slot];
            }
        }
    }

    private static int mix(int hash) {
        return hash ^ (hash >>> 16);
    }

    private static long littleEndianLong(byte[] bytes, int offset) {
        long value = 0;
        for (int i = 7; i >= 0; i--) {
            value = (value << 8) | (bytes[offset + i] & 0xFF);
        }
        return value;
    }

    private static boolean knowsEveryField(Schema reader) {
        for (Schema.Field field : reader.getFields()) {
            if (!FIELD_NAMES.contains(field.name()) || !field.aliases().isEmpty()) {
                return false;
            }
        }
        return reader.getFields().size() == FIELD_NAMES.size()
                && knownShape(reader, "error_class", Schema.Type.ENUM)
                && knownShape(reader, "error_detail", Schema.Type.UNION)
                && knownShape(reader, "check_passed", Schema.Type.UNION);
    }

    private static boolean knownShape(Schema reader, String field, Schema.Type type) {
        return reader.getField(field).schema().getType() == type;
    }

    /** The steps that read one writer schema's records. */
    private static final class Plan {
        final int[] steps;
        final int[] arguments;
        final ErrorClass[][] enumMaps;
        final int[][] unions;
        final int[] defaultFields;
        final Object[] defaultValues;

        private Plan(int[] steps, int[] arguments, ErrorClass[][] enumMaps, int[][] unions, int[] defaultFields,
                     Object[] defaultValues) {
            this.steps = steps;
            this.arguments = arguments;
            this.enumMaps = enumMaps;
            this.unions = unions;
            this.defaultFields = defaultFields;
            this.defaultValues = defaultValues;
        }

        /** @return the plan, or null when a record of this writer is to go through the serde */
        static Plan of(Schema writer, Schema reader) {
            if (writer.getType() != Schema.Type.RECORD) {
                return null;
            }
            List<Schema.Field> fields = writer.getFields();
            int[] steps = new int[fields.size()];
            int[] arguments = new int[fields.size()];
            ErrorClass[][] enumMaps = new ErrorClass[fields.size()][];
            int[][] unions = new int[fields.size()][];
            boolean[] written = new boolean[FIELD_NAMES.size()];
            for (int i = 0; i < fields.size(); i++) {
                Schema.Field field = fields.get(i);
                Schema.Field target = reader.getField(field.name());
                if (target != null) {
                    if (!sameShape(field.schema(), target.schema())) {
                        return null;
                    }
                    int id = FIELD_NAMES.indexOf(target.name());
                    if (written[id]) {
                        return null;
                    }
                    written[id] = true;
                    steps[i] = READ;
                    arguments[i] = id;
                    if (id == ERROR_CLASS) {
                        enumMaps[i] = enumMap(field.schema(), target.schema());
                        if (enumMaps[i] == null) {
                            return null;
                        }
                    }
                } else {
                    steps[i] = skipStep(field.schema());
                    if (steps[i] < 0) {
                        return null;
                    }
                    if (steps[i] == SKIP_UNION) {
                        unions[i] = unionSteps(field.schema());
                        if (unions[i] == null) {
                            return null;
                        }
                    }
                }
            }
            List<Integer> missing = new ArrayList<>();
            List<Object> defaults = new ArrayList<>();
            for (Schema.Field field : reader.getFields()) {
                int id = FIELD_NAMES.indexOf(field.name());
                if (!written[id]) {
                    if (!field.hasDefaultValue()) {
                        return null;
                    }
                    missing.add(id);
                    defaults.add(SpecificData.get().getDefaultValue(field));
                }
            }
            return new Plan(steps, arguments, enumMaps, unions, missing.stream().mapToInt(Integer::intValue).toArray(),
                    defaults.toArray());
        }

        /** Whether a writer value can be read as the reader's without resolution (no promotion, no branch moves). */
        private static boolean sameShape(Schema writer, Schema reader) {
            if (writer.getType() != reader.getType()) {
                return false;
            }
            return switch (reader.getType()) {
                case STRING, INT, LONG, BOOLEAN, NULL, ENUM -> true;
                case UNION -> writer.getTypes().size() == 2 && reader.getTypes().size() == 2
                        && writer.getTypes().get(0).getType() == Schema.Type.NULL
                        && reader.getTypes().get(0).getType() == Schema.Type.NULL
                        && writer.getTypes().get(1).getType() == reader.getTypes().get(1).getType()
                        && sameShape(writer.getTypes().get(1), reader.getTypes().get(1));
                default -> false;
            };
        }

        /** Writer symbol index to the reader's constant, by name, or the reader's default; null when impossible. */
        private static ErrorClass[] enumMap(Schema writer, Schema reader) {
            List<String> symbols = writer.getEnumSymbols();
            ErrorClass[] map = new ErrorClass[symbols.size()];
            for (int i = 0; i < map.length; i++) {
                String symbol = reader.hasEnumSymbol(symbols.get(i)) ? symbols.get(i) : reader.getEnumDefault();
                if (symbol == null) {
                    return null;
                }
                map[i] = ERROR_CLASSES[reader.getEnumOrdinal(symbol)];
            }
            return map;
        }

        private static int skipStep(Schema schema) {
            return switch (schema.getType()) {
                case NULL -> SKIP_NULL;
                case BOOLEAN -> SKIP_BOOLEAN;
                case INT -> SKIP_INT;
                case LONG -> SKIP_LONG;
                case FLOAT -> SKIP_FLOAT;
                case DOUBLE -> SKIP_DOUBLE;
                case STRING, BYTES -> SKIP_LENGTH_PREFIXED;
                case UNION -> SKIP_UNION;
                // Records, arrays, maps, fixed values, and enums (whose index a skip would not check): the serde's.
                default -> -1;
            };
        }

        private static int[] unionSteps(Schema union) {
            int[] steps = new int[union.getTypes().size()];
            for (int i = 0; i < steps.length; i++) {
                steps[i] = skipStep(union.getTypes().get(i));
                if (steps[i] < 0 || steps[i] == SKIP_UNION) {
                    return null;
                }
            }
            return steps;
        }
    }
}
