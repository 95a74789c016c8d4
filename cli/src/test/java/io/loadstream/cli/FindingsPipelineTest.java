package io.loadstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loadstream.generator.plan.Plan;
import io.loadstream.generator.plan.PlanParser;
import io.loadstream.reporter.ReporterResult;
import io.loadstream.reporter.threshold.ThresholdRules;
import io.loadstream.schemas.TopicSetup;
import io.loadstream.schemas.Topics;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report's findings on real servers that behave in a known way ({@link PatternTarget}), through the whole
 * pipeline of {@code run} on a real broker: each pattern gets its finding with the server's own figures, and a fast,
 * healthy server gets none. One-second windows, so that a few seconds of load give enough windows. On a machine so
 * busy that the generator itself saturates (the report's {@code generator_saturated}), the patterns are not judged:
 * the test is skipped with that reason.
 */
@ExtendWith(KafkaExtension.class)
class FindingsPipelineTest {

    @TempDir
    Path tmp;

    @Test
    void aServerThatPausesEveryFiveSecondsGetsAPeriodicStallOfAllEndpoints(TestKafka kafka) throws Exception {
        try (PatternTarget target = PatternTarget.periodicStall(5_000, 800)) {
            JsonNode report = run(kafka, "stall", target, """
                    load: {executor: constant-arrival-rate, rate: 30, duration: 28s, max_vus: 60}
                    scenarios: [{name: s, steps: [{method: GET, path: /a}, {method: GET, path: /b}]}]
                    """);

            JsonNode stall = only(report, "periodic_stall");
            // The whole server pauses; whether the second step's windows spike in two thirds of the episodes too
            // depends on where the iterations stand when a pause starts (on a quiet machine only GET /a did once),
            // so the finding is "*" or an endpoint of the plan.
            assertThat(stall.path("endpoint").asText()).isIn("*", "GET /a", "GET /b");
            assertThat(stall.path("period_s").asDouble()).isCloseTo(5.0, within(0.5));
            assertThat(stall.path("pause_ms").asDouble()).isBetween(600.0, 1_000.0);
            assertThat(stall.path("episodes").asInt()).isGreaterThanOrEqualTo(4);
            // A 5 s period is 5 windows, so that a pause seen one window early or late in an episode leaves the
            // intervals regular enough, and 28 windows hold enough episodes (5 or 6) to tell them from chance: a model
            // of this server at 20 phases gave p at most 0.0035 (a 3 s period over 13 s could not reach 0.01).
            assertThat(stall.path("p_value").asDouble()).isLessThanOrEqualTo(0.01);
            assertThat(stall.path("endpoints_affected").asInt()).isBetween(1, 2);
            assertThat(stall.path("evidence").asText()).startsWith("Every 5");
            assertThat(kinds(report)).doesNotContain("bimodal", "slow");
        }
    }

    @Test
    void anEndpointWithAFastAndASlowPathIsBimodal(TestKafka kafka) throws Exception {
        try (PatternTarget target = PatternTarget.bimodal(4, 2, 150)) {
            JsonNode report = run(kafka, "bimodal", target, """
                    load: {executor: constant-arrival-rate, rate: 40, duration: 6s, pre_allocated_vus: 20, max_vus: 60}
                    scenarios: [{name: s, steps: [{method: GET, path: /item}]}]
                    """);

            JsonNode bimodal = only(report, "bimodal");
            assertThat(bimodal.path("endpoint").asText()).isEqualTo("GET /item");
            // One request in four waits 150 ms: the slow mode is at least that, the fast one well under it. (The
            // split between the modes moves when a busy machine smears the fast mode, so its share is not asserted.)
            assertThat(bimodal.path("slow_mode_ms").asDouble()).isGreaterThanOrEqualTo(150.0);
            assertThat(bimodal.path("fast_mode_ms").asDouble()).isLessThan(50.0);
            assertThat(bimodal.path("slow_share").asDouble()).isBetween(0.1, 0.75);
            assertThat(kinds(report)).doesNotContain("periodic_stall", "queueing");
        }
    }

    @Test
    void aServerWithFourWorkersQueuesPastItsCapacityAndTheFindingNamesTheLevel(TestKafka kafka) throws Exception {
        try (PatternTarget target = PatternTarget.fixedWorkers(2, 100)) {
            JsonNode report = run(kafka, "queue", target, """
                    load: {executor: ramping-vus, start_vus: 1, stages: [{duration: 12s, target: 16}]}
                    scenarios: [{name: s, steps: [{method: GET, path: /work}]}]
                    """);

            JsonNode queueing = only(report, "queueing");
            // Two workers of 100 ms serve 20 requests a second at most; up to 2 VUs nothing waits. The plateau is a
            // median of window rates, each over the time the run covered in its window, whose end is taken at
            // FINISHED: 21.0 was seen on a quiet machine, so 10 % above the ceiling is allowed.
            assertThat(queueing.path("plateau_rps").asDouble()).isBetween(10.0, 22.0);
            assertThat(queueing.path("vus_at_climb").asInt()).isBetween(3, 12);
            assertThat(queueing.path("p95_peak_ms").asDouble()).isGreaterThan(2 * queueing.path("p95_before_ms")
                    .asDouble());
            assertThat(queueing.path("served_at_once").asDouble()).isBetween(1.0, 4.0);
        }
    }

    @Test
    void aServerThatRejectsPastEightRequestsInFlightFailsOnlyUnderLoad(TestKafka kafka) throws Exception {
        try (PatternTarget target = PatternTarget.failsUnderLoad(8, 20)) {
            JsonNode report = run(kafka, "overload", target, """
                    load: {executor: ramping-vus, start_vus: 1, stages: [{duration: 8s, target: 24}]}
                    scenarios: [{name: s, steps: [{method: GET, path: /order}]}]
                    """);

            JsonNode errors = only(report, "errors_under_load");
            assertThat(errors.path("endpoint").asText()).isEqualTo("GET /order");
            // VUs per window are the heartbeats' (one a second) while the ramp adds 3 VUs a second.
            assertThat(errors.path("vus_errors_started").asInt()).isBetween(5, 24);
            assertThat(errors.path("error_rate_low_load").asDouble()).isLessThan(0.01);
            assertThat(errors.path("error_rate_high_load").asDouble()).isGreaterThan(0.05);
            assertThat(errors.path("evidence").asText()).contains("HTTP 503").contains("only under load");
            assertThat(kinds(report)).doesNotContain("errors");
        }
    }

    @Test
    void aFastHealthyServerGetsNoFindingAndEveryWindowHasThePlannedRate(TestKafka kafka) throws Exception {
        try (PatternTarget target = PatternTarget.healthy()) {
            JsonNode report = run(kafka, "healthy", target, """
                    load: {executor: constant-arrival-rate, rate: 100, duration: 7s, pre_allocated_vus: 10, max_vus: 50}
                    scenarios: [{name: s, steps: [{method: GET, path: /ok}]}]
                    report: {window: 2s, grace: 1s}
                    """);

            // A generator starved of CPU (a busy test machine) drops iterations and delays requests, and the delay
            // counts as latency (from the intended start): then neither the rate nor the no-finding oracle holds.
            org.junit.jupiter.api.Assumptions.assumeTrue(report.at("/run/dropped_iterations").asLong() == 0,
                    "the test machine was too busy: " + report.at("/run/dropped_iterations") + " dropped iterations");
            // Every window, the partial first and last included, holds the rate over the time the run covered it:
            // within 5%, or one request where the covered time holds too few for 5% to be one.
            List<JsonNode> windows = new ArrayList<>();
            report.path("timeline").forEach(p -> {
                if (p.path("endpoint").asText().equals("*")) {
                    windows.add(p);
                }
            });
            assertThat(windows).hasSizeGreaterThanOrEqualTo(4);
            for (JsonNode w : windows) {
                double expected = 100 * w.path("covered_s").asDouble();
                assertThat((double) w.path("requests").asLong()).as("requests in the window at %s",
                        w.path("window_start").asText()).isCloseTo(expected, within(Math.max(0.05 * expected, 1.0)));
            }
            assertThat(windows.get(1).path("rps").asDouble()).isCloseTo(100, within(5.0));
            org.junit.jupiter.api.Assumptions.assumeFalse(kinds(report).contains("generator_saturated")
                    || kinds(report).contains("host_saturated"), "the test machine was too busy: " + kinds(report));
            assertThat(report.path("bottlenecks")).isEmpty();
        }
    }

    private static JsonNode only(JsonNode report, String kind) {
        List<JsonNode> found = new ArrayList<>();
        report.path("bottlenecks").forEach(b -> {
            if (b.path("kind").asText().equals(kind)) {
                found.add(b);
            }
        });
        assertThat(found).as("%s findings in %s", kind, report.path("bottlenecks")).hasSize(1);
        return found.get(0);
    }

    private static List<String> kinds(JsonNode report) {
        List<String> kinds = new ArrayList<>();
        report.path("bottlenecks").forEach(b -> kinds.add(b.path("kind").asText()));
        return kinds;
    }

    private JsonNode run(TestKafka kafka, String name, PatternTarget target, String body) throws Exception {
        String yaml = "name: " + name + "\ntarget: " + target.url() + "\n" + body
                + (body.contains("report:") ? "" : "report: {window: 1s, grace: 1s}\n");
        Plan plan = PlanParser.parse(yaml, name + ".yaml", tmp, Map.of(), ThresholdRules::problem);
        Topics topics = Topics.withPrefix(TestKafka.uniqueTopic("find"));
        List<String> console = Collections.synchronizedList(new ArrayList<>());
        LocalRunOptions options = LocalRunOptions.of("findings-" + name, tmp.resolve(name))
                .withBootstrap(kafka.bootstrapServers())
                .withTopics(topics)
                .withTopicSetup(new TopicSetup(3, (short) 1))
                .withApplicationId(TestKafka.uniqueTopic("findings-aggregator"))
                .withStateDir(tmp.resolve("state-" + name));
        LocalRun.Outcome outcome;
        try (LocalRun run = new LocalRun(options, new Console(console::add, console::add))) {
            outcome = run.run(plan);
        }
        ReporterResult reported = outcome.reported();
        assertThat(reported.complete()).as("the run's data is complete").isTrue();
        JsonNode report = new ObjectMapper().readTree(reported.jsonReport().toFile());
        if (!name.equals("healthy")) {
            // A generator starved of CPU delays its requests, and the delay counts as latency (from the intended
            // start): the server's pattern is then buried in the generator's, and the report says so. The patterns
            // are judged only on runs whose generator kept up.
            org.junit.jupiter.api.Assumptions.assumeFalse(kinds(report).contains("generator_saturated"),
                    "the test machine was too busy for the generator: " + kinds(report));
        }
        return report;
    }
}
