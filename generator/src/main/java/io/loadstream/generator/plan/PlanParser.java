package io.loadstream.generator.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loadstream.generator.plan.YamlTree.Entry;
import io.loadstream.generator.plan.YamlTree.ListNode;
import io.loadstream.generator.plan.YamlTree.MapNode;
import io.loadstream.generator.plan.YamlTree.Node;
import io.loadstream.generator.plan.YamlTree.ScalarNode;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a YAML plan file into a validated, immutable {@link Plan}. Every error found is reported with its
 * file, line and column, and none stops the search for others, so that one run of {@code validate} shows
 * them all. Unknown keys are errors: a misspelt key would otherwise be ignored silently.
 */
public final class PlanParser {

    /** Largest plan file read, in bytes: a plan is hand-written; anything bigger is a mistake. */
    public static final int MAX_PLAN_BYTES = 4 << 20;

    static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");

    private static final Set<String> TOP_KEYS = orderedSet("name", "target", "defaults", "load", "scenarios",
            "thresholds", "report", "data");
    private static final Set<String> DEFAULTS_KEYS = orderedSet("headers", "timeout", "connect_timeout",
            "think_time", "http", "insecure", "max_response_bytes");
    private static final Set<String> LOAD_KEYS = orderedSet("executor", "vus", "duration", "start_vus", "stages",
            "rate", "start_rate", "time_unit", "pre_allocated_vus", "max_vus", "graceful_stop");
    private static final Set<String> STAGE_KEYS = orderedSet("duration", "target");
    private static final Set<String> SCENARIO_KEYS = orderedSet("name", "weight", "steps", "data");
    private static final Set<String> STEP_KEYS = orderedSet("method", "path", "query", "headers", "body", "name",
            "check", "think_time");
    private static final Set<String> CHECK_KEYS = orderedSet("status", "body_contains");
    private static final Set<String> THINK_KEYS = orderedSet("min", "max");
    private static final Set<String> THRESHOLD_KEYS = orderedSet("threshold", "abort_on_fail", "delay_abort_eval",
            "window", "for");
    private static final Set<String> REPORT_KEYS = orderedSet("slow_request_ms", "slow_endpoint_p95_ms", "window",
            "grace");
    private static final Set<String> DATA_KEYS = orderedSet("file", "mode");
    private static final Set<String> EXECUTOR_KEYS_CONSTANT_VUS = Set.of("executor", "vus", "duration",
            "graceful_stop");
    private static final Set<String> EXECUTOR_KEYS_RAMPING_VUS = Set.of("executor", "start_vus", "stages",
            "graceful_stop");
    private static final Set<String> EXECUTOR_KEYS_CONSTANT_RATE = Set.of("executor", "rate", "time_unit",
            "duration", "pre_allocated_vus", "max_vus", "graceful_stop");
    private static final Set<String> EXECUTOR_KEYS_RAMPING_RATE = Set.of("executor", "start_rate", "time_unit",
            "stages", "pre_allocated_vus", "max_vus", "graceful_stop");
    private static final Duration DEFAULT_GRACEFUL_STOP = Duration.ofSeconds(30);
    private static final Duration MIN_WINDOW = Duration.ofSeconds(1);

    private final String file;
    private final Path baseDirectory;
    private final Map<String, String> env;
    private final ThresholdSyntax thresholdSyntax;
    private final List<PlanError> errors = new ArrayList<>();

    private PlanParser(String file, Path baseDirectory, Map<String, String> env, ThresholdSyntax thresholdSyntax) {
        this.file = file;
        this.baseDirectory = baseDirectory;
        this.env = env;
        this.thresholdSyntax = thresholdSyntax;
    }

    /**
     * Parses and validates a plan file.
     *
     * @param file       the plan file; relative data files are resolved against its directory
     * @param env        the environment that {@code ${env:NAME}} reads
     * @param thresholds checks the threshold expressions
     * @return the plan
     * @throws PlanException when the plan has errors (also when the file cannot be read)
     */
    public static Plan parse(Path file, Map<String, String> env, ThresholdSyntax thresholds) throws PlanException {
        String name = file.toString();
        String content;
        try {
            if (Files.isDirectory(file)) {
                throw fail(name, "This is a directory; give the plan's YAML file.");
            }
            if (Files.size(file) > MAX_PLAN_BYTES) {
                throw fail(name, "The file is " + Files.size(file) + " bytes; a plan may have at most "
                        + MAX_PLAN_BYTES + ". Is this the right file?");
            }
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw fail(name, "There is no such file.");
        } catch (java.nio.charset.MalformedInputException e) {
            throw fail(name, "The file is not UTF-8 text.");
        } catch (IOException e) {
            throw fail(name, "Cannot read the file: " + e.getMessage());
        }
        Path parent = file.toAbsolutePath().getParent();
        return parse(content, name, parent == null ? Path.of(".") : parent, env, thresholds);
    }

