package io.loadstream.reporter.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The two documents of Alertmanager that loadstream writes, checked field by field as Alertmanager's documentation
 * defines them:
 *
 * <ul>
 *   <li>{@code postableAlerts}, the body of {@code POST /api/v2/alerts} in Alertmanager's OpenAPI specification
 *       ({@code api/v2/openapi.yaml}): an array of {@code postableAlert}, each with {@code labels} (a
 *       {@code labelSet}: string to string, required), and optionally {@code annotations} (a {@code labelSet}),
 *       {@code startsAt} and {@code endsAt} ({@code format: date-time}) and {@code generatorURL}
 *       ({@code format: uri}); label names as Alertmanager's classic validation accepts them
 *       ({@code [a-zA-Z_][a-zA-Z0-9_]*}).</li>
 *   <li>The webhook notification, version 4 ({@code docs/configuration.md}, "webhook_config"): exactly
 *       {@code version} ("4"), {@code groupKey}, {@code truncatedAlerts} (an integer), {@code status}
 *       ({@code firing} or {@code resolved}), {@code receiver}, {@code groupLabels}, {@code commonLabels},
 *       {@code commonAnnotations}, {@code externalURL}, and {@code alerts}, each with exactly {@code status},
 *       {@code labels}, {@code annotations}, {@code startsAt}, {@code endsAt}, {@code generatorURL} and
 *       {@code fingerprint}.</li>
 * </ul>
 *
 * <p>Each method returns every violation found, empty when the document conforms.
 */
public final class AlertmanagerSchemas {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> POSTABLE_FIELDS = Set.of("labels", "annotations", "startsAt", "endsAt",
            "generatorURL");
    private static final Set<String> WEBHOOK_FIELDS = Set.of("version", "groupKey", "truncatedAlerts", "status",
            "receiver", "groupLabels", "commonLabels", "commonAnnotations", "externalURL", "alerts");
    private static final Set<String> WEBHOOK_ALERT_FIELDS = Set.of("status", "labels", "annotations", "startsAt",
            "endsAt", "generatorURL", "fingerprint");

    private AlertmanagerSchemas() {
    }

    /** Violations of {@code postableAlerts} in a body. */
    public static List<String> postableAlerts(String body) {
        JsonNode root = parse(body);
        List<String> problems = new ArrayList<>();
        if (!root.isArray()) {
            problems.add("postableAlerts must be an array");
            return problems;
        }
        for (int i = 0; i < root.size(); i++) {
            JsonNode alert = root.get(i);
            String at = "[" + i + "]";
            if (!alert.isObject()) {
                problems.add(at + " must be an object");
                continue;
            }
            unknownFields(alert, POSTABLE_FIELDS, at, problems);
            if (!alert.has("labels")) {
                problems.add(at + ".labels is required");
            }
            labelSet(alert.get("labels"), at + ".labels", true, problems);
            labelSet(alert.get("annotations"), at + ".annotations", false, problems);
            dateTime(alert.get("startsAt"), at + ".startsAt", problems);
            dateTime(alert.get("endsAt"), at + ".endsAt", problems);
            uri(alert.get("generatorURL"), at + ".generatorURL", problems);
        }
        return problems;
    }

    /** Violations of the webhook notification, version 4, in a body. */
    public static List<String> webhookV4(String body) {
        JsonNode root = parse(body);
        List<String> problems = new ArrayList<>();
        exactFields(root, WEBHOOK_FIELDS, "", problems);
        if (!"4".equals(root.path("version").asText(null)) || !root.path("version").isTextual()) {
            problems.add("version must be the string \"4\"");
        }
        text(root.get("groupKey"), "groupKey", problems);
        if (!root.path("truncatedAlerts").isIntegralNumber()) {
            problems.add("truncatedAlerts must be an integer");
        }
        status(root.get("status"), "status", problems);
        text(root.get("receiver"), "receiver", problems);
        labelSet(root.get("groupLabels"), "groupLabels", true, problems);
        labelSet(root.get("commonLabels"), "commonLabels", true, problems);
        labelSet(root.get("commonAnnotations"), "commonAnnotations", true, problems);
        text(root.get("externalURL"), "externalURL", problems);
        JsonNode alerts = root.path("alerts");
        if (!alerts.isArray() || alerts.isEmpty()) {
            problems.add("alerts must be a non-empty array");
            return problems;
        }
        for (int i = 0; i < alerts.size(); i++) {
            JsonNode alert = alerts.get(i);
            String at = "alerts[" + i + "]";
            exactFields(alert, WEBHOOK_ALERT_FIELDS, at + ".", problems);
            status(alert.get("status"), at + ".status", problems);
            labelSet(alert.get("labels"), at + ".labels", true, problems);
            labelSet(alert.get("annotations"), at + ".annotations", true, problems);
            dateTime(alert.get("startsAt"), at + ".startsAt", problems);
            dateTime(alert.get("endsAt"), at + ".endsAt", problems);
            text(alert.get("generatorURL"), at + ".generatorURL", problems);
            text(alert.get("fingerprint"), at + ".fingerprint", problems);
        }
        return problems;
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("Not JSON: " + body, e);
        }
    }

    private static void unknownFields(JsonNode node, Set<String> allowed, String at, List<String> problems) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                problems.add(at + "." + name + " is not a field of the schema");
            }
        }
    }

    private static void exactFields(JsonNode node, Set<String> fields, String at, List<String> problems) {
        Set<String> present = new TreeSet<>();
        node.fieldNames().forEachRemaining(present::add);
        if (!present.equals(new TreeSet<>(fields))) {
            problems.add(at + "fields are " + present + ", the format has " + new TreeSet<>(fields));
        }
    }

    private static void labelSet(JsonNode node, String at, boolean required, List<String> problems) {
        if (node == null) {
            if (required) {
                problems.add(at + " is missing");
            }
            return;
        }
        if (!node.isObject()) {
            problems.add(at + " must be an object of strings");
            return;
        }
        node.properties().forEach(entry -> {
            if (!LABEL_NAME.matcher(entry.getKey()).matches()) {
                problems.add(at + " has the invalid name '" + entry.getKey() + "'");
            }
            if (!entry.getValue().isTextual()) {
                problems.add(at + "." + entry.getKey() + " must be a string");
            }
        });
    }

    private static void dateTime(JsonNode node, String at, List<String> problems) {
        if (node == null) {
            return;
        }
        try {
            OffsetDateTime.parse(node.asText());
        } catch (DateTimeParseException e) {
            problems.add(at + " is not an RFC 3339 date-time: " + node);
        }
    }

    private static void uri(JsonNode node, String at, List<String> problems) {
        if (node == null) {
            return;
        }
        try {
            if (!new URI(node.asText()).isAbsolute()) {
                problems.add(at + " is not an absolute URI: " + node);
            }
        } catch (URISyntaxException e) {
            problems.add(at + " is not a URI: " + node);
        }
    }

    private static void text(JsonNode node, String at, List<String> problems) {
        if (node == null || !node.isTextual()) {
            problems.add(at + " must be a string");
        }
    }

    private static void status(JsonNode node, String at, List<String> problems) {
        if (node == null || !Set.of("firing", "resolved").contains(node.asText())) {
            problems.add(at + " must be firing or resolved, not " + node);
        }
    }
}
