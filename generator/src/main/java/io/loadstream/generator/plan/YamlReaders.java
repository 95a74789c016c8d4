package io.loadstream.generator.plan;

import com.fasterxml.jackson.core.JsonToken;
import io.loadstream.generator.plan.YamlTree.Entry;
import io.loadstream.generator.plan.YamlTree.ListNode;
import io.loadstream.generator.plan.YamlTree.MapNode;
import io.loadstream.generator.plan.YamlTree.Node;
import io.loadstream.generator.plan.YamlTree.ScalarNode;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Typed reads of {@link YamlTree} nodes for the plan parser: durations, whole numbers, numbers, booleans, text,
 * required and optional keys, mappings and lists, and unknown keys with a "did you mean" suggestion. A read that
 * fails adds a {@link PlanError} at the node's location to the shared error list and returns the fallback (or
 * null), so that the parser goes on and reports every error of a plan at once. Package-private: only the plan
 * parser uses it; its messages are part of what {@code validate} prints.
 */
final class YamlReaders {

    /** Largest edit distance at which an unknown key gets a suggestion: most typos are one or two keystrokes. */
    static final int MAX_SUGGESTION_DISTANCE = 2;

    private final List<PlanError> errors;

    /**
     * Creates the readers.
     *
     * @param errors where failed reads add their errors; shared with the parser
     */
    YamlReaders(List<PlanError> errors) {
        this.errors = errors;
    }

    /** Adds an error. */
    void error(Location location, String message) {
        errors.add(new PlanError(location, message));
    }

    // ---------------------------------------------------------------- structure

    /**
     * The value of a key that must be present and not empty.
     *
     * @param map   the mapping
     * @param key   the key
     * @param where what the mapping is, for the message, e.g. {@code "a step"}
     * @return the value, or null (and an error) when it is missing or empty
     */
    Node required(MapNode map, String key, String where) {
        Entry entry = map.entries().get(key);
        if (entry == null) {
            error(map.location(), capitalise(where) + " needs '" + key + "'.");
            return null;
        }
        if (entry.value() instanceof ScalarNode scalar && scalar.isNull()) {
            error(entry.keyLocation(), "'" + key + "' is empty; give it a value.");
            return null;
        }
        return entry.value();
    }

    /** The value of a key, or null when it is absent. */
    static Node optional(MapNode map, String key) {
        Entry entry = map.entries().get(key);
        return entry == null ? null : entry.value();
    }

    /** The node as a mapping; null for null, and null (and an error) for any other kind of node. */
    MapNode asMap(Node node, String what) {
        if (node == null) {
            return null;
        }
        if (node instanceof MapNode map) {
            return map;
        }
        error(node.location(), capitalise(what) + " must be a mapping of keys to values, not " + describe(node)
                + ".");
        return null;
    }

    /** The node as a list; null for null, and null (and an error) for any other kind of node. */
    ListNode asList(Node node, String what) {
        if (node == null) {
            return null;
        }
        if (node instanceof ListNode list) {
            return list;
        }
        error(node.location(), capitalise(what) + " must be a list (items starting with '- '), not "
                + describe(node) + ".");
        return null;
    }

    /**
     * Reports every key of {@code map} that is not in {@code known}, suggesting the closest known key.
     *
     * @param map   the mapping
     * @param known the keys allowed here, in the order the message lists them
     * @param where what the mapping is, for the message, e.g. {@code "the plan"}
     */
    void unknownKeys(MapNode map, Set<String> known, String where) {
        for (Entry entry : map.entries().values()) {
            if (!known.contains(entry.key())) {
                String suggestion = closest(entry.key(), known);
                error(entry.keyLocation(), "Unknown key '" + entry.key() + "' in " + where + "; "
                        + (suggestion != null ? "did you mean '" + suggestion + "'? " : "")
                        + "Known keys: " + String.join(", ", known) + ".");
            }
        }
    }

    /**
     * Reads the items of a list of mappings, in order: an item that is not a mapping is an error and is skipped;
     * each other one is checked for unknown keys, then handed to {@code item}.
     *
     * @param list  the list
     * @param where what an item is, for the messages, e.g. {@code "a stage"}
     * @param known the keys an item may have
     * @param item  reads one item
     */
    void eachMap(ListNode list, String where, Set<String> known, Consumer<MapNode> item) {
        for (Node node : list.items()) {
            MapNode map = asMap(node, capitalise(where));
            if (map != null) {
                unknownKeys(map, known, where);
                item.accept(map);
            }
        }
    }