    /**
     * Parses and validates plan text.
     *
     * @param content       the YAML text
     * @param file          the name to give in locations
     * @param baseDirectory where relative data files are looked up
     * @param env           the environment that {@code ${env:NAME}} reads
     * @param thresholds    checks the threshold expressions
     * @return the plan
     * @throws PlanException when the plan has errors
     */
    public static Plan parse(String content, String file, Path baseDirectory, Map<String, String> env,
                             ThresholdSyntax thresholds) throws PlanException {
        PlanParser parser = new PlanParser(file, baseDirectory, Map.copyOf(env), thresholds);
        Node root = YamlTree.read(content, file, parser.errors);
        Plan plan = parser.plan(root);
        if (!parser.errors.isEmpty() || plan == null) {
            List<PlanError> sorted = new ArrayList<>(parser.errors);
            sorted.sort(Comparator.comparingInt((PlanError e) -> e.location().line())
                    .thenComparingInt(e -> e.location().column()));
            throw new PlanException(sorted);
        }
        return plan;
    }

    private static PlanException fail(String file, String message) {
        return new PlanException(List.of(new PlanError(new Location(file, 0, 0), message)));
    }

    // ---------------------------------------------------------------- the plan

    private Plan plan(Node root) {
        if (root == null || root instanceof ScalarNode scalar && scalar.isNull()) {
            error(new Location(file, 1, 1), "The plan is empty; it needs at least name, target, load and "
                    + "scenarios.");
            return null;
        }
        MapNode top = asMap(root, "The plan");
        if (top == null) {
            return null;
        }
        unknownKeys(top, TOP_KEYS, "the plan");
        String name = requiredText(top, "name", "the plan");
        if (name != null && name.isBlank()) {
            error(top.entries().get("name").value().location(), "The plan's name must not be empty.");
        }
        URI target = target(top);
        DataSource data = optional(top, "data") == null ? null : data(optional(top, "data"));
        Defaults defaults = defaults(optional(top, "defaults"));
        Load load = load(top);
        List<Scenario> scenarios = scenarios(top, data);
        List<ThresholdDef> thresholds = thresholds(optional(top, "thresholds"));
        ReportSettings report = report(optional(top, "report"));
        if (!errors.isEmpty() || name == null || target == null || load == null || scenarios == null) {
            return null;
        }
        return new Plan(name, target, defaults, load, scenarios, thresholds, report, data, file);
    }

    private URI target(MapNode top) {
        Node node = required(top, "target", "the plan");
        String text = text(node, "target");
        if (text == null) {
            return null;
        }
        try {
            URI uri = new URI(text.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                error(node.location(), "The target must be an http:// or https:// URL, e.g. http://127.0.0.1:8088, "
                        + "not '" + text + "'.");
                return null;
            }
            if (uri.getHost() == null) {
                error(node.location(), "The target URL '" + text + "' has no host.");
                return null;
            }
            if (uri.getQuery() != null || uri.getFragment() != null) {
                error(node.location(), "The target is a base URL; put query strings in the steps' paths.");
                return null;
            }
            return uri;
        } catch (URISyntaxException e) {
            error(node.location(), "The target must be an http:// or https:// URL, e.g. http://127.0.0.1:8088, "
                    + "not '" + text + "' (" + e.getReason() + ").");
            return null;
        }
    }

    // ---------------------------------------------------------------- defaults

