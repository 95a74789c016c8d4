package io.loadstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.events.HostRole;
import io.loadstream.events.SystemWindow;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** The house rules of the event schemas, checked on every schema rather than by review. */
class SchemaConventionsTest {

    private static List<Schema> eventSchemas() {
        return Stream.of(EventSerdes.requestTiming(), EventSerdes.systemSample(), EventSerdes.runControl(),
                        EventSerdes.endpointWindow(), EventSerdes.endpointTotals(), EventSerdes.systemWindow(),
                        EventSerdes.alert())
                .map(AvroSerde::schema)
                .toList();
    }

    /** Every record and enum reachable from the event schemas, each once. */
    private static List<Schema> namedTypes() {
        List<Schema> found = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        eventSchemas().forEach(schema -> collect(schema, found, seen));
        return found;
    }

    private static void collect(Schema schema, List<Schema> found, Set<String> seen) {
        switch (schema.getType()) {
            case RECORD -> {
                if (seen.add(schema.getFullName())) {
                    found.add(schema);
                    schema.getFields().forEach(field -> collect(field.schema(), found, seen));
                }
            }
            case ENUM -> {
                if (seen.add(schema.getFullName())) {
                    found.add(schema);
                }
            }
            case ARRAY -> collect(schema.getElementType(), found, seen);
            case MAP -> collect(schema.getValueType(), found, seen);
            case UNION -> schema.getTypes().forEach(type -> collect(type, found, seen));
            default -> {
                // Primitive types have nothing to visit.
            }
        }
    }

    private static List<Schema.Field> fields() {
        return namedTypes().stream()
                .filter(schema -> schema.getType() == Schema.Type.RECORD)
                .flatMap(schema -> schema.getFields().stream())
                .toList();
    }

    @Test
    void putsEveryTypeInTheEventsNamespace() {
        assertThat(namedTypes()).extracting(Schema::getNamespace).containsOnly("io.loadstream.events");
        assertThat(namedTypes()).extracting(Schema::getName).contains("ErrorClass", "HostRole", "LatencyStats",
                "ThresholdSpec", "ControlType", "AlertStatus");
    }

    @Test
    void documentsEveryTypeAndField() {
        assertThat(namedTypes())
                .allSatisfy(schema -> assertThat(schema.getDoc()).as(schema.getFullName()).isNotBlank());
        assertThat(fields()).allSatisfy(field -> assertThat(field.doc()).as(field.name()).isNotBlank());
    }

    @Test
    void namesFieldsInSnakeCase() {
        assertThat(fields()).allSatisfy(field -> assertThat(field.name()).matches("[a-z][a-z0-9]*(_[a-z0-9]+)*"));
    }

    @Test
    void usesNoLogicalTypesSoThatDecodingAllocatesNoTimeObjects() {
        assertThat(fields()).allSatisfy(field -> {
            assertThat(field.schema().getLogicalType()).as(field.name()).isNull();
            if (field.schema().getType() == Schema.Type.UNION) {
                assertThat(field.schema().getTypes()).allSatisfy(type -> assertThat(type.getLogicalType()).isNull());
            }
        });
    }

    @Test
    void defaultsEveryOptionalFieldToNull() {
        assertThat(fields()).filteredOn(field -> field.schema().isNullable()).allSatisfy(field -> {
            assertThat(field.schema().getTypes().get(0).getType()).as(field.name()).isEqualTo(Schema.Type.NULL);
            assertThat(field.defaultVal()).as(field.name()).isEqualTo(JsonProperties.NULL_VALUE);
        });
    }

    @Test
    void readsUnknownEnumSymbolsAsTheirDefault() {
        assertThat(namedTypes()).filteredOn(schema -> schema.getType() == Schema.Type.ENUM)
                .filteredOn(schema -> !schema.getName().equals("AlertStatus"))
                .allSatisfy(schema -> assertThat(schema.getEnumDefault()).as(schema.getName()).isNotNull());
    }

    @Test
    void declaresHostRoleOnceForSamplesAndWindows() {
        assertThat(SystemWindow.getClassSchema().getField("role").schema()).isEqualTo(HostRole.getClassSchema());
        assertThat(EventSerdes.systemSample().schema().getField("role").schema())
                .isEqualTo(HostRole.getClassSchema());
    }
}
