package io.loadstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.loadstream.demo.DemoTarget;
import io.loadstream.generator.plan.Plan;
import io.loadstream.generator.plan.Template;
import io.loadstream.reporter.threshold.ThresholdRules;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * The repository's {@code docker-compose.yml}, {@code Dockerfile} and {@code .dockerignore}, checked without a
 * Docker engine: every loadstream service runs a command line that loadstream itself accepts, the services agree
 * on the Kafka address, topics, run id and segments, the generators' plan exists and is valid and aims at the
 * demo-target service, and the image copies the directory that cli's assembly produces.
 *
 * <p>The file is read as written, with no interpolation of our own: where a value comes from a variable
 * ({@code ${RUN_ID:-compose-demo}}), the services that must agree use the very same text, so they agree whatever
 * the environment says, and the default the file declares must be valid. Where Docker Compose is installed,
 * {@code docker compose config} interpolates the file and its commands are parsed too.
 */
class ComposeFileTest {

    /** A variable with the default the file declares for it, the one form of interpolation the file uses. */
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*):-([^}$]*)}");
    private static final Set<String> KAFKA_COMMANDS = Set.of("generate", "aggregate", "report", "agent");

    private static Path repo;
    private static JsonNode services;
    private static String kafkaService;
    private static String loadstreamImage;
    /** Service name to its parsed command line, for the services that run the loadstream image. */
    private static final Map<String, ParseResult> COMMANDS = new LinkedHashMap<>();

    @BeforeAll
    static void readComposeFile() throws IOException {
        repo = repositoryRoot();
        JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(repo.resolve("docker-compose.yml").toFile());
        services = compose.path("services");
        assertThat(services.isObject()).as("docker-compose.yml has services").isTrue();
        List<String> builtImages = new ArrayList<>();
        services.properties().forEach(e -> {
            if (e.getValue().has("build")) {
                builtImages.add(e.getValue().path("image").asText());
            }
            if (e.getValue().path("image").asText().startsWith("apache/kafka:")) {
                kafkaService = e.getKey();
            }
        });
        assertThat(kafkaService).as("a service runs the apache/kafka image").isNotNull();
        assertThat(new HashSet<>(builtImages)).as("every built service tags the one loadstream image").hasSize(1);
        loadstreamImage = builtImages.get(0);
        services.properties().forEach(e -> {
            if (loadstreamImage.equals(e.getValue().path("image").asText())) {
                COMMANDS.put(e.getKey(), parse(e.getKey(), command(e.getValue())));
            }
        });
    }

    @Test
    void everyLoadstreamServiceRunsAValidLoadstreamCommandLine() {
        Set<String> known = LoadstreamCommand.commandLine().getSubcommands().keySet();
        assertThat(COMMANDS).as("loadstream services").isNotEmpty();
        COMMANDS.forEach((service, parsed) -> assertThat(parsed.subcommand().commandSpec().name()).as(service)
                .isIn(known));
        // The stack the compose file promises: the demo target, two generators, two aggregators, one reporter.
        assertThat(servicesRunning("demo-target")).hasSize(1);
        assertThat(servicesRunning("generate")).hasSize(2);
        assertThat(servicesRunning("aggregate")).hasSize(2);
        assertThat(servicesRunning("report")).hasSize(1);
        COMMANDS.keySet().forEach(service -> assertThat(services.path(service).has("build"))
                .as(service + " builds the image, so that any of them can be started first").isTrue());
    }

    @Test
    void everyServiceReachesKafkaAtTheAddressItAdvertisesToContainersWithOneTopicPrefix() {
        JsonNode kafka = services.path(kafkaService);
        assertThat(kafka.path("image").asText()).as("the broker is the Kafka version loadstream's clients are")
                .isEqualTo("apache/kafka:" + VersionProvider.load().getProperty("kafka.version"));
        Map<String, String> env = environment(kafka);
        List<String> containerAddresses = new ArrayList<>();
        for (String listener : env.getOrDefault("KAFKA_ADVERTISED_LISTENERS", "").split(",")) {
            URI uri = URI.create(listener.strip());
            if (uri.getHost().equals(kafkaService) || uri.getHost().equals(kafka.path("hostname").asText())) {
                containerAddresses.add(uri.getHost() + ":" + uri.getPort());
            }
        }
        assertThat(containerAddresses).as("Kafka advertises an address on the compose network").hasSize(1);
        assertThat(kafka.path("healthcheck").path("test").toString()).contains(containerAddresses.get(0));

        Set<String> prefixes = new HashSet<>();
        COMMANDS.forEach((service, parsed) -> {
            ParseResult sub = parsed.subcommand();
            if (KAFKA_COMMANDS.contains(sub.commandSpec().name())) {
                assertThat(text(sub, "--bootstrap", "")).as(service + " --bootstrap")
                        .isEqualTo(containerAddresses.get(0));
                prefixes.add(text(sub, "--topic-prefix", Topics.DEFAULT_PREFIX));
                assertThat(dependsOn(service)).as(service + " waits for a healthy Kafka")
                        .containsEntry(kafkaService, "service_healthy");
            }
        });
        assertThat(prefixes).as("one topic prefix for every service").hasSize(1);
    }

    @Test
    void theGeneratorsSplitOneRunInTwoSegmentsThatTheReporterFollowsIntoTheMountedResultsFolder() {
        List<String> generators = servicesRunning("generate");
        Set<String> runIds = new HashSet<>();
        List<String> segments = new ArrayList<>();
        for (String generator : generators) {
            ParseResult sub = COMMANDS.get(generator).subcommand();
            runIds.add(text(sub, "--run-id", ""));
            segments.add(text(sub, "--segment", "1/1"));
            String reporter = servicesRunning("report").get(0);
            assertThat(dependsOn(generator)).as(generator + " starts after the reporter and the aggregators")
                    .containsEntry(reporter, "service_started")
                    .containsKeys(servicesRunning("aggregate").toArray(String[]::new));
        }
        assertThat(segments).containsExactlyInAnyOrder("1/2", "2/2");
        String reporter = servicesRunning("report").get(0);
        ParseResult report = COMMANDS.get(reporter).subcommand();
        assertThat(runIds).as("one run id for the generators and the reporter, as written, whatever the environment")
                .containsExactly(text(report, "--run-id", ""));
        String runId = runIds.iterator().next();
        assertThatCode(() -> EventKeys.validateRunId(declaredDefault(runId))).as("the run id's default: " + runId)
                .doesNotThrowAnyException();

        String out = text(report, "--out", "");
        Path hostFolder = hostPath(reporter, out);
        assertThat(hostFolder).as("the reporter writes into ./results on the host")
                .isEqualTo(repo.resolve("results").resolve(runId));
    }

    @Test
    void theAggregatorsShareOneApplicationIdAndKeepTheirStateInVolumesOfTheirOwn() {
        List<String> aggregators = servicesRunning("aggregate");
        Set<String> applicationIds = new HashSet<>();
        Set<String> stateVolumes = new HashSet<>();
        for (String aggregator : aggregators) {
            ParseResult sub = COMMANDS.get(aggregator).subcommand();
            applicationIds.add(text(sub, "--application-id", "loadstream-aggregator"));
            String stateDir = text(sub, "--state-dir", "");
            assertThat(stateDir).as(aggregator + " --state-dir").isNotEmpty();
            String volume = volumeAt(aggregator, stateDir);
            assertThat(volume).as(aggregator + " mounts a volume at its state directory").isNotNull();
            stateVolumes.add(volume);
        }
        assertThat(applicationIds).hasSize(1);
        assertThat(stateVolumes).as("one state volume per aggregator").hasSameSizeAs(aggregators);
    }

    @Test
    void theGeneratorsPlanIsInTheRepositoryIsValidAndAimsAtTheDemoTargetService() {
        String demo = servicesRunning("demo-target").get(0);
        ParseResult demoTarget = COMMANDS.get(demo).subcommand();
        int demoPort = Integer.parseInt(declaredDefault(text(demoTarget, "--port", "8088")));
        assertThat(text(demoTarget, "--host", "127.0.0.1")).as("listens beyond its own container")
                .isEqualTo("0.0.0.0");
        assertThat(services.path(demo).has("healthcheck")).as(demo + " has a healthcheck").isTrue();
        assertThat(services.path(demo).path("healthcheck").path("test").toString()).contains("/" + demoPort);
        for (String generator : servicesRunning("generate")) {
            assertThat(dependsOn(generator)).containsEntry(demo, "service_healthy");
            ParseResult sub = COMMANDS.get(generator).subcommand();
            String planInContainer = sub.matchedPositional(0).originalStringValues().get(0);
            Path plan = hostPath(generator, planInContainer);
            assertThat(plan).as(generator + "'s plan on the host").isRegularFile();

            // The same loading and validation as 'validate' and 'generate', with the container's environment as the
            // file declares it when no variable is set.
            Map<String, String> env = new LinkedHashMap<>();
            environment(services.path(generator)).forEach((name, value) -> env.put(name, declaredDefault(value)));
            StringWriter errors = new StringWriter();
            Plan parsed;
            try {
                parsed = new PlanLoader(env, ThresholdRules::problem).load(plan, new PrintWriter(errors, true));
            } catch (UserFacingException e) {
                throw new AssertionError(e.getMessage() + "\n" + errors, e);
            }
            assertThat(parsed.target().getScheme()).isEqualTo("http");
            assertThat(parsed.target().getHost()).as("the plan's target host").isIn(demo,
                    services.path(demo).path("hostname").asText(demo));
            assertThat(parsed.target().getPort()).as("the plan's target port").isEqualTo(demoPort);
            Template authorization = parsed.defaults().headers().get("Authorization");
            assertThat(authorization).as("the plan sends a token").isNotNull();
            assertThat(authorization.render(DemoPlans.rangeEnds(true))).as("the token the demo target needs")
                    .isEqualTo("Bearer " + declaredDefault(text(demoTarget, "--token", DemoTarget.DEFAULT_TOKEN)));
            DemoPlans.assertEveryStepIsAnEndpoint(parsed, generator);
        }
    }

    @Test
    void theImageIsTheDistributionThatTheAssemblyBuildsWithItsLauncherAsEntrypoint() throws IOException {
        String version = VersionProvider.load().getProperty("version");
        assertThat(Files.readString(repo.resolve("cli/pom.xml")))
                .as("the assembly's output directory").contains("<finalName>loadstream-${project.version}</finalName>");
        assertThat(repo.resolve("cli/src/dist/bin/loadstream")).as("the launcher the assembly copies to bin/")
                .isRegularFile();

        Map<String, String> args = new LinkedHashMap<>();
        String copySource = null;
        String copyTarget = null;
        String entrypoint = null;
        for (String line : Files.readAllLines(repo.resolve("Dockerfile"))) {
            String[] words = line.strip().split("\\s+");
            if (words[0].equals("FROM")) {
                assertThat(words[1]).as("base image").startsWith("eclipse-temurin:17");
            } else if (words[0].equals("ARG") && words[1].contains("=")) {
                args.put(words[1].substring(0, words[1].indexOf('=')), words[1].substring(words[1].indexOf('=') + 1));
            } else if (words[0].equals("COPY")) {
                assertThat(copySource).as("one COPY").isNull();
                copySource = words[1];
                copyTarget = words[2];
            } else if (words[0].equals("ENTRYPOINT")) {
                entrypoint = new ObjectMapper().readTree(line.strip().substring("ENTRYPOINT".length())).get(0)
                        .asText();
            }
        }
        assertThat(copySource).as("the Dockerfile copies something").isNotNull();
        String resolved = copySource;
        for (Map.Entry<String, String> arg : args.entrySet()) {
            resolved = resolved.replace("${" + arg.getKey() + "}", arg.getValue());
        }
        assertThat(resolved).as("the COPY source, with the ARG defaults")
                .isEqualTo("cli/target/loadstream-" + version + "/");
        assertThat(entrypoint).isEqualTo(copyTarget.replaceAll("/$", "") + "/bin/loadstream");

        List<String> ignore = Files.readAllLines(repo.resolve(".dockerignore"));
        assertThat(ignore).as(".dockerignore keeps everything but the distribution out of the build context")
                .contains("*", "!cli/target/loadstream-*", "cli/target/loadstream-*.tar.gz");
    }

    /** Where Docker Compose is installed, it must accept the file too; without it, this test is skipped. */
    @Test
    void dockerComposeAcceptsTheFileWhereItIsInstalled() throws Exception {
        String version = outputOf(List.of("docker", "compose", "version"));
        assumeTrue(version != null && !version.startsWith("exit "), "docker compose is not installed here");
        assertThat(outputOf(List.of("docker", "compose", "-f", repo.resolve("docker-compose.yml").toString(),
                "config", "--quiet"))).as("docker compose config").isEmpty();

        // Compose's own interpolation: every loadstream command, as the containers will get it, still parses.
        String json = outputOf(List.of("docker", "compose", "-f", repo.resolve("docker-compose.yml").toString(),
                "config", "--format", "json"));
        assertThat(json).as("docker compose config --format json").isNotNull().doesNotStartWith("exit ");
        new ObjectMapper().readTree(json).path("services").properties().forEach(e -> {
            if (loadstreamImage.equals(e.getValue().path("image").asText())) {
                List<String> words = new ArrayList<>();
                e.getValue().path("command").forEach(word -> words.add(word.asText()));
                assertThat(parse(e.getKey(), words).subcommand().commandSpec().name()).as(e.getKey())
                        .isEqualTo(COMMANDS.get(e.getKey()).subcommand().commandSpec().name());
            }
        });
    }

    @Test
    void everyVariableDeclaresOneDefaultAndNothingElseIsInterpolated() {
        Map<String, Set<String>> declared = new TreeMap<>();
        List<String> values = new ArrayList<>();
        textValues(services, values);
        for (String value : values) {
            Matcher variable = VARIABLE.matcher(value);
            while (variable.find()) {
                declared.computeIfAbsent(variable.group(1), name -> new HashSet<>()).add(variable.group(2));
            }
            assertThat(VARIABLE.matcher(value).replaceAll("")).as("a $ other than ${NAME:-default} in: " + value)
                    .doesNotContain("$");
        }
        assertThat(declared).as("the variables the file reads").isNotEmpty();
        declared.forEach((name, defaults) -> assertThat(defaults).as(name + "'s default, the same everywhere")
                .hasSize(1));
    }

    @Test
    void prometheusScrapesTheReportersMetricsPortAndAlertmanagerGetsItsAlerts() throws Exception {
        ParseResult report = COMMANDS.get(servicesRunning("report").get(0)).subcommand();
        String metricsPort = text(report, "--metrics-port", null);
        URI alertmanager = URI.create(text(report, "--alertmanager", null));
        assertThat(services.path(alertmanager.getHost()).path("image").asText()).startsWith("prom/alertmanager:");
        assertThat(alertmanager.getPort()).as("Alertmanager's default port").isEqualTo(9093);

        Path config = hostPath("prometheus", "/etc/prometheus/prometheus.yml");
        JsonNode prometheus = new ObjectMapper(new YAMLFactory()).readTree(config.toFile());
        List<String> values = new ArrayList<>();
        textValues(prometheus.path("scrape_configs"), values);
        assertThat(values).contains(servicesRunning("report").get(0) + ":" + metricsPort);
        values.clear();
        textValues(prometheus.path("alerting"), values);
        assertThat(values).contains(alertmanager.getHost() + ":" + alertmanager.getPort());
        for (JsonNode rules : prometheus.path("rule_files")) {
            assertThat(config.resolveSibling(rules.asText())).isRegularFile();
        }
        assertThat(hostPath("alertmanager", "/etc/alertmanager/alertmanager.yml")).isRegularFile();
        assertThat(hostPath("grafana", "/var/lib/grafana/dashboards/loadstream-dashboard.json")).isRegularFile();
        assertThat(hostPath("grafana", "/etc/grafana/provisioning/datasources/prometheus.yml")).isRegularFile();
    }

    @Test
    void theDashboardAndTheRulesUseOnlyMetricsThatLoadstreamServes() throws Exception {
        Set<String> served = new HashSet<>();
        for (String name : io.loadstream.reporter.metrics.RunMetrics.METRIC_NAMES) {
            served.addAll(List.of(name, name + "_total", name + "_bucket", name + "_sum", name + "_count"));
        }
        Pattern metric = Pattern.compile("loadstream_[a-z_]+");
        for (Path file : List.of(repo.resolve("docs/grafana/loadstream-dashboard.json"),
                repo.resolve("docker/prometheus/rules.yml"))) {
            Matcher names = metric.matcher(Files.readString(file));
            int found = 0;
            while (names.find()) {
                found++;
                assertThat(served).as(file + " uses " + names.group()).contains(names.group());
            }
            assertThat(found).as(file + " uses loadstream's metrics").isPositive();
        }
        JsonNode dashboard = new ObjectMapper().readTree(repo.resolve("docs/grafana/loadstream-dashboard.json")
                .toFile());
        assertThat(dashboard.path("panels")).isNotEmpty();
    }

    @Test
    void prometheusAndAlertmanagerAcceptTheirConfigurationsWhereTheirToolsAreInstalled() throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        Path amtool = Path.of("/usr/bin/amtool");
        assumeTrue(Files.isExecutable(promtool) && Files.isExecutable(amtool),
                "promtool and amtool come with the Debian packages prometheus and prometheus-alertmanager");
        for (List<String> check : List.of(
                List.of(promtool.toString(), "check", "config", repo.resolve("docker/prometheus/prometheus.yml")
                        .toString()),
                List.of(amtool.toString(), "check-config", repo.resolve("docker/alertmanager/alertmanager.yml")
                        .toString()))) {
            Process process = new ProcessBuilder(check).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(String.join(" ", check) + ":\n" + output).isZero();
        }
    }

    /** An option's value as written on the command line, or {@code absent} when it is not given. */
    private static String text(ParseResult sub, String option, String absent) {
        CommandLine.Model.OptionSpec matched = sub.matchedOption(option);
        return matched == null ? absent : matched.originalStringValues().get(0);
    }

    private static List<String> servicesRunning(String subcommand) {
        return COMMANDS.entrySet().stream()
                .filter(e -> e.getValue().subcommand().commandSpec().name().equals(subcommand))
                .map(Map.Entry::getKey).toList();
    }

    private static ParseResult parse(String service, List<String> args) {
        try {
            ParseResult parsed = LoadstreamCommand.commandLine().parseArgs(args.toArray(String[]::new));
            assertThat(parsed.subcommand()).as(service + " runs a subcommand: " + args).isNotNull();
            return parsed;
        } catch (CommandLine.ParameterException e) {
            throw new AssertionError(service + ": '" + String.join(" ", args) + "' is not a valid loadstream "
                    + "command line: " + e.getMessage(), e);
        }
    }

    /** A service's command as written: a list of words (exec form). */
    private static List<String> command(JsonNode service) {
        JsonNode command = service.path("command");
        assertThat(command.isArray()).as("command is a list of words, not a shell string: " + command).isTrue();
        List<String> words = new ArrayList<>();
        command.forEach(word -> words.add(word.asText()));
        return words;
    }

    /** A service's environment as written. */
    private static Map<String, String> environment(JsonNode service) {
        Map<String, String> env = new LinkedHashMap<>();
        JsonNode environment = service.path("environment");
        if (environment.isObject()) {
            environment.properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
        } else if (environment.isArray()) {
            environment.forEach(item -> {
                String text = item.asText();
                int eq = text.indexOf('=');
                env.put(text.substring(0, eq), text.substring(eq + 1));
            });
        }
        return env;
    }

    /** depends_on as service name to condition ({@code service_started} for the short form). */
    private static Map<String, String> dependsOn(String service) {
        Map<String, String> conditions = new LinkedHashMap<>();
        JsonNode dependsOn = services.path(service).path("depends_on");
        if (dependsOn.isArray()) {
            dependsOn.forEach(name -> conditions.put(name.asText(), "service_started"));
        } else {
            dependsOn.properties().forEach(e -> conditions.put(e.getKey(),
                    e.getValue().path("condition").asText("service_started")));
        }
        return conditions;
    }

    /** The host path behind a path in a service's container, through its bind mounts ({@code ./x:/y[:ro]}). */
    private static Path hostPath(String service, String containerPath) {
        for (JsonNode volume : services.path(service).path("volumes")) {
            String[] parts = volume.asText().split(":");
            String mountPoint = parts[1].replaceAll("/$", "");
            if (parts[0].startsWith(".") && (containerPath.equals(mountPoint)
                    || containerPath.startsWith(mountPoint + "/"))) {
                return repo.resolve(parts[0]).resolve(containerPath.substring(mountPoint.length())
                        .replaceFirst("^/", "")).normalize();
            }
        }
        return fail(service + " has no bind mount holding " + containerPath);
    }

    /** The named volume mounted exactly at {@code containerPath} in a service, or null. */
    private static String volumeAt(String service, String containerPath) {
        for (JsonNode volume : services.path(service).path("volumes")) {
            String[] parts = volume.asText().split(":");
            if (!parts[0].startsWith(".") && !parts[0].startsWith("/") && parts[1].equals(containerPath)) {
                return parts[0];
            }
        }
        return null;
    }

    /**
     * The value a word has when no variable is set: the default it declares when it is one variable
     * ({@code ${RUN_ID:-compose-demo}}), the word itself when it has none.
     */
    private static String declaredDefault(String word) {
        Matcher variable = VARIABLE.matcher(word);
        if (variable.matches()) {
            return variable.group(2);
        }
        assertThat(word).as("a value that is either a literal or one variable with its default").doesNotContain("$");
        return word;
    }

    /** Every text value (not key) in a YAML tree, depth first. */
    private static void textValues(JsonNode node, List<String> values) {
        if (node.isValueNode()) {
            values.add(node.asText());
        }
        node.forEach(child -> textValues(child, values));
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !(Files.isRegularFile(dir.resolve("docker-compose.yml"))
                && Files.isRegularFile(dir.resolve("mvnw")))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("the repository root, above " + Path.of("").toAbsolutePath()).isNotNull();
        return dir;
    }

    /** Runs a command for at most 30 s; its output, or null when it could not run, failed or took too long. */
    private static String outputOf(List<String> command) throws InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return null;
        }
        try {
            process.getOutputStream().close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                return null;
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return process.exitValue() == 0 ? output : "exit " + process.exitValue() + ": " + output;
        } catch (IOException e) {
            return null;
        } finally {
            process.destroyForcibly();
        }
    }
}