    private Defaults defaults(Node node) {
        Map<String, Template> headers = Map.of();
        Duration timeout = Defaults.DEFAULT_TIMEOUT;
        Duration connectTimeout = null;
        ThinkTime thinkTime = ThinkTime.NONE;
        boolean http2 = false;
        boolean insecure = false;
        int maxResponseBytes = Defaults.DEFAULT_MAX_RESPONSE_BYTES;
        MapNode map = node == null ? null : asMap(node, "defaults");
        if (map != null) {
            unknownKeys(map, DEFAULTS_KEYS, "defaults");
            headers = headers(optional(map, "headers"), null);
            timeout = positiveDuration(optional(map, "timeout"), "timeout", timeout);
            connectTimeout = positiveDuration(optional(map, "connect_timeout"), "connect_timeout", null);
            thinkTime = thinkTime(optional(map, "think_time"), ThinkTime.NONE);
            http2 = http2(optional(map, "http"));
            insecure = bool(optional(map, "insecure"), "insecure", false);
            maxResponseBytes = (int) integer(optional(map, "max_response_bytes"), "max_response_bytes",
                    maxResponseBytes, 1, Integer.MAX_VALUE);
        }
        if (connectTimeout == null) {
            connectTimeout = timeout.compareTo(Defaults.DEFAULT_CONNECT_TIMEOUT) < 0
                    ? timeout : Defaults.DEFAULT_CONNECT_TIMEOUT;
        } else if (connectTimeout.compareTo(timeout) > 0) {
            error(map.entries().get("connect_timeout").value().location(), "connect_timeout ("
                    + Durations.format(connectTimeout) + ") is longer than timeout (" + Durations.format(timeout)
                    + "), which bounds the whole request; make it shorter.");
        }
        return new Defaults(headers, timeout, connectTimeout, thinkTime, http2, insecure, maxResponseBytes);
    }

    private boolean http2(Node node) {
        if (node == null) {
            return false;
        }
        String text = scalarText(node);
        if ("2".equals(text) || "2.0".equals(text) || "h2".equals(text)) {
            return true;
        }
        if ("1.1".equals(text) || "1".equals(text)) {
            return false;
        }
        error(node.location(), "http must be \"1.1\" or \"2\", not " + describe(node) + ".");
        return false;
    }

    // ---------------------------------------------------------------- load

    private Load load(MapNode top) {
        MapNode map = asMap(required(top, "load", "the plan"), "load");
        if (map == null) {
            return null;
        }
        unknownKeys(map, LOAD_KEYS, "load");
        Node executorNode = required(map, "executor", "load");
        String executorName = text(executorNode, "executor");
        if (executorName == null) {
            return null;
        }
        Executor executor = Executor.byPlanName(executorName.strip());
        if (executor == null) {
            error(executorNode.location(), "Unknown executor '" + executorName + "'; use one of constant-vus, "
                    + "ramping-vus, constant-arrival-rate or ramping-arrival-rate.");
            return null;
        }
        Set<String> allowed = switch (executor) {
            case CONSTANT_VUS -> EXECUTOR_KEYS_CONSTANT_VUS;
            case RAMPING_VUS -> EXECUTOR_KEYS_RAMPING_VUS;
            case CONSTANT_ARRIVAL_RATE -> EXECUTOR_KEYS_CONSTANT_RATE;
            case RAMPING_ARRIVAL_RATE -> EXECUTOR_KEYS_RAMPING_RATE;
        };
        for (Entry entry : map.entries().values()) {
            if (LOAD_KEYS.contains(entry.key()) && !allowed.contains(entry.key())) {
                error(entry.keyLocation(), "'" + entry.key() + "' does not apply to the " + executor.planName()
                        + " executor, which takes " + String.join(", ", sorted(allowed, "executor")) + ".");
            }
        }
        Duration gracefulStop = nonNegativeDuration(optional(map, "graceful_stop"), "graceful_stop",
                DEFAULT_GRACEFUL_STOP);
        int before = errors.size();
        Load load = switch (executor) {
            case CONSTANT_VUS -> new Load(executor,
                    (int) integer(required(map, "vus", "the constant-vus executor"), "vus", 0, 1, 1_000_000),
                    positiveDuration(required(map, "duration", "the constant-vus executor"), "duration", null),
                    0, List.of(), 0, 0, Duration.ZERO, 0, 0, gracefulStop);
            case RAMPING_VUS -> new Load(executor, 0, Duration.ZERO,
                    (int) integer(optional(map, "start_vus"), "start_vus", 0, 0, 1_000_000),
                    stages(required(map, "stages", "the ramping-vus executor"), "VUs", true),
                    0, 0, Duration.ZERO, 0, 0, gracefulStop);
            case CONSTANT_ARRIVAL_RATE -> arrivalRate(map, executor, gracefulStop);
            case RAMPING_ARRIVAL_RATE -> arrivalRate(map, executor, gracefulStop);
        };
        return errors.size() == before ? load : null;
    }

