package io.loadstream.reporter.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loadstream.events.Alert;
import io.loadstream.events.AlertStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON that loadstream sends about alerts, in Alertmanager's own formats so that tools written for Alertmanager
 * work unchanged.
 *
 * <ul>
 *   <li>{@link #of}: the body of a webhook notification, in Alertmanager's webhook format version 4. One
 *       notification carries one alert state change; the group is the run.</li>
 *   <li>{@link #postable}: the body of {@code POST /api/v2/alerts}, the {@code postableAlerts} of Alertmanager's
 *       OpenAPI specification ({@code labels}, {@code annotations}, {@code startsAt}, {@code endsAt},
 *       {@code generatorURL}), which Alertmanager's clients (Prometheus among them) send.</li>
 * </ul>
 */
public final class AlertmanagerPayload {

    /** What Alertmanager writes for "no end time". */
    static final String ZERO_TIME = "0001-01-01T00:00:00Z";

    /** The receiver name in every payload. */
    public static final String RECEIVER = "loadstream";

    private static final ObjectMapper JSON = new ObjectMapper();

    private AlertmanagerPayload() {
    }

    /**
     * Builds the payload of one alert.
     *
     * @param alert       the alert state change
     * @param externalUrl where the receiver can learn more (e.g. the report); may be empty
     * @return the JSON document
     */
    public static ObjectNode of(Alert alert, String externalUrl) {
        String status = alert.getStatus() == AlertStatus.FIRING ? "firing" : "resolved";
        Map<String, String> labels = new TreeMap<>(alert.getLabels());
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "4");
        root.put("groupKey", "{}:{run_id=\"" + alert.getRunId() + "\"}");
        root.put("truncatedAlerts", 0);
        root.put("status", status);
        root.put("receiver", RECEIVER);
        root.putObject("groupLabels").put("run_id", alert.getRunId());
        ObjectNode common = root.putObject("commonLabels");
        labels.forEach(common::put);
        ObjectNode commonAnnotations = root.putObject("commonAnnotations");
        annotations(alert).forEach(commonAnnotations::put);
        root.put("externalURL", externalUrl == null ? "" : externalUrl);
        ObjectNode item = root.putArray("alerts").addObject();
        item.put("status", status);
        ObjectNode itemLabels = item.putObject("labels");
        labels.forEach(itemLabels::put);
        ObjectNode itemAnnotations = item.putObject("annotations");
        annotations(alert).forEach(itemAnnotations::put);
        item.put("startsAt", Instant.ofEpochMilli(alert.getStartsAtMs()).toString());
        item.put("endsAt", alert.getEndsAtMs() == 0 ? ZERO_TIME : Instant.ofEpochMilli(alert.getEndsAtMs()).toString());
        item.put("generatorURL", externalUrl == null ? "" : externalUrl);
        item.put("fingerprint", alert.getFingerprint());
        return root;
    }

    /**
     * The payload as UTF-8 JSON bytes.
     *
     * @param alert       the alert
     * @param externalUrl see {@link #of}
     * @return the bytes sent
     */
    public static byte[] bytes(Alert alert, String externalUrl) {
        try {
            return JSON.writeValueAsString(of(alert, externalUrl)).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A JSON tree always serializes", e);
        }
    }

    /**
     * The body of one {@code POST /api/v2/alerts}: an array of postable alerts. An alert whose
     * {@code endsAt} is 0 (still firing) is sent without {@code endsAt}, so that Alertmanager keeps it firing for its
     * {@code resolve_timeout} after each post; a resolved alert carries its end.
     *
     * @param alerts       the alerts, each in its latest state
     * @param generatorUrl the {@code generatorURL} of every alert; left out when empty (the schema wants a URI)
     * @return UTF-8 JSON bytes
     */
    public static byte[] postable(List<Alert> alerts, String generatorUrl) {
        ArrayNode array = JSON.createArrayNode();
        for (Alert alert : alerts) {
            ObjectNode item = array.addObject();
            ObjectNode itemLabels = item.putObject("labels");
            new TreeMap<>(alert.getLabels()).forEach(itemLabels::put);
            ObjectNode itemAnnotations = item.putObject("annotations");
            annotations(alert).forEach(itemAnnotations::put);
            item.put("startsAt", Instant.ofEpochMilli(alert.getStartsAtMs()).toString());
            if (alert.getEndsAtMs() != 0) {
                item.put("endsAt", Instant.ofEpochMilli(alert.getEndsAtMs()).toString());
            }
            if (generatorUrl != null && !generatorUrl.isEmpty()) {
                item.put("generatorURL", generatorUrl);
            }
        }
        try {
            return JSON.writeValueAsString(array).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A JSON tree always serializes", e);
        }
    }

    private static Map<String, String> annotations(Alert alert) {
        Map<String, String> annotations = new TreeMap<>();
        annotations.put("summary", alert.getSummary());
        annotations.put("expression", alert.getExpression());
        annotations.put("observed", Alerts.number(alert.getObserved()));
        annotations.put("rule", alert.getRule());
        if (alert.getWindowMs() > 0) {
            annotations.put("window", Alerts.number(alert.getWindowMs() / 1000.0) + "s");
            annotations.put("for", Alerts.number(alert.getForMs() / 1000.0) + "s");
        }
        return annotations;
    }
}
