package io.loadstream.generator.plan;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document read with Jackson's streaming parser into a small tree that keeps the line and column of
 * every key and value, which Jackson's own tree model drops. Package-private: only the plan parser uses it.
 */
final class YamlTree {

    private YamlTree() {
    }

    /** A node of the tree. */
    sealed interface Node permits MapNode, ListNode, ScalarNode {
        /** Where the node starts. */
        Location location();

        /** What the user would call this kind of node, for messages. */
        String kind();
    }

    /** A mapping; keys in document order. */
    record MapNode(Location location, Map<String, Entry> entries) implements Node {
        @Override
        public String kind() {
            return "a mapping";
        }
    }

    /** One key of a mapping, with the key's own location. */
    record Entry(String key, Location keyLocation, Node value) {
    }

    /** A sequence. */
    record ListNode(Location location, List<Node> items) implements Node {
        @Override
        public String kind() {
            return "a list";
        }
    }

    /**
     * A scalar.
     *
     * @param text  the text as written; null for YAML null ({@code ~}, {@code null} or nothing)
     * @param token the token Jackson gave it (string, number, boolean or null)
     */
    record ScalarNode(Location location, String text, JsonToken token) implements Node {
        @Override
        public String kind() {
            return switch (token) {
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
                case VALUE_TRUE, VALUE_FALSE -> "a boolean";
                case VALUE_NULL -> "empty";
                default -> "text";
            };
        }

        boolean isNull() {
            return token == JsonToken.VALUE_NULL;
        }
    }

    /**
     * Reads one YAML document.
     *
     * @param content the YAML text
     * @param file    the file name, for locations
     * @param errors  where duplicate keys are reported
     * @return the root node, or null for an empty document
     * @throws PlanException when the text is not valid YAML
     */
    static Node read(String content, String file, List<PlanError> errors) throws PlanException {
        YAMLFactory factory = YAMLFactory.builder().build();
        try (JsonParser parser = factory.createParser(content)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return null;
            }
            return node(parser, file, errors);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            Location location = at == null ? new Location(file, 0, 0)
                    : new Location(file, Math.max(at.getLineNr(), 0), Math.max(at.getColumnNr(), 0));
            throw new PlanException(List.of(new PlanError(location, "This is not valid YAML: "
                    + firstLine(e.getOriginalMessage()))));
        } catch (IOException e) {
            throw new PlanException(List.of(new PlanError(new Location(file, 0, 0),
                    "Cannot read the plan: " + e.getMessage())));
        }
    }

    private static Node node(JsonParser parser, String file, List<PlanError> errors) throws IOException {
        Location location = location(parser, file);
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT -> {
                Map<String, Entry> entries = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    Location keyLocation = location(parser, file);
                    parser.nextToken();
                    Node value = node(parser, file, errors);
                    if (entries.containsKey(key)) {
                        errors.add(new PlanError(keyLocation, "The key '" + key + "' appears twice here; the first"
                                + " is at line " + entries.get(key).keyLocation().line() + ". Keep one."));
                    } else {
                        entries.put(key, new Entry(key, keyLocation, value));
                    }
                }
                return new MapNode(location, Collections.unmodifiableMap(entries));
            }
            case START_ARRAY -> {
                List<Node> items = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    items.add(node(parser, file, errors));
                }
                return new ListNode(location, List.copyOf(items));
            }
            case VALUE_NULL -> {
                return new ScalarNode(location, null, token);
            }
            default -> {
                return new ScalarNode(location, parser.getText(), token);
            }
        }
    }

    private static Location location(JsonParser parser, String file) {
        JsonLocation at = parser.currentTokenLocation();
        return new Location(file, at.getLineNr(), at.getColumnNr());
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }
}