    private Load arrivalRate(MapNode map, Executor executor, Duration gracefulStop) {
        boolean constant = executor == Executor.CONSTANT_ARRIVAL_RATE;
        String where = "the " + executor.planName() + " executor";
        double rate = constant ? number(required(map, "rate", where), "rate", 0, Double.MIN_VALUE, 1e9) : 0;
        double startRate = constant ? 0 : number(optional(map, "start_rate"), "start_rate", 0, 0, 1e9);
        Duration timeUnit = positiveDuration(optional(map, "time_unit"), "time_unit", Duration.ofSeconds(1));
        Duration duration = constant ? positiveDuration(required(map, "duration", where), "duration", null)
                : Duration.ZERO;
        List<Stage> stages = constant ? List.of() : stages(required(map, "stages", where), "iterations per "
                + "time_unit", false);
        Node preNode = optional(map, "pre_allocated_vus");
        Node maxNode = optional(map, "max_vus");
        if (preNode == null && maxNode == null) {
            error(map.location(), where.substring(0, 1).toUpperCase(Locale.ROOT) + where.substring(1)
                    + " needs max_vus (and optionally pre_allocated_vus): the most VUs that may be busy at once.");
            return null;
        }
        int pre = (int) integer(preNode, "pre_allocated_vus", -1, 1, 1_000_000);
        int max = (int) integer(maxNode, "max_vus", -1, 1, 1_000_000);
        if (pre < 0) {
            pre = max;
        }
        if (max < 0) {
            max = pre;
        }
        if (preNode != null && maxNode != null && max < pre) {
            error(maxNode.location(), "max_vus (" + max + ") is below pre_allocated_vus (" + pre + ").");
        }
        return new Load(executor, 0, duration, 0, stages, rate, startRate, timeUnit, pre, max, gracefulStop);
    }

    private List<Stage> stages(Node node, String targetUnit, boolean wholeTargets) {
        ListNode list = asList(node, "stages");
        if (list == null) {
            return List.of();
        }
        if (list.items().isEmpty()) {
            error(node.location(), "stages is empty; give at least one {duration, target}.");
        }
        List<Stage> stages = new ArrayList<>();
        Duration total = Duration.ZERO;
        for (Node item : list.items()) {
            MapNode stage = asMap(item, "A stage");
            if (stage == null) {
                continue;
            }
            unknownKeys(stage, STAGE_KEYS, "a stage");
            Duration duration = nonNegativeDuration(required(stage, "duration", "a stage"), "duration", null);
            Node targetNode = required(stage, "target", "a stage");
            double target = wholeTargets
                    ? integer(targetNode, "target", 0, 0, 1_000_000)
                    : number(targetNode, "target", 0, 0, 1e9);
            if (duration != null) {
                stages.add(new Stage(duration, target));
                total = total.plus(duration);
            }
        }
        if (!list.items().isEmpty() && total.isZero() && stages.size() == list.items().size()) {
            error(node.location(), "The stages last 0s in total; give them durations (target is in "
                    + targetUnit + ").");
        }
        return stages;
    }

    // ---------------------------------------------------------------- scenarios and steps

    private List<Scenario> scenarios(MapNode top, DataSource planData) {
        ListNode list = asList(required(top, "scenarios", "the plan"), "scenarios");
        if (list == null) {
            return null;
        }
        if (list.items().isEmpty()) {
            error(list.location(), "scenarios is empty; give at least one scenario with steps.");
            return null;
        }
        List<Scenario> scenarios = new ArrayList<>();
        Map<String, Location> names = new LinkedHashMap<>();
        for (Node item : list.items()) {
            MapNode map = asMap(item, "A scenario");
            if (map == null) {
                continue;
            }
            unknownKeys(map, SCENARIO_KEYS, "a scenario");
            String name = requiredText(map, "name", "a scenario");
            if (name != null) {
                Location previous = names.putIfAbsent(name, map.entries().get("name").value().location());
                if (previous != null) {
                    error(map.entries().get("name").value().location(), "Another scenario is already named '"
                            + name + "' (line " + previous.line() + "); scenario names must be unique.");
                }
            }
            int weight = (int) integer(optional(map, "weight"), "weight", 1, 1, 1_000_000);
            DataSource data = optional(map, "data") == null ? planData : data(optional(map, "data"));
            List<Step> steps = steps(required(map, "steps", "a scenario"), data);
            if (name != null) {
                scenarios.add(new Scenario(name, weight, steps, data == planData ? null : data));
            }
        }
        return scenarios;
    }

    private List<Step> steps(Node node, DataSource data) {
        ListNode list = asList(node, "steps");
        if (list == null) {
            return List.of();
        }
        if (list.items().isEmpty()) {
            error(node.location(), "steps is empty; a scenario needs at least one request.");
        }
        List<Step> steps = new ArrayList<>();
        for (Node item : list.items()) {
            MapNode map = asMap(item, "A step");
            if (map == null) {
                continue;
            }
            unknownKeys(map, STEP_KEYS, "a step");
            Step step = step(map, data);
            if (step != null) {
                steps.add(step);
            }
        }
        return steps;
    }

