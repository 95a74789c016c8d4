package io.loadstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.demo.DemoTarget;
import io.loadstream.generator.plan.Executor;
import io.loadstream.generator.plan.Plan;
import io.loadstream.generator.plan.Template;
import io.loadstream.generator.plan.ThresholdDef;
import io.loadstream.reporter.threshold.ThresholdRules;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The plans in {@code examples/}: each one passes {@code validate} with no environment variable set, and every
 * request it sends matches an endpoint of the demo target's catalogue (method and path), so none gets a 404.
 */
class ExamplesTest {

    /** The repository's {@code examples/} folder; surefire runs in the cli module's directory. */
    private static final Path EXAMPLES = Path.of(System.getProperty("basedir", "."))
            .toAbsolutePath().resolve("../examples").normalize();

    private final InProcessCli cli = new InProcessCli();

    static List<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            return files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .sorted().toList();
        }
    }

    @Test
    void theThreeExamplesOfTheIssueAreThere() throws IOException {
        assertThat(examples()).extracting(p -> p.getFileName().toString())
                .contains("quickstart.yaml", "softfactory.yaml", "soak.yaml");
    }

    @ParameterizedTest
    @MethodSource("examples")
    void passesValidate(Path example) {
        assertThat(cli.run("validate", example.toString())).as(cli.err()).isEqualTo(ExitCodes.OK);
        assertThat(cli.out()).contains(example + " is valid.");
    }

    @ParameterizedTest
    @MethodSource("examples")
    void needsNoEnvironmentVariable(Path example) {
        load(example);
    }

    @ParameterizedTest
    @MethodSource("examples")
    void everyStepMatchesAnEndpointOfTheDemoTarget(Path example) {
        Plan plan = load(example);

        assertThat(plan.target().toString()).isEqualTo("http://127.0.0.1:8088");
        DemoPlans.assertEveryStepIsAnEndpoint(plan, example.getFileName().toString());
    }

    @ParameterizedTest
    @MethodSource("examples")
    void sendsTheDemoTargetsToken(Path example) {
        Plan plan = load(example);

        Template authorization = plan.defaults().headers().get("Authorization");
        assertThat(authorization).isNotNull();
        assertThat(authorization.render(null)).isEqualTo("Bearer " + DemoTarget.DEFAULT_TOKEN);
    }

    @Test
    void theQuickStartEndsWithinAMinuteAndHasThresholds() {
        Plan plan = load(EXAMPLES.resolve("quickstart.yaml"));

        assertThat(plan.load().totalDuration().plus(plan.load().gracefulStop())).isLessThan(Duration.ofSeconds(60));
        assertThat(plan.thresholds()).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void softfactoryIsTheReferencesScenario() {
        Plan plan = load(EXAMPLES.resolve("softfactory.yaml"));

        assertThat(plan.load().executor()).isEqualTo(Executor.RAMPING_VUS);
        assertThat(plan.load().stages()).extracting(s -> s.duration(), s -> (int) s.target()).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Duration.ofMinutes(1), 10),
                org.assertj.core.groups.Tuple.tuple(Duration.ofMinutes(1), 50),
                org.assertj.core.groups.Tuple.tuple(Duration.ofMinutes(2), 100),
                org.assertj.core.groups.Tuple.tuple(Duration.ofMinutes(1), 0));
        assertThat(plan.scenarios()).hasSize(3);
        assertThat(plan.scenarios().get(0).weight() * 2).isEqualTo(plan.totalWeight());
        assertThat(plan.defaults().thinkTime().min()).isEqualTo(Duration.ofSeconds(1));
        assertThat(plan.defaults().thinkTime().max()).isEqualTo(Duration.ofSeconds(1));
        assertThat(plan.thresholds()).extracting(t -> t.metric() + " " + t.expression())
                .contains("http_req_duration p(95)<500", "http_req_duration p(99)<1000", "http_req_failed rate<0.01");
        assertThat(plan.thresholds()).anySatisfy(t -> {
            assertThat(t.window()).isPositive();
            assertThat(t.abortOnFail()).isTrue();
        });
    }

    @Test
    void soakRunsForHoursAtAConstantArrivalRateWithWindowedThresholds() {
        Plan plan = load(EXAMPLES.resolve("soak.yaml"));

        assertThat(plan.load().executor()).isEqualTo(Executor.CONSTANT_ARRIVAL_RATE);
        assertThat(plan.load().totalDuration()).isGreaterThanOrEqualTo(Duration.ofHours(1));
        assertThat(plan.thresholds()).filteredOn(t -> !t.window().isZero()).hasSizeGreaterThanOrEqualTo(2);
        assertThat(plan.thresholds()).extracting(ThresholdDef::abortOnFail).contains(true);
    }

    /** Loads an example with an empty environment: an example must not need any variable. */
    private static Plan load(Path example) {
        StringWriter errors = new StringWriter();
        PlanLoader loader = new PlanLoader(Map.of(), ThresholdRules::problem);
        try {
            return loader.load(example, new PrintWriter(errors, true));
        } catch (UserFacingException e) {
            throw new AssertionError(e.getMessage() + System.lineSeparator() + errors, e);
        }
    }
}
