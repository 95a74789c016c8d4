package io.loadstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code run} on a machine kept busy by other processes: the report's generator CPU is the loadstream process's
 * own (checked against /proc as the oracle), and no finding blames the generator for the busy host.
 */
@ExtendWith(KafkaExtension.class)
class BusyHostReportTest {

    @TempDir
    Path tmp;

    private final List<Process> spinners = new ArrayList<>();
    private LoopbackTarget target;

    @AfterEach
    void stop() throws Exception {
        spinners.forEach(Process::destroyForcibly);
        if (target != null) {
            target.close();
        }
    }

    @Test
    void theGeneratorsCpuIsItsOwnAndNoFindingBlamesItWhenAnotherJobSaturatesTheHost(TestKafka kafka)
            throws Exception {
        assumeThat(Path.of("/proc/self/stat")).as("a Linux /proc").exists();
        // given: a light run of 5 requests a second, and one spinning shell per processor from the moment the
        // aggregator runs (started earlier, they would only slow the start-up down)
        target = LoopbackTarget.start(path -> new LoopbackTarget.Answer(200, 2));
        String yaml = "name: busy-host\ntarget: http://127.0.0.1:" + target.port() + "\n" + """
                load: {executor: constant-arrival-rate, rate: 5, duration: 12s, max_vus: 5}
                scenarios: [{name: s, steps: [{method: GET, path: /ok}]}]
                report: {window: 5s, grace: 1s}
                """;
        Plan plan = PlanParser.parse(yaml, "busy-host.yaml", tmp, Map.of(), ThresholdRules::problem);
        Topics topics = Topics.withPrefix(TestKafka.uniqueTopic("busy"));
        LocalRunOptions options = LocalRunOptions.of("busy-host", tmp.resolve("out"))
                .withBootstrap(kafka.bootstrapServers()).withTopics(topics)
                .withTopicSetup(new TopicSetup(3, (short) 1))
                .withApplicationId(TestKafka.uniqueTopic("busy-aggregator")).withStateDir(tmp.resolve("state"));
        List<String> console = Collections.synchronizedList(new ArrayList<>());

        // when
        long[] before = ticks();
        ReporterResult reported;
        Console lines = new Console(line -> {
            console.add(line);
            if (line.startsWith("Aggregator running")) {
                spin();
            }
        }, console::add);
        try (LocalRun run = new LocalRun(options, lines)) {
            reported = run.run(plan).reported();
        }
        long[] after = ticks();

        // then: the generator series reports its own process apart from its host
        assertThat(spinners).isNotEmpty();
        assertThat(reported.complete()).isTrue();
        JsonNode report = new ObjectMapper().readTree(reported.jsonReport().toFile());
        JsonNode generator = null;
        for (JsonNode series : report.path("system_series")) {
            if (series.path("role").asText().equals("GENERATOR")) {
                generator = series;
            }
        }
        assertThat(generator).as("the generator's system series").isNotNull();
        double own = generator.path("process_cpu_mean_percent").asDouble();
        double host = generator.path("cpu_mean_percent").asDouble();
        // The oracle: this JVM's share of all processors' time over the run, from /proc/self/stat and /proc/stat.
        double oracle = 100.0 * (after[0] - before[0]) / (after[1] - before[1]);
        assertThat(own).as("own CPU against the /proc oracle %.1f%%", oracle).isBetween(oracle - 25, oracle + 25);
        assertThat(own).as("own CPU below the host's").isLessThan(host);
        assertThat(report.at("/summary/cpu_source").asText()).isEqualTo("generator process");
        assertThat(report.at("/summary/avg_cpu_percent").asDouble()).isCloseTo(own,
                org.assertj.core.data.Offset.offset(0.01));
        assertThat(generator.path("process_cpu_seconds_above_90").asLong())
                .isLessThanOrEqualTo((long) Math.ceil(report.at("/run/duration_s").asDouble()));
        // and no finding blames the generator (host_saturated may appear: the host was busy)
        assertThat(report.path("bottlenecks").findValuesAsText("kind")).doesNotContain("generator_saturated");
        assertThat(report.path("summary").path("recommendations").toString()).doesNotContain("Add generators");
    }

    private void spin() {
        try {
            for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
                spinners.add(new ProcessBuilder("/bin/sh", "-c", "while :; do :; done").start());
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** This process's CPU ticks and all processors' ticks since boot. */
    private static long[] ticks() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split("\\s+");
        long self = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long total = 0;
        for (int i = 1; i <= 8; i++) {
            total += Long.parseLong(cpu[i]);
        }
        return new long[] {self, total};
    }
}
