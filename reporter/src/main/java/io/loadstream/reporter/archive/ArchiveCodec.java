package io.loadstream.reporter.archive;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loadstream.reporter.trend.Estimate;
import io.loadstream.reporter.trend.TrendMetric;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The JSON form of archive entries: {@code entry.json}, {@code windows.json}, and the single gzipped JSON document
 * published to the runs topic. Histograms are base64 of the compressed HdrHistogram encoding.
 */
public final class ArchiveCodec {

    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private ArchiveCodec() {
    }

    /**
     * {@code entry.json}.
     *
     * @param entry the entry
     * @return its JSON tree
     */
    public static ObjectNode entryJson(ArchiveEntry entry) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", entry.version());
        root.put("plan", entry.plan());
        root.put("run_id", entry.runId());
        root.put("started_at", Instant.ofEpochMilli(entry.startedAtMs()).toString());
        root.put("started_at_ms", entry.startedAtMs());
        root.put("ended_at_ms", entry.endedAtMs());
        root.put("loadstream_version", entry.loadstreamVersion());
        root.put("generators", entry.generators());
        ObjectNode tags = root.putObject("tags");
        entry.tags().forEach(tags::put);
        root.put("complete", entry.complete());
        root.put("reason", entry.reason());
        ObjectNode endpoints = root.putObject("endpoints");
        entry.endpoints().forEach((endpoint, figures) -> {
            ObjectNode node = endpoints.putObject(endpoint);
            figures.forEach((metric, estimate) -> {
                ObjectNode figure = node.putObject(metric.jsonName());
                figure.put("value", estimate.value());
                figure.put("log_se", estimate.logSe());
                figure.putArray("ci95").add(estimate.ci95Low()).add(estimate.ci95High());
            });
        });
        return root;
    }

    /**
     * Reads {@code entry.json}.
     *
     * @param root its JSON tree
     * @return the entry
     * @throws IllegalArgumentException when a field is missing or malformed, or the version is not
     *                                  {@link ArchiveEntry#FORMAT_VERSION}
     */
    public static ArchiveEntry readEntry(JsonNode root) {
        try (JsonParser parser = root.traverse()) {
            return readEntry(parser);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads {@code entry.json} from its bytes, streaming: {@code trend} reads hundreds of entries, and a tree of each
     * costs several times the parse.
     *
     * @param json UTF-8 JSON
     * @return the entry
     * @throws IllegalArgumentException when it is not JSON, a field is missing or malformed, or the version is not
     *                                  {@link ArchiveEntry#FORMAT_VERSION}
     */
    public static ArchiveEntry readEntry(byte[] json) {
        try (JsonParser parser = JSON.getFactory().createParser(json)) {
            return readEntry(parser);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // One pass over the tokens; the version is checked first, whatever order the fields came in.
    private static ArchiveEntry readEntry(JsonParser parser) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            throw new IllegalArgumentException("not a JSON object");
        }
        EntryFields f = new EntryFields();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken token = parser.nextToken();
            switch (field) {
                case "version" -> f.version = token.isNumeric() ? parser.getIntValue() : -1;
                case "plan" -> f.plan = token == JsonToken.VALUE_STRING ? parser.getText() : null;
                case "run_id" -> f.runId = token == JsonToken.VALUE_STRING ? parser.getText() : null;
                case "started_at_ms" -> f.startedAtMs = parser.getValueAsLong();
                case "ended_at_ms" -> f.endedAtMs = parser.getValueAsLong();
                case "loadstream_version" -> f.loadstreamVersion = parser.getValueAsString("");
                case "generators" -> f.generators = parser.getValueAsInt();
                case "complete" -> f.complete = parser.getValueAsBoolean(false);
                case "reason" -> f.reason = parser.getValueAsString("");
                case "tags" -> readTags(parser, f.tags);
                case "endpoints" -> readEndpoints(parser, f);
                default -> parser.skipChildren();
            }
        }
        if (f.version != ArchiveEntry.FORMAT_VERSION) {
            throw new IllegalArgumentException("archive format version " + (f.version < 0 ? "missing" : f.version)
                    + ", this loadstream reads version " + ArchiveEntry.FORMAT_VERSION);
        }
        if (f.problem != null) {
            throw new IllegalArgumentException(f.problem);
        }
        return new ArchiveEntry(f.version, required(f.plan, "plan"), required(f.runId, "run_id"), f.startedAtMs,
                f.endedAtMs, f.loadstreamVersion, f.generators, f.tags, f.complete, f.reason, f.endpoints);
    }

    // The fields of entry.json as they are read.
    private static final class EntryFields {
        int version = -1;
        String plan;
        String runId;
        long startedAtMs;
        long endedAtMs;
        String loadstreamVersion = "";
        int generators;
        boolean complete;
        String reason = "";
        final Map<String, String> tags = new TreeMap<>();
        final Map<String, Map<TrendMetric, Estimate>> endpoints = new LinkedHashMap<>();
        String problem;
    }

    private static void readTags(JsonParser parser, Map<String, String> tags) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            parser.nextToken();
            tags.put(key, parser.getValueAsString(""));
            parser.skipChildren();
        }
    }

    private static void readEndpoints(JsonParser parser, EntryFields f) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String endpoint = parser.currentName();
            Map<String, double[]> read = new LinkedHashMap<>();
            if (parser.nextToken() == JsonToken.START_OBJECT) {
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String metric = parser.currentName();
                    parser.nextToken();
                    read.put(metric, readFigure(parser));
                }
            } else {
                parser.skipChildren();
            }
            Map<TrendMetric, Estimate> figures = new EnumMap<>(TrendMetric.class);
            for (TrendMetric metric : TrendMetric.values()) {
                double[] figure = read.get(metric.jsonName());
                if (figure == null || Double.isNaN(figure[0])) {
                    f.problem = f.problem != null ? f.problem
                            : "endpoint " + endpoint + " has no " + metric.jsonName();
                    continue;
                }
                figures.put(metric, new Estimate(figure[0], figure[1], figure[2], figure[3]));
            }
            f.endpoints.put(endpoint, figures);
        }
    }

    // {"value": v, "log_se": se, "ci95": [low, high]} as {v (NaN when not a number), se, low, high}.
    private static double[] readFigure(JsonParser parser) throws IOException {
        double[] figure = {Double.NaN, 0, 0, 0};
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return figure;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken token = parser.nextToken();
            switch (field) {
                case "value" -> figure[0] = token.isNumeric() ? parser.getDoubleValue() : Double.NaN;
                case "log_se" -> figure[1] = parser.getValueAsDouble();
                case "ci95" -> {
                    int i = 0;
                    if (token == JsonToken.START_ARRAY) {
                        while (parser.nextToken() != JsonToken.END_ARRAY) {
                            if (i < 2) {
                                figure[2 + i++] = parser.getValueAsDouble();
                            }
                            parser.skipChildren();
                        }
                    } else {
                        parser.skipChildren();
                    }
                }
                default -> parser.skipChildren();
            }
        }
        return figure;
    }

    private static String required(String value, String field) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("the field " + field + " is missing");
        }
        return value;
    }

    /**
     * {@code windows.json}: per endpoint, its windows.
     *
     * @param windows the windows
     * @return the JSON tree
     */
    public static ObjectNode windowsJson(Map<String, List<ArchivedWindow>> windows) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", ArchiveEntry.FORMAT_VERSION);
        ObjectNode endpoints = root.putObject("endpoints");
        Base64.Encoder base64 = Base64.getEncoder();
        windows.forEach((endpoint, list) -> {
            ArrayNode array = endpoints.putArray(endpoint);
            for (ArchivedWindow w : list) {
                ObjectNode node = array.addObject();
                node.put("start_ms", w.startMs());
                node.put("end_ms", w.endMs());
                node.put("covered_ms", w.coveredMs());
                node.put("count", w.count());
                node.put("errors", w.errors());
                node.put("bytes_sent", w.bytesSent());
                node.put("bytes_received", w.bytesReceived());
                node.put("min_us", w.minUs());
                node.put("max_us", w.maxUs());
                node.put("histogram", base64.encodeToString(w.histogram()));
            }
        });
        return root;
    }

    /**
     * Reads {@code windows.json}.
     *
     * @param root its JSON tree
     * @return per endpoint, its windows
     * @throws IllegalArgumentException when a window is malformed
     */
    public static Map<String, List<ArchivedWindow>> readWindows(JsonNode root) {
        Map<String, List<ArchivedWindow>> windows = new TreeMap<>();
        Base64.Decoder base64 = Base64.getDecoder();
        root.path("endpoints").properties().forEach(e -> {
            List<ArchivedWindow> list = new ArrayList<>();
            for (JsonNode n : e.getValue()) {
                list.add(new ArchivedWindow(n.path("start_ms").asLong(), n.path("end_ms").asLong(),
                        n.path("covered_ms").asLong(), n.path("count").asLong(), n.path("errors").asLong(),
                        n.path("bytes_sent").asLong(), n.path("bytes_received").asLong(), n.path("min_us").asLong(),
                        n.path("max_us").asLong(), base64.decode(n.path("histogram").asText(""))));
            }
            windows.put(e.getKey(), list);
        });
        return windows;
    }

    /**
     * The whole bundle as one gzipped JSON document, the value published to the runs topic.
     *
     * @param bundle the bundle
     * @return gzipped UTF-8 JSON
     */
    public static byte[] toRecordValue(ArchiveBundle bundle) {
        ObjectNode root = JSON.createObjectNode();
        root.set("entry", entryJson(bundle.entry()));
        root.set("windows", windowsJson(bundle.windows()));
        try {
            root.set("system", JSON.readTree(bundle.systemWindows()));
            root.set("report", JSON.readTree(bundle.reportJson()));
            bundle.planYaml().ifPresent(yaml -> root.put("plan_yaml", yaml));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
                JSON.writer().without(SerializationFeature.INDENT_OUTPUT)
                        .writeValue(gzip, root);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a value of the runs topic.
     *
     * @param value gzipped JSON, as {@link #toRecordValue(ArchiveBundle)} writes it
     * @return the bundle
     * @throws IllegalArgumentException when the value is not such a document or its entry does not read
     */
    public static ArchiveBundle fromRecordValue(byte[] value) {
        JsonNode root;
        try (GZIPInputStream gzip = new GZIPInputStream(new ByteArrayInputStream(value))) {
            root = JSON.readTree(gzip);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a gzipped archive entry: " + e.getMessage(), e);
        }
        String plan = root.path("plan_yaml").isTextual() ? root.path("plan_yaml").asText() : null;
        return new ArchiveBundle(readEntry(root.path("entry")), readWindows(root.path("windows")),
                root.path("system").toString(), root.path("report").toString(), Optional.ofNullable(plan));
    }

    /**
     * Writes a tree as indented JSON text.
     *
     * @param node the tree
     * @return the text, with a final newline
     */
    public static String text(JsonNode node) {
        try {
            return JSON.writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Parses JSON text.
     *
     * @param text the text
     * @return the tree
     * @throws IllegalArgumentException when it is not JSON
     */
    public static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
    }
}
