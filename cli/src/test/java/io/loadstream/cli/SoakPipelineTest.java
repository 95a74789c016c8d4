package io.loadstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loadstream.generator.plan.Plan;
import io.loadstream.generator.plan.PlanParser;
import io.loadstream.reporter.ReporterResult;
import io.loadstream.reporter.drift.TheilSen;
import io.loadstream.reporter.threshold.ThresholdRules;
import io.loadstream.schemas.TopicSetup;
import io.loadstream.schemas.Topics;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CI version of {@code bench/soak.sh}: the whole pipeline of {@code run} (generator, aggregator, reporter in this
 * JVM, on a real broker) for 90 s at a steady rate, with the heap after a full GC sampled every 5 s. Nothing may be
 * lost and the heap after GC may not grow by more than a bound; no timing is asserted.
 */
@ExtendWith(KafkaExtension.class)
class SoakPipelineTest {

    /** Growth of the heap after GC allowed over the measured part of the run, MiB: a leak of a few KB per event. */
    private static final double MAX_GROWTH_MIB = 64;

    @TempDir
    Path tmp;

    @Test
    void aSteadyRunLosesNothingAndItsHeapAfterGcStaysBounded(TestKafka kafka) throws Exception {
        List<double[]> samples = Collections.synchronizedList(new ArrayList<>());
        long t0 = System.nanoTime();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        try (LoopbackTarget target = LoopbackTarget.start(path -> new LoopbackTarget.Answer(200, 2))) {
            Plan plan = PlanParser.parse("name: soak-ci\ntarget: " + target.url() + "\n" + """
                    load: {executor: constant-arrival-rate, rate: 100, duration: 90s, max_vus: 50}
                    scenarios:
                      - name: steady
                        steps: [{method: GET, path: /a}, {method: GET, path: /b}]
                    report: {window: 2s, grace: 1s}
                    """, "soak.yaml", tmp, Map.of(), ThresholdRules::problem);
            sampler.scheduleAtFixedRate(() -> {
                System.gc();
                double usedMib = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
                samples.add(new double[] {(System.nanoTime() - t0) / 3.6e12, usedMib});
            }, 5, 5, TimeUnit.SECONDS);

            LocalRun.Outcome outcome;
            Topics topics = Topics.withPrefix(TestKafka.uniqueTopic("soak"));
            LocalRunOptions options = LocalRunOptions.of("soak-ci", tmp.resolve("out"))
                    .withBootstrap(kafka.bootstrapServers()).withTopics(topics)
                    .withTopicSetup(new TopicSetup(3, (short) 1))
                    .withApplicationId(TestKafka.uniqueTopic("soak-aggregator"))
                    .withStateDir(tmp.resolve("state"));
            List<String> console = Collections.synchronizedList(new ArrayList<>());
            try (LocalRun run = new LocalRun(options, new Console(console::add, console::add))) {
                outcome = run.run(plan);
            }
            sampler.shutdownNow();

            // then: every request sent is in the report, nothing was dropped
            ReporterResult reported = outcome.reported();
            JsonNode report = new ObjectMapper().readTree(reported.jsonReport().toFile());
            assertThat(reported.complete()).isTrue();
            assertThat(report.at("/summary/total_requests").asLong()).isEqualTo(outcome.generated().requestsSent())
                    .isGreaterThan(5_000);
            assertThat(report.at("/run/events_dropped").asLong()).isZero();
            // and the heap after GC, past the first 30 s (start-up, JIT), grows by less than the bound
            List<double[]> steady = samples.stream().filter(s -> s[0] * 3600 >= 30).toList();
            assertThat(steady).hasSizeGreaterThanOrEqualTo(TheilSen.MIN_POINTS);
            double[] hours = steady.stream().mapToDouble(s -> s[0]).toArray();
            double[] mib = steady.stream().mapToDouble(s -> s[1]).toArray();
            TheilSen.Slope slope = TheilSen.fit(hours, mib, 0.95).orElseThrow();
            double growth = slope.slope() * (hours[hours.length - 1] - hours[0]);
            assertThat(growth).as("heap after GC grows %.1f MiB/h (95%% CI %.1f to %.1f) over the run: %s",
                    slope.slope(), slope.low(), slope.high(), steady.stream().map(s -> String.format("%.1f", s[1]))
                            .toList()).isLessThan(MAX_GROWTH_MIB);
        } finally {
            sampler.shutdownNow();
        }
    }
}
