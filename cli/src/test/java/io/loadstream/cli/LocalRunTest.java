package io.loadstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loadstream.generator.plan.Plan;
import io.loadstream.generator.plan.PlanParser;
import io.loadstream.reporter.threshold.ThresholdRules;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LocalRun}'s rules that need no broker: Ctrl-C before the load stops the start-up, a demo target only at a
 * loopback address, one plan per run, and options that refuse nonsense. PipelineTest and RunCommandTest run it on
 * a real broker.
 */
class LocalRunTest {

    @TempDir
    Path tmp;

    private final List<String> console = Collections.synchronizedList(new ArrayList<>());

    @Test
    void anInterruptBeforeTheLoadStopsTheStartUpBeforeKafkaIsTouched() throws Exception {
        // given: a Kafka address where nothing listens; it must never be reached
        LocalRunOptions options = LocalRunOptions.of("interrupted", tmp.resolve("out")).withBootstrap("127.0.0.1:1")
                .withPreflight(false);
        LocalRun run = new LocalRun(options, new Console(console::add, console::add));

        // when
        run.interrupt();

        // then
        assertThatThrownBy(() -> run.run(plan("http://127.0.0.1:1"))).isInstanceOf(UserFacingException.class)
                .hasMessage("Interrupted before the load started")
                .satisfies(e -> assertThat(((UserFacingException) e).exitCode()).isEqualTo(ExitCodes.FAILURE));
        run.close();
        assertThat(run.awaitClosed(Duration.ofSeconds(60))).isTrue();
        assertThat(console).hasSize(1).allMatch(line -> line.startsWith("Run interrupted: local-run against "));
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void anInterruptWhileKafkaDoesNotAnswerStopsTheWaitInsteadOfTimingOut() throws Exception {
        // given: a start-up waiting for a Kafka broker that does not exist (it would give up after 30 s)
        LocalRunOptions options = LocalRunOptions.of("unreachable", tmp.resolve("out"))
                .withBootstrap("127.0.0.1:1").withPreflight(false);
        LocalRun run = new LocalRun(options, new Console(console::add, console::add));
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic
                .AtomicReference<>();
        Thread runner = new Thread(() -> {
            try {
                run.run(plan("http://127.0.0.1:1"));
            } catch (Exception e) {
                failure.set(e);
            }
        }, "local-run");
        runner.start();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> java.util.Arrays
                .stream(runner.getStackTrace()).anyMatch(f -> f.getClassName().endsWith("TopicSetup")));

        // when: Ctrl-C
        run.interrupt();

        // then: the wait stopped because of the interrupt (in milliseconds), not after Kafka's 30 s; the bound is
        // generous so that a loaded machine cannot break it, and far below those 30 s
        runner.join(Duration.ofSeconds(20).toMillis());
        assertThat(runner.isAlive()).as("still waiting for Kafka 20 s after Ctrl-C").isFalse();
        assertThat(failure.get()).isInstanceOf(UserFacingException.class)
                .hasMessage("Interrupted before the load started");
        run.close();
        assertThat(run.awaitClosed(Duration.ofSeconds(60))).isTrue();
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void theDemoTargetStartsOnlyAtALoopbackHttpTarget() throws Exception {
        LocalRunOptions options = LocalRunOptions.of("demo", tmp.resolve("out")).withDemoTarget(true);

        try (LocalRun run = new LocalRun(options, new Console(console::add, console::add))) {
            assertThatThrownBy(() -> run.run(plan("http://example.com:8088"))).isInstanceOf(UserFacingException.class)
                    .hasMessageContaining("must be a loopback http:// address")
                    .satisfies(e -> assertThat(((UserFacingException) e).exitCode())
                            .isEqualTo(ExitCodes.INVALID_CONFIG));
        }
    }

    @Test
    void aRunRunsOnePlanOnce() throws Exception {
        LocalRunOptions options = LocalRunOptions.of("once", tmp.resolve("out")).withBootstrap("127.0.0.1:1")
                .withPreflight(false);
        try (LocalRun run = new LocalRun(options, new Console(console::add, console::add))) {
            run.interrupt();
            Plan plan = plan("http://127.0.0.1:1");
            assertThatThrownBy(() -> run.run(plan)).isInstanceOf(UserFacingException.class);

            assertThatThrownBy(() -> run.run(plan)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("one plan once");
        }
    }

    @Test
    void optionsRefuseAnIllegalRunIdABlankApplicationIdAndANonPositiveFinishTimeout() {
        LocalRunOptions options = LocalRunOptions.of("ok", tmp);

        assertThatThrownBy(() -> LocalRunOptions.of("a|b", tmp)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> options.withApplicationId(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> options.withFinishTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThat(options.bootstrap()).as("an embedded broker by default").isEmpty();
        assertThat(options.preflight()).isTrue();
        assertThat(options.finishTimeout()).hasSeconds(LocalRunOptions.DEFAULT_FINISH_TIMEOUT_S);
    }

    private Plan plan(String target) throws Exception {
        String yaml = """
                name: local-run
                target: %s
                load: {executor: constant-vus, vus: 1, duration: 1s}
                scenarios: [{name: s, steps: [{method: GET, path: /}]}]
                """.formatted(target);
        return PlanParser.parse(yaml, "local-run.yaml", tmp, Map.of(), ThresholdRules::problem);
    }
}