    private Step step(MapNode map, DataSource data) {
        Node methodNode = required(map, "method", "a step");
        String method = text(methodNode, "method");
        if (method != null) {
            method = method.strip().toUpperCase(Locale.ROOT);
            if (!METHODS.contains(method)) {
                error(methodNode.location(), "Unknown HTTP method '" + method + "'; use one of "
                        + String.join(", ", sorted(METHODS, "")) + ".");
                method = null;
            }
        }
        Node pathNode = required(map, "path", "a step");
        String pathText = text(pathNode, "path");
        Template path = null;
        if (pathText != null) {
            if (!pathText.startsWith("/")) {
                error(pathNode.location(), "A step's path starts with '/' and is relative to the target, not '"
                        + pathText + "'.");
            } else {
                path = template(pathText, pathNode, data);
            }
        }
        Node queryNode = optional(map, "query");
        if (queryNode != null && path != null) {
            path = withQuery(path, pathText, queryNode, data);
        }
        Map<String, Template> headers = headers(optional(map, "headers"), data);
        Template body = body(optional(map, "body"), data);
        Node nameNode = optional(map, "name");
        String name = nameNode == null ? null : text(nameNode, "name");
        if (name != null && name.isBlank()) {
            error(nameNode.location(), "A step's name must not be empty; leave it out to use METHOD /path.");
        }
        Check check = check(optional(map, "check"));
        Node thinkNode = optional(map, "think_time");
        ThinkTime thinkTime = thinkNode == null ? null : thinkTime(thinkNode, null);
        if (method == null || path == null) {
            return null;
        }
        String endpoint = name != null ? name.strip() : EndpointNames.of(method, path.display());
        return new Step(method, path, headers, body, endpoint, check, thinkTime, map.location());
    }

    private Template withQuery(Template path, String pathText, Node queryNode, DataSource data) {
        MapNode query = asMap(queryNode, "query");
        if (query == null) {
            return path;
        }
        List<Template.Part> parts = new ArrayList<>(path.parts());
        char separator = pathText.contains("?") ? '&' : '?';
        for (Entry entry : query.entries().values()) {
            String value = scalarText(entry.value());
            if (value == null) {
                error(entry.value().location(), "The query parameter '" + entry.key() + "' needs a value, "
                        + "not " + describe(entry.value()) + ".");
                continue;
            }
            parts.add(new Template.Literal(separator + encode(entry.key()) + "="));
            Template rendered = template(value, entry.value(), data);
            if (rendered != null) {
                parts.addAll(rendered.parts());
            }
            separator = '&';
        }
        return Template.of(parts);
    }

