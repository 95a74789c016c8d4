package io.loadstream.generator.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loadstream.generator.plan.YamlTree.ListNode;
import io.loadstream.generator.plan.YamlTree.MapNode;
import io.loadstream.generator.plan.YamlTree.Node;
import io.loadstream.generator.plan.YamlTree.ScalarNode;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * A step's body written in YAML as a mapping or a list, turned into the JSON text that is sent: most APIs under
 * test expect JSON. Keys keep their order; numbers keep the digits written (as {@link BigInteger} or
 * {@link BigDecimal}, never rounded through a double); {@code true}, {@code false} and empty values become JSON
 * booleans and {@code null}; everything else is a string. Package-private: only the plan parser uses it.
 */
final class JsonBody {

    /** Thread-safe once configured; nothing configures it. */
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonBody() {
    }

    /**
     * Writes a YAML node as JSON text.
     *
     * @param node a mapping, list or scalar
     * @return compact JSON text
     * @throws JsonProcessingException when Jackson cannot write it
     * @throws NotJson                 when a value has no JSON form (e.g. {@code .inf})
     */
    static String write(Node node) throws JsonProcessingException {
        return JSON.writeValueAsString(toJson(node));
    }

    private static BigDecimal number(ScalarNode scalar) {
        try {
            return YamlNumbers.exact(scalar.text());
        } catch (IllegalArgumentException e) {
            throw new NotJson(scalar.location(), e.getMessage());
        }
    }

    /** A value in the body that JSON cannot carry, with where it is in the plan. */
    static final class NotJson extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;

        /** Where the value is. */
        private final transient Location location;

        NotJson(Location location, String message) {
            super(message);
            this.location = location;
        }

        /** Where the value is in the plan. */
        Location location() {
            return location;
        }
    }

    private static JsonNode toJson(Node node) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        if (node instanceof MapNode map) {
            ObjectNode object = json.objectNode();
            map.entries().forEach((key, entry) -> object.set(key, toJson(entry.value())));
            return object;
        }
        if (node instanceof ListNode list) {
            ArrayNode array = json.arrayNode();
            list.items().forEach(item -> array.add(toJson(item)));
            return array;
        }
        ScalarNode scalar = (ScalarNode) node;
        return switch (scalar.token()) {
            case VALUE_NULL -> json.nullNode();
            case VALUE_TRUE -> json.booleanNode(true);
            case VALUE_FALSE -> json.booleanNode(false);
            case VALUE_NUMBER_INT -> json.numberNode(number(scalar).toBigIntegerExact());
            case VALUE_NUMBER_FLOAT -> json.numberNode(number(scalar));
            default -> json.textNode(scalar.text());
        };
    }
}
