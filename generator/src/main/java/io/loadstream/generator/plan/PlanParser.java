package io.loadstream.generator.plan;

import static io.loadstream.generator.plan.YamlReaders.describe;
import static io.loadstream.generator.plan.YamlReaders.optional;
import static io.loadstream.generator.plan.YamlReaders.scalarText;

import com.fasterxml.jackson.core.JsonProcessingException;
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
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a YAML plan file into a validated, immutable {@link Plan}. Every error found is reported with its
 * file, line and column, and none stops the search for others, so that one run of {@code validate} shows
 * them all. Unknown keys are errors: a misspelt key would otherwise be ignored silently.
 *
 * <p>This class holds the plan's grammar: which keys go where and what they mean. Typed reads of the YAML tree
 * (durations, numbers, required keys, unknown keys) are {@link YamlReaders}'; interpolations are compiled by
 * {@link Template#compile}, and bodies written as mappings or lists become JSON in {@link JsonBody}.
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
    private static final String CONSTANT_VUS_WHERE = "the constant-vus executor";
    private static final Duration DEFAULT_GRACEFUL_STOP = Duration.ofSeconds(30);
    private static final Duration MIN_WINDOW = Duration.ofSeconds(1);
    /** An HTTP header name: an RFC 9110 token. */
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private final String file;
    private final Path baseDirectory;
    private final Map<String, String> env;
    private final ThresholdSyntax thresholdSyntax;
    private final List<PlanError> errors = new ArrayList<>();
    private final YamlReaders yaml = new YamlReaders(errors);

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
            if (Files.exists(file) && !Files.isRegularFile(file)) {
                // A device such as /dev/zero never ends and a FIFO blocks until a writer comes: neither is read.
                throw fail(name, "This is not a regular file (a device, a FIFO or a socket); give the plan's YAML"
                        + " file.");
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
        MapNode top = yaml.asMap(root, "The plan");
        if (top == null) {
            return null;
        }
        yaml.unknownKeys(top, TOP_KEYS, "the plan");
        String name = yaml.requiredText(top, "name", "the plan");
        if (name != null && name.isBlank()) {
            error(top.entries().get("name").value().location(), "The plan's name must not be empty.");
        }
        URI target = target(top);
        DataSource data = optional(top, "data") == null ? null : data(optional(top, "data"));
        Defaults defaults = defaults(optional(top, "defaults"));
        Load load = load(top);
        List<Scenario> scenarios = scenarios(top, data);
        List<ThresholdDef> thresholds = thresholds(optional(top, "thresholds"));
        if (scenarios != null) {
            thresholdScopes(optional(top, "thresholds"), scenarios);
        }
        ReportSettings report = report(optional(top, "report"));
        if (!errors.isEmpty() || name == null || target == null || load == null || scenarios == null) {
            return null;
        }
        return new Plan(name, target, defaults, load, scenarios, thresholds, report, data, file);
    }

    private URI target(MapNode top) {
        Node node = yaml.required(top, "target", "the plan");
        String text = yaml.text(node, "target");
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
        MapNode map = node == null ? null : yaml.asMap(node, "defaults");
        if (map != null) {
            yaml.unknownKeys(map, DEFAULTS_KEYS, "defaults");
            headers = headers(optional(map, "headers"), null);
            timeout = yaml.positiveDuration(optional(map, "timeout"), "timeout", timeout);
            connectTimeout = yaml.positiveDuration(optional(map, "connect_timeout"), "connect_timeout", null);
            thinkTime = thinkTime(optional(map, "think_time"), ThinkTime.NONE);
            http2 = http2(optional(map, "http"));
            insecure = yaml.bool(optional(map, "insecure"), "insecure", false);
            maxResponseBytes = (int) yaml.integer(optional(map, "max_response_bytes"), "max_response_bytes",
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

    private ThinkTime thinkTime(Node node, ThinkTime fallback) {
        if (node == null) {
            return fallback;
        }
        if (node instanceof MapNode map) {
            yaml.unknownKeys(map, THINK_KEYS, "think_time");
            Duration min = yaml.nonNegativeDuration(yaml.required(map, "min", "think_time"), "min", null);
            Duration max = yaml.nonNegativeDuration(yaml.required(map, "max", "think_time"), "max", null);
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
        Duration fixed = yaml.nonNegativeDuration(node, "think_time", null);
        return fixed == null ? fallback : ThinkTime.fixed(fixed);
    }

    // ---------------------------------------------------------------- load

    private Load load(MapNode top) {
        MapNode map = yaml.asMap(yaml.required(top, "load", "the plan"), "load");
        if (map == null) {
            return null;
        }
        yaml.unknownKeys(map, LOAD_KEYS, "load");
        Node executorNode = yaml.required(map, "executor", "load");
        String executorName = yaml.text(executorNode, "executor");
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
        Duration gracefulStop = yaml.nonNegativeDuration(optional(map, "graceful_stop"), "graceful_stop",
                DEFAULT_GRACEFUL_STOP);
        int before = errors.size();
        Load load = switch (executor) {
            case CONSTANT_VUS -> new Load(executor,
                    (int) yaml.integer(yaml.required(map, "vus", CONSTANT_VUS_WHERE), "vus", 0, 1, 1_000_000),
                    yaml.positiveDuration(yaml.required(map, "duration", CONSTANT_VUS_WHERE), "duration", null),
                    0, List.of(), 0, 0, Duration.ZERO, 0, 0, gracefulStop);
            case RAMPING_VUS -> new Load(executor, 0, Duration.ZERO,
                    (int) yaml.integer(optional(map, "start_vus"), "start_vus", 0, 0, 1_000_000),
                    stages(yaml.required(map, "stages", "the ramping-vus executor"), "VUs", true),
                    0, 0, Duration.ZERO, 0, 0, gracefulStop);
            case CONSTANT_ARRIVAL_RATE -> arrivalRate(map, executor, gracefulStop);
            case RAMPING_ARRIVAL_RATE -> arrivalRate(map, executor, gracefulStop);
        };
        return errors.size() == before ? load : null;
    }

    private Load arrivalRate(MapNode map, Executor executor, Duration gracefulStop) {
        boolean constant = executor == Executor.CONSTANT_ARRIVAL_RATE;
        String where = "the " + executor.planName() + " executor";
        double rate = constant ? yaml.number(yaml.required(map, "rate", where), "rate", 0, Double.MIN_VALUE, 1e9) : 0;
        double startRate = constant ? 0 : yaml.number(optional(map, "start_rate"), "start_rate", 0, 0, 1e9);
        Duration timeUnit = yaml.positiveDuration(optional(map, "time_unit"), "time_unit", Duration.ofSeconds(1));
        Duration duration = constant ? yaml.positiveDuration(yaml.required(map, "duration", where), "duration", null)
                : Duration.ZERO;
        List<Stage> stages = constant ? List.of() : stages(yaml.required(map, "stages", where), "iterations per "
                + "time_unit", false);
        Node preNode = optional(map, "pre_allocated_vus");
        Node maxNode = optional(map, "max_vus");
        if (preNode == null && maxNode == null) {
            error(map.location(), YamlReaders.capitalise(where) + " needs max_vus (and optionally "
                    + "pre_allocated_vus): the most VUs that may be busy at once.");
            return null;
        }
        int pre = (int) yaml.integer(preNode, "pre_allocated_vus", -1, 1, 1_000_000);
        int max = (int) yaml.integer(maxNode, "max_vus", -1, 1, 1_000_000);
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
        ListNode list = yaml.asList(node, "stages");
        if (list == null) {
            return List.of();
        }
        if (list.items().isEmpty()) {
            error(node.location(), "stages is empty; give at least one {duration, target}.");
        }
        List<Stage> stages = new ArrayList<>();
        yaml.eachMap(list, "a stage", STAGE_KEYS, stage -> {
            Duration duration = yaml.nonNegativeDuration(yaml.required(stage, "duration", "a stage"), "duration", null);
            Node targetNode = yaml.required(stage, "target", "a stage");
            double target = wholeTargets
                    ? yaml.integer(targetNode, "target", 0, 0, 1_000_000)
                    : yaml.number(targetNode, "target", 0, 0, 1e9);
            if (duration != null) {
                stages.add(new Stage(duration, target));
            }
        });
        Duration total = stages.stream().map(Stage::duration).reduce(Duration.ZERO, Duration::plus);
        if (!list.items().isEmpty() && total.isZero() && stages.size() == list.items().size()) {
            error(node.location(), "The stages last 0s in total; give them durations (target is in "
                    + targetUnit + ").");
        }
        return stages;
    }

    // ---------------------------------------------------------------- scenarios and steps

    private List<Scenario> scenarios(MapNode top, DataSource planData) {
        ListNode list = yaml.asList(yaml.required(top, "scenarios", "the plan"), "scenarios");
        if (list == null) {
            return null;
        }
        if (list.items().isEmpty()) {
            error(list.location(), "scenarios is empty; give at least one scenario with steps.");
            return null;
        }
        List<Scenario> scenarios = new ArrayList<>();
        Map<String, Location> names = new LinkedHashMap<>();
        yaml.eachMap(list, "a scenario", SCENARIO_KEYS, map -> {
            String name = yaml.requiredText(map, "name", "a scenario");
            if (name != null) {
                Location previous = names.putIfAbsent(name, map.entries().get("name").value().location());
                if (previous != null) {
                    error(map.entries().get("name").value().location(), "Another scenario is already named '"
                            + name + "' (line " + previous.line() + "); scenario names must be unique.");
                }
            }
            int weight = (int) yaml.integer(optional(map, "weight"), "weight", 1, 1, 1_000_000);
            DataSource data = optional(map, "data") == null ? planData : data(optional(map, "data"));
            List<Step> steps = steps(yaml.required(map, "steps", "a scenario"), data);
            if (name != null) {
                scenarios.add(new Scenario(name, weight, steps, data == planData ? null : data));
            }
        });
        return scenarios;
    }

    private List<Step> steps(Node node, DataSource data) {
        ListNode list = yaml.asList(node, "steps");
        if (list == null) {
            return List.of();
        }
        if (list.items().isEmpty()) {
            error(node.location(), "steps is empty; a scenario needs at least one request.");
        }
        List<Step> steps = new ArrayList<>();
        yaml.eachMap(list, "a step", STEP_KEYS, map -> {
            Step step = step(map, data);
            if (step != null) {
                steps.add(step);
            }
        });
        return steps;
    }

    private Step step(MapNode map, DataSource data) {
        Node methodNode = yaml.required(map, "method", "a step");
        String method = yaml.text(methodNode, "method");
        if (method != null) {
            method = method.strip().toUpperCase(Locale.ROOT);
            if (!METHODS.contains(method)) {
                error(methodNode.location(), "Unknown HTTP method '" + method + "'; use one of "
                        + String.join(", ", sorted(METHODS, "")) + ".");
                method = null;
            }
        }
        Node pathNode = yaml.required(map, "path", "a step");
        String pathText = yaml.text(pathNode, "path");
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
        if (path != null && path.isConstant()) {
            try {
                new URI("http://127.0.0.1" + path.render(null));
            } catch (URISyntaxException e) {
                // Neither the text nor the index: an ${env:...} value in the path is a secret.
                error(pathNode.location(), "The path " + path.display() + " does not make a valid URL ("
                        + e.getReason().toLowerCase(Locale.ROOT) + ")" + (path.display().contains("${env:")
                        ? "; a value from the environment in a path must be percent-encoded (a space is %20)."
                        : "; percent-encode it (a space is %20)."));
                path = null;
            }
        }
        Map<String, Template> headers = headers(optional(map, "headers"), data);
        Template body = body(optional(map, "body"), data);
        Node nameNode = optional(map, "name");
        String name = nameNode == null ? null : yaml.text(nameNode, "name");
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
        MapNode query = yaml.asMap(queryNode, "query");
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
            return template(JsonBody.write(node), node, data);
        } catch (JsonProcessingException e) {
            error(node.location(), "This body cannot be written as JSON: " + e.getOriginalMessage());
            return null;
        } catch (JsonBody.NotJson e) {
            error(e.location(), "This body cannot be written as JSON: " + e.getMessage() + ".");
            return null;
        }
    }

    private Check check(Node node) {
        if (node == null) {
            return Check.NONE;
        }
        MapNode map = yaml.asMap(node, "check");
        if (map == null) {
            return Check.NONE;
        }
        yaml.unknownKeys(map, CHECK_KEYS, "a check");
        Set<Integer> statuses = new LinkedHashSet<>();
        Node statusNode = optional(map, "status");
        if (statusNode instanceof ListNode list) {
            for (Node item : list.items()) {
                statuses.add((int) yaml.integer(item, "status", 200, 100, 599));
            }
        } else if (statusNode != null) {
            statuses.add((int) yaml.integer(statusNode, "status", 200, 100, 599));
        }
        Node containsNode = optional(map, "body_contains");
        String contains = containsNode == null ? null : yaml.text(containsNode, "body_contains");
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
        MapNode map = yaml.asMap(node, "headers");
        if (map == null) {
            return Map.of();
        }
        Map<String, Template> headers = new LinkedHashMap<>();
        for (Entry entry : map.entries().values()) {
            if (!HEADER_NAME.matcher(entry.key()).matches()) {
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
        return Template.compile(text, env, data, message -> error(node.location(), message));
    }

    // ---------------------------------------------------------------- data feeders

    private DataSource data(Node node) {
        MapNode map = yaml.asMap(node, "data");
        if (map == null) {
            return null;
        }
        yaml.unknownKeys(map, DATA_KEYS, "data");
        String fileName = yaml.requiredText(map, "file", "data");
        Node modeNode = optional(map, "mode");
        DataSource.Mode mode = DataSource.Mode.CIRCULAR;
        if (modeNode != null) {
            String text = yaml.text(modeNode, "mode");
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
        MapNode map = yaml.asMap(node, "thresholds");
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

    /** A scoped metric key, e.g. {@code http_req_duration{endpoint:GET /a}}: the scope's kind and name. */
    private static final Pattern SCOPED = Pattern.compile(
            "^[a-z_]+\\{(endpoint|scenario):(.*)}$");

    /**
     * A threshold on an endpoint that no step produces, or on a scenario the plan lacks, would see no data and pass
     * silently: it is an error, with the closest name.
     */
    private void thresholdScopes(Node node, List<Scenario> scenarios) {
        if (!(node instanceof MapNode map)) {
            return;
        }
        Set<String> endpoints = new LinkedHashSet<>();
        Set<String> scenarioNames = new LinkedHashSet<>();
        for (Scenario scenario : scenarios) {
            scenarioNames.add(scenario.name());
            scenario.steps().forEach(step -> endpoints.add(step.endpoint()));
        }
        for (Entry entry : map.entries().values()) {
            java.util.regex.Matcher scoped = SCOPED.matcher(entry.key().strip());
            if (!scoped.matches()) {
                continue;
            }
            boolean endpoint = scoped.group(1).equals("endpoint");
            String name = scoped.group(2).strip();
            Set<String> known = endpoint ? endpoints : scenarioNames;
            if (!known.contains(name)) {
                String suggestion = YamlReaders.closestName(name, known);
                error(entry.keyLocation(), "Threshold '" + entry.key() + "' names " + (endpoint
                        ? "an endpoint that no step produces" : "no scenario of the plan") + "; "
                        + (suggestion != null ? "did you mean '" + suggestion + "'? " : "")
                        + (endpoint ? "Endpoints: " : "Scenarios: ") + String.join(", ", known) + ".");
            }
        }
    }

    private ThresholdDef threshold(String metric, Node node) {
        Node expressionNode = node;
        Duration window = Duration.ZERO;
        Duration forDuration = Duration.ZERO;
        Duration delay = Duration.ZERO;
        boolean abort = false;
        if (node instanceof MapNode map) {
            yaml.unknownKeys(map, THRESHOLD_KEYS, "a threshold");
            expressionNode = yaml.required(map, "threshold", "a threshold in object form");
            abort = yaml.bool(optional(map, "abort_on_fail"), "abort_on_fail", false);
            delay = yaml.nonNegativeDuration(optional(map, "delay_abort_eval"), "delay_abort_eval", Duration.ZERO);
            window = yaml.positiveDuration(optional(map, "window"), "window", Duration.ZERO);
            forDuration = yaml.nonNegativeDuration(optional(map, "for"), "for", Duration.ZERO);
            if (optional(map, "for") != null && optional(map, "window") == null) {
                error(map.entries().get("for").keyLocation(), "'for' applies to windowed thresholds; add a window, "
                        + "e.g. {threshold: \"p(95)<500\", window: 30s, for: 1m}.");
            }
            if (expressionNode == null) {
                return null;
            }
        }
        String expression = yaml.text(expressionNode, "threshold");
        if (expression == null) {
            return null;
        }
        Optional<String> problem = thresholdSyntax.problem(metric, expression.strip(),
                window == null ? Duration.ZERO : window, forDuration == null ? Duration.ZERO : forDuration, abort,
                delay == null ? Duration.ZERO : delay);
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
        MapNode map = yaml.asMap(node, "report");
        if (map == null) {
            return defaults;
        }
        yaml.unknownKeys(map, REPORT_KEYS, "report");
        long slowRequest = yaml.integer(optional(map, "slow_request_ms"), "slow_request_ms",
                defaults.slowRequestMs(), 1, Long.MAX_VALUE);
        long slowEndpoint = yaml.integer(optional(map, "slow_endpoint_p95_ms"), "slow_endpoint_p95_ms",
                defaults.slowEndpointP95Ms(), 1, Long.MAX_VALUE);
        Duration window = yaml.positiveDuration(optional(map, "window"), "window", defaults.window());
        if (window != null && window.compareTo(MIN_WINDOW) < 0) {
            error(map.entries().get("window").value().location(), "The report window must be at least 1s.");
        }
        Duration grace = yaml.nonNegativeDuration(optional(map, "grace"), "grace", defaults.grace());
        return new ReportSettings(slowRequest, slowEndpoint, window == null ? defaults.window() : window,
                grace == null ? defaults.grace() : grace);
    }

    private void error(Location location, String message) {
        errors.add(new PlanError(location, message));
    }

    private static Set<String> orderedSet(String... values) {
        return Collections.unmodifiableSet(new LinkedHashSet<>(List.of(values)));
    }

    private static List<String> sorted(Set<String> values, String without) {
        Set<String> copy = new HashSet<>(values);
        copy.remove(without);
        return copy.stream().sorted().toList();
    }
}