    private static String encode(String text) {
        return java.net.URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private Template body(Node node, DataSource data) {
        if (node == null || node instanceof ScalarNode scalar && scalar.isNull()) {
            return null;
        }
        if (node instanceof ScalarNode) {
            return template(scalarText(node), node, data);
        }
        // A mapping or list is sent as JSON, as most APIs under test expect.
        try {
            String json = new ObjectMapper().writeValueAsString(toJson(node));
            return template(json, node, data);
        } catch (JsonProcessingException e) {
            error(node.location(), "This body cannot be written as JSON: " + e.getOriginalMessage());
            return null;
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode toJson(Node node) {
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
            case VALUE_NUMBER_INT -> json.numberNode(new java.math.BigInteger(scalar.text()));
            case VALUE_NUMBER_FLOAT -> json.numberNode(new java.math.BigDecimal(scalar.text()));
            default -> json.textNode(scalar.text());
        };
    }

    private Check check(Node node) {
        if (node == null) {
            return Check.NONE;
        }
        MapNode map = asMap(node, "check");
        if (map == null) {
            return Check.NONE;
        }
        unknownKeys(map, CHECK_KEYS, "a check");
        Set<Integer> statuses = new LinkedHashSet<>();
        Node statusNode = optional(map, "status");
        if (statusNode instanceof ListNode list) {
            for (Node item : list.items()) {
                statuses.add((int) integer(item, "status", 200, 100, 599));
            }
        } else if (statusNode != null) {
            statuses.add((int) integer(statusNode, "status", 200, 100, 599));
        }
        Node containsNode = optional(map, "body_contains");
        String contains = containsNode == null ? null : text(containsNode, "body_contains");
        if (contains != null && contains.isEmpty()) {
            error(containsNode.location(), "body_contains is empty, which every body contains; leave it out.");
        }
        if (statusNode == null && containsNode == null) {
            error(node.location(), "A check needs status, body_contains or both.");
        }
        return new Check(statuses, contains);
    }

    private Map<String, Template> headers(Node node, DataSource data) {
        if (node == null) {
            return Map.of();
        }
        MapNode map = asMap(node, "headers");
        if (map == null) {
            return Map.of();
        }
        Map<String, Template> headers = new LinkedHashMap<>();
        for (Entry entry : map.entries().values()) {
            if (!entry.key().matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                error(entry.keyLocation(), "'" + entry.key() + "' is not a legal HTTP header name.");
                continue;
            }
            String value = scalarText(entry.value());
            if (value == null) {
                error(entry.value().location(), "The header '" + entry.key() + "' needs a text value, not "
                        + describe(entry.value()) + ".");
                continue;
            }
            Template template = template(value, entry.value(), data);
            if (template != null) {
                headers.put(entry.key(), template);
            }
        }
        return headers;
    }

    // ---------------------------------------------------------------- interpolation

    private Template template(String text, Node node, DataSource data) {
        List<Template.Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        boolean ok = true;
        while (i < text.length()) {
            if (text.startsWith("$${", i)) {
                literal.append("${");
                i += 3;
                continue;
            }
            if (!text.startsWith("${", i)) {
                literal.append(text.charAt(i++));
                continue;
            }
            int end = text.indexOf('}', i);
            if (end < 0) {
                error(node.location(), "'${' at position " + (i + 1) + " is never closed with '}'; write $${ for a "
                        + "literal ${.");
                return null;
            }
            String expression = text.substring(i + 2, end);
            Template.Part part = interpolation(expression, node, data);
            if (part == null) {
                ok = false;
            } else {
                if (literal.length() > 0) {
                    parts.add(new Template.Literal(literal.toString()));
                    literal.setLength(0);
                }
                parts.add(part);
            }
            i = end + 1;
        }
        if (literal.length() > 0) {
            parts.add(new Template.Literal(literal.toString()));
        }
        return ok ? Template.of(parts) : null;
    }

    private Template.Part interpolation(String expression, Node node, DataSource data) {
        int colon = expression.indexOf(':');
        String kind = colon < 0 ? expression : expression.substring(0, colon);
        String argument = colon < 0 ? "" : expression.substring(colon + 1);
        switch (kind) {
            case "env" -> {
                if (!argument.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    error(node.location(), "'${env:" + argument + "}' does not name an environment variable.");
                    return null;
                }
                String value = env.get(argument);
                if (value == null) {
                    error(node.location(), "The environment variable " + argument + " is not set; set it (e.g. "
                            + "export " + argument + "=...) or remove ${env:" + argument + "}.");
                    return null;
                }
                return new Template.EnvValue(argument, value);
            }
            case "rand" -> {
                java.util.regex.Matcher range = java.util.regex.Pattern.compile("(-?\\d{1,18})\\.\\.(-?\\d{1,18})")
                        .matcher(argument.strip());
                if (!range.matches()) {
                    error(node.location(), "'${rand:" + argument + "}' is not a range; write e.g. ${rand:1..5}.");
                    return null;
                }
                long min = Long.parseLong(range.group(1));
                long max = Long.parseLong(range.group(2));
                if (max < min) {
                    error(node.location(), "'${rand:" + argument + "}' runs backwards; write the smaller number "
                            + "first.");
                    return null;
                }
                return new Template.RandomInt(min, max);
            }
            case "data" -> {
                if (data == null) {
                    error(node.location(), "'${data:" + argument + "}' needs a data file; add data: {file: ..., "
                            + "mode: circular} to the plan or the scenario.");
                    return null;
                }
                if (!data.columns().contains(argument)) {
                    error(node.location(), "The data file " + data.file().getFileName() + " has no column '"
                            + argument + "'; its columns are " + String.join(", ", data.columns()) + ".");
                    return null;
                }
                return new Template.DataColumn(argument);
            }
            default -> {
                error(node.location(), "'${" + expression + "}' is not an interpolation loadstream knows; use "
                        + "${env:NAME}, ${rand:MIN..MAX} or ${data:column} (write $${ for a literal ${).");
                return null;
            }
        }
    }

    // ---------------------------------------------------------------- data feeders

    private DataSource data(Node node) {
        MapNode map = asMap(node, "data");
        if (map == null) {
            return null;
        }
        unknownKeys(map, DATA_KEYS, "data");
        String fileName = requiredText(map, "file", "data");
        Node modeNode = optional(map, "mode");
        DataSource.Mode mode = DataSource.Mode.CIRCULAR;
        if (modeNode != null) {
            String text = text(modeNode, "mode");
            try {
                mode = text == null ? mode : DataSource.Mode.valueOf(text.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                error(modeNode.location(), "Unknown data mode '" + text + "'; use circular, random or once.");
            }
        }
        if (fileName == null) {
            return null;
        }
        Location at = map.entries().get("file").value().location();
        Path path = baseDirectory.resolve(fileName).normalize();
        if (!Files.exists(path)) {
            error(at, "The data file " + path + " does not exist.");
            return null;
        }
        try {
            return Feeders.readCsv(path, mode);
        } catch (NoSuchFileException e) {
            error(at, "The data file " + path + " does not exist.");
        } catch (IOException | IllegalArgumentException e) {
            error(at, "The data file " + path + " cannot be used: " + e.getMessage());
        }
        return null;
    }

    // ---------------------------------------------------------------- thresholds and report

    private List<ThresholdDef> thresholds(Node node) {
        if (node == null) {
            return List.of();
        }
        MapNode map = asMap(node, "thresholds");
        if (map == null) {
            return List.of();
        }
        List<ThresholdDef> thresholds = new ArrayList<>();
        for (Entry entry : map.entries().values()) {
            List<Node> items = entry.value() instanceof ListNode list ? list.items() : List.of(entry.value());
            if (items.isEmpty()) {
                error(entry.value().location(), "The threshold list of " + entry.key() + " is empty.");
            }
            for (Node item : items) {
                ThresholdDef def = threshold(entry.key(), item);
                if (def != null) {
                    thresholds.add(def);
                }
            }
        }
        return thresholds;
    }

    private ThresholdDef threshold(String metric, Node node) {
        Node expressionNode = node;
        Duration window = Duration.ZERO;
        Duration forDuration = Duration.ZERO;
        Duration delay = Duration.ZERO;
        boolean abort = false;
        if (node instanceof MapNode map) {
            unknownKeys(map, THRESHOLD_KEYS, "a threshold");
            expressionNode = required(map, "threshold", "a threshold in object form");
            abort = bool(optional(map, "abort_on_fail"), "abort_on_fail", false);
            delay = nonNegativeDuration(optional(map, "delay_abort_eval"), "delay_abort_eval", Duration.ZERO);
            window = positiveDuration(optional(map, "window"), "window", Duration.ZERO);
            forDuration = nonNegativeDuration(optional(map, "for"), "for", Duration.ZERO);
            if (optional(map, "for") != null && optional(map, "window") == null) {
                error(map.entries().get("for").keyLocation(), "'for' applies to windowed thresholds; add a window, "
                        + "e.g. {threshold: \"p(95)<500\", window: 30s, for: 1m}.");
            }
            if (expressionNode == null) {
                return null;
            }
        }
        String expression = text(expressionNode, "threshold");
        if (expression == null) {
            return null;
        }
        Optional<String> problem = thresholdSyntax.problem(metric, expression.strip());
        if (problem.isPresent()) {
            error(expressionNode.location(), "Threshold '" + metric + ": " + expression + "': " + problem.get());
            return null;
        }
        return new ThresholdDef(metric, expression.strip(), window, forDuration, abort, delay,
                expressionNode.location());
    }

    private ReportSettings report(Node node) {
        ReportSettings defaults = ReportSettings.DEFAULT;
        if (node == null) {
            return defaults;
        }
        MapNode map = asMap(node, "report");
        if (map == null) {
            return defaults;
        }
        unknownKeys(map, REPORT_KEYS, "report");
        long slowRequest = integer(optional(map, "slow_request_ms"), "slow_request_ms", defaults.slowRequestMs(), 1,
                Long.MAX_VALUE);
        long slowEndpoint = integer(optional(map, "slow_endpoint_p95_ms"), "slow_endpoint_p95_ms",
                defaults.slowEndpointP95Ms(), 1, Long.MAX_VALUE);
        Duration window = positiveDuration(optional(map, "window"), "window", defaults.window());
        if (window != null && window.compareTo(MIN_WINDOW) < 0) {
            error(map.entries().get("window").value().location(), "The report window must be at least 1s.");
        }
        Duration grace = nonNegativeDuration(optional(map, "grace"), "grace", defaults.grace());
        return new ReportSettings(slowRequest, slowEndpoint, window == null ? defaults.window() : window,
                grace == null ? defaults.grace() : grace);
    }

    // ---------------------------------------------------------------- typed scalars

    private Duration positiveDuration(Node node, String key, Duration fallback) {
        Duration duration = duration(node, key, fallback);
        if (node != null && duration != null && (duration.isZero() || duration.isNegative())) {
            error(node.location(), key + " must be longer than 0s.");
            return fallback;
        }
        return duration;
    }

    private Duration nonNegativeDuration(Node node, String key, Duration fallback) {
        return duration(node, key, fallback);
    }

    private Duration duration(Node node, String key, Duration fallback) {
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

    private ThinkTime thinkTime(Node node, ThinkTime fallback) {
        if (node == null) {
            return fallback;
        }
        if (node instanceof MapNode map) {
            unknownKeys(map, THINK_KEYS, "think_time");
            Duration min = nonNegativeDuration(required(map, "min", "think_time"), "min", null);
            Duration max = nonNegativeDuration(required(map, "max", "think_time"), "max", null);
            if (min == null || max == null) {
                return fallback;
            }
            if (max.compareTo(min) < 0) {
                error(node.location(), "think_time max (" + Durations.format(max) + ") is below its min ("
                        + Durations.format(min) + ").");
                return fallback;
            }
            return new ThinkTime(min, max);
        }
        Duration fixed = nonNegativeDuration(node, "think_time", null);
        return fixed == null ? fallback : ThinkTime.fixed(fixed);
    }

    private long integer(Node node, String key, long fallback, long min, long max) {
        if (node == null) {
            return fallback;
        }
        if (!(node instanceof ScalarNode scalar) || scalar.token() != JsonToken.VALUE_NUMBER_INT) {
            error(node.location(), key + " must be a whole number, not " + describe(node) + ".");
            return fallback;
        }
        long value;
        try {
            value = Long.parseLong(scalar.text());
        } catch (NumberFormatException e) {
            error(node.location(), key + " is too large.");
            return fallback;
        }
        if (value < min || value > max) {
            error(node.location(), key + " must be " + range(min, max) + ", not " + value + ".");
            return fallback;
        }
        return value;
    }

    private double number(Node node, String key, double fallback, double min, double max) {
        if (node == null) {
            return fallback;
        }
        if (!(node instanceof ScalarNode scalar) || (scalar.token() != JsonToken.VALUE_NUMBER_INT
                && scalar.token() != JsonToken.VALUE_NUMBER_FLOAT)) {
            error(node.location(), key + " must be a number, not " + describe(node) + ".");
            return fallback;
        }
        double value = Double.parseDouble(scalar.text());
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

    private boolean bool(Node node, String key, boolean fallback) {
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
    private String text(Node node, String key) {
        if (node == null) {
            return null;
        }
        String text = scalarText(node);
        if (text == null) {
            error(node.location(), key + " must be text, not " + describe(node) + ".");
        }
        return text;
    }

    private static String scalarText(Node node) {
        return node instanceof ScalarNode scalar && !scalar.isNull() ? scalar.text() : null;
    }

    private String requiredText(MapNode map, String key, String where) {
        Node node = required(map, key, where);
        return node == null ? null : text(node, key);
    }

    private static String describe(Node node) {
        if (node instanceof ScalarNode scalar && !scalar.isNull()) {
            return scalar.kind() + " ('" + scalar.text() + "')";
        }
        return node.kind();
    }

    // ---------------------------------------------------------------- structure

    private Node required(MapNode map, String key, String where) {
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

    private static Node optional(MapNode map, String key) {
        Entry entry = map.entries().get(key);
        return entry == null ? null : entry.value();
    }

    private MapNode asMap(Node node, String what) {
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

    private ListNode asList(Node node, String what) {
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

    private void unknownKeys(MapNode map, Set<String> known, String where) {
        for (Entry entry : map.entries().values()) {
            if (!known.contains(entry.key())) {
                String suggestion = closest(entry.key(), known);
                error(entry.keyLocation(), "Unknown key '" + entry.key() + "' in " + where + "; "
                        + (suggestion != null ? "did you mean '" + suggestion + "'? " : "")
                        + "Known keys: " + String.join(", ", known) + ".");
            }
        }
    }

    /** The known key within edit distance 2 of {@code key}, if any: most typos are one or two keystrokes. */
    private static String closest(String key, Set<String> known) {
        String best = null;
        int bestDistance = 3;
        for (String candidate : known) {
            int distance = editDistance(key.toLowerCase(Locale.ROOT), candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    private static int editDistance(String a, String b) {
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

    private void error(Location location, String message) {
        errors.add(new PlanError(location, message));
    }

    private static String capitalise(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    private static Set<String> orderedSet(String... values) {
        return java.util.Collections.unmodifiableSet(new LinkedHashSet<>(List.of(values)));
    }

    private static List<String> sorted(Set<String> values, String without) {
        Set<String> copy = new HashSet<>(values);
        copy.remove(without);
        return copy.stream().sorted().toList();
    }
}