    /**
     * The known key closest to {@code key}, ignoring case, within {@value #MAX_SUGGESTION_DISTANCE} edits; the
     * first in {@code known}'s order on a tie.
     *
     * @return the key, or null when none is that close
     */
    static String closest(String key, Set<String> known) {
        String best = null;
        int bestDistance = MAX_SUGGESTION_DISTANCE + 1;
        for (String candidate : known) {
            int distance = editDistance(key.toLowerCase(Locale.ROOT), candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    /**
     * The known name closest to {@code name} (an endpoint, a scenario), ignoring case, within a quarter of its length
     * in edits (at least {@value #MAX_SUGGESTION_DISTANCE}): names are longer than keys.
     *
     * @param name  the name written
     * @param known the names that exist
     * @return the closest name, or null when none is that close
     */
    static String closestName(String name, Set<String> known) {
        String best = null;
        int bestDistance = Math.max(MAX_SUGGESTION_DISTANCE, name.length() / 4) + 1;
        for (String candidate : known) {
            int distance = editDistance(name.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    /** The Levenshtein distance: single-character insertions, deletions and substitutions. */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    // ---------------------------------------------------------------- typed scalars

    /** A duration above 0s in k6's notation; the fallback when the node is null or (with an error) invalid. */
    Duration positiveDuration(Node node, String key, Duration fallback) {
        Duration duration = nonNegativeDuration(node, key, fallback);
        if (node != null && duration != null && (duration.isZero() || duration.isNegative())) {
            error(node.location(), key + " must be longer than 0s.");
            return fallback;
        }
        return duration;
    }

    /**
     * A duration of 0s or more in k6's notation ({@link Durations}); the notation has no sign, so it is never
     * negative. The fallback when the node is null or (with an error) invalid.
     */
    Duration nonNegativeDuration(Node node, String key, Duration fallback) {
        if (node == null) {
            return fallback;
        }
        if (node instanceof ScalarNode scalar && (scalar.token() == JsonToken.VALUE_NUMBER_INT
                || scalar.token() == JsonToken.VALUE_NUMBER_FLOAT)) {
            error(node.location(), key + " needs a unit: write e.g. " + scalar.text() + "s or " + scalar.text()
                    + "ms.");
            return fallback;
        }
        String text = text(node, key);
        if (text == null) {
            return fallback;
        }
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            error(node.location(), key + ": " + e.getMessage() + ".");
            return fallback;
        }
    }

    /**
     * A whole number in {@code [min, max]}; the fallback when the node is null or (with an error) invalid.
     * A {@code max} of {@link Long#MAX_VALUE} or {@link Integer#MAX_VALUE} means "no upper limit" in messages.
     */
    long integer(Node node, String key, long fallback, long min, long max) {
        if (node == null) {
            return fallback;
        }
        if (!(node instanceof ScalarNode scalar) || scalar.token() != JsonToken.VALUE_NUMBER_INT) {
            error(node.location(), key + " must be a whole number, not " + describe(node) + ".");
            return fallback;
        }
        long value;
        try {
            value = YamlNumbers.exact(scalar.text()).longValueExact();
        } catch (ArithmeticException e) {
            error(node.location(), key + " is too large: it must be " + range(min, max) + ".");
            return fallback;
        } catch (IllegalArgumentException e) {
            error(node.location(), key + ": " + e.getMessage() + ".");
            return fallback;
        }
        if (value < min || value > max) {
            error(node.location(), key + " must be " + range(min, max) + ", not " + value + ".");
            return fallback;
        }
        return value;
    }

    /**
     * A number, whole or decimal, in {@code [min, max]}; the fallback when the node is null or (with an error)
     * invalid. A {@code min} of {@link Double#MIN_VALUE} reads "above 0" in messages.
     */
    double number(Node node, String key, double fallback, double min, double max) {
        if (node == null) {
            return fallback;
        }
        if (!(node instanceof ScalarNode scalar) || (scalar.token() != JsonToken.VALUE_NUMBER_INT
                && scalar.token() != JsonToken.VALUE_NUMBER_FLOAT)) {
            error(node.location(), key + " must be a number, not " + describe(node) + ".");
            return fallback;
        }
        double value;
        try {
            value = YamlNumbers.exact(scalar.text()).doubleValue();
        } catch (IllegalArgumentException e) {
            error(node.location(), key + ": " + e.getMessage() + ".");
            return fallback;
        }
        if (!(value >= min && value <= max)) {
            error(node.location(), key + " must be " + (min == Double.MIN_VALUE ? "above 0" : "at least "
                    + (long) min) + " and at most " + (long) max + ", not " + scalar.text() + ".");
            return fallback;
        }
        return value;
    }

    private static String range(long min, long max) {
        if (max == Long.MAX_VALUE || max == Integer.MAX_VALUE) {
            return "at least " + min;
        }
        return "between " + min + " and " + max;
    }

    /** {@code true} or {@code false}; the fallback when the node is null or (with an error) anything else. */
    boolean bool(Node node, String key, boolean fallback) {
        if (node == null) {
            return fallback;
        }
        if (node instanceof ScalarNode scalar && scalar.token() == JsonToken.VALUE_TRUE) {
            return true;
        }
        if (node instanceof ScalarNode scalar && scalar.token() == JsonToken.VALUE_FALSE) {
            return false;
        }
        error(node.location(), key + " must be true or false, not " + describe(node) + ".");
        return fallback;
    }

    /** The text of a scalar of any type; null (and an error) for mappings, lists and empty values. */
    String text(Node node, String key) {
        if (node == null) {
            return null;
        }
        String text = scalarText(node);
        if (text == null) {
            error(node.location(), key + " must be text, not " + describe(node) + ".");
        }
        return text;
    }

    /** The text of a required key; null (and an error) when it is missing, empty or not a scalar. */
    String requiredText(MapNode map, String key, String where) {
        Node node = required(map, key, where);
        return node == null ? null : text(node, key);
    }

    /** The text of a scalar of any type, or null for mappings, lists and empty values. No error. */
    static String scalarText(Node node) {
        return node instanceof ScalarNode scalar && !scalar.isNull() ? scalar.text() : null;
    }

    /** What the node is, for messages: e.g. {@code a list}, or {@code text ('heavy')} for a scalar. */
    static String describe(Node node) {
        if (node instanceof ScalarNode scalar && !scalar.isNull()) {
            return scalar.kind() + " ('" + scalar.text() + "')";
        }
        return node.kind();
    }

    /** The text with its first character in upper case. */
    static String capitalise(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
