package io.loadstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.events.ControlType;
import io.loadstream.events.RequestTiming;
import io.loadstream.events.RunControl;
import io.loadstream.schemas.EventSerdes;
import io.loadstream.schemas.Topics;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import io.loadstream.testkit.TopicReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loadstream generate} as a user runs it: the packaged distribution in its own JVM, against a Jetty
 * target on 127.0.0.1 and the test broker. The requests topic holds exactly the requests the command says it
 * sent; an invalid plan stops it with exit 104 before any load.
 */
@ExtendWith(KafkaExtension.class)
class GenerateCommandIT {

    /** The longest a command may take; the plan runs for 3 s. */
    private static final long COMMAND_TIMEOUT_S = 120;
    private static final Pattern DONE = Pattern.compile(
            "^Done: (\\d+) requests in [0-9.]+ s \\([0-9]+ req/s, (\\d+) errors?, .*\\), (\\d+) iterations?, "
                    + "(\\d+) dropped iterations?, (\\d+) events? dropped$");
    private static final Pattern PROGRESS = Pattern.compile(
            "^ *\\d+s/3s  vus \\d+  \\d+ req/s  errors 0 \\(0\\.00%\\)  p95 .+  events published \\d+ dropped 0$");

    @TempDir
    Path tmp;

    private LoopbackTarget target;
    private Process process;

    @BeforeEach
    void startTarget() throws Exception {
        target = LoopbackTarget.start(path -> LoopbackTarget.Answer.ok());
    }

    @AfterEach
    void stop() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        target.close();
    }

    @Test
    void generateSendsThePlanAndTheRequestsTopicHoldsExactlyTheRequestsItReports(TestKafka kafka)
            throws Exception {
        // given: 50 iterations/s for 3 s, one request each
        Path plan = Files.writeString(tmp.resolve("plan.yaml"), """
                name: generate-it
                target: http://127.0.0.1:%d
                load: {executor: constant-arrival-rate, rate: 50, duration: 3s, pre_allocated_vus: 5, max_vus: 50}
                scenarios:
                  - {name: browse, steps: [{method: GET, path: /items/42, check: {status: 200}}]}
                """.formatted(target.port()));
        String prefix = TestKafka.uniqueTopic("generate-it");
        Topics topics = Topics.withPrefix(prefix);

        // when
        Outcome outcome = run("generate", plan.toString(), "--bootstrap", kafka.bootstrapServers(),
                "--run-id", "generate-it", "--topic-prefix", prefix);

        // then: exit 0, the run line, progress lines every 2 s, and the summary
        assertThat(outcome.exitCode()).as(outcome.describe()).isZero();
        List<String> lines = outcome.stdout().lines().toList();
        assertThat(lines.get(0)).isEqualTo("Run generate-it, segment 1/1: generate-it against http://127.0.0.1:"
                + target.port() + " (constant-arrival-rate)");
        assertThat(lines.get(1)).startsWith("Preflight: GET http://127.0.0.1:" + target.port()
                + "/items/42 answered 200 in ");
        assertThat(lines).as(outcome.describe()).anyMatch(line -> PROGRESS.matcher(line).matches());
        Matcher done = lines.stream().map(DONE::matcher).filter(Matcher::matches).findFirst()
                .orElseThrow(() -> new AssertionError("no Done line: " + outcome.describe()));
        long requests = Long.parseLong(done.group(1));
        assertThat(Long.parseLong(done.group(2))).isZero();
        assertThat(requests + Long.parseLong(done.group(4))).as("requests sent + dropped iterations")
                .isEqualTo(150);
        assertThat(Long.parseLong(done.group(5))).isZero();

        // and: the requests topic holds exactly the requests reported, each one the server answered
        List<RequestTiming> events = TopicReader.values(TopicReader.readAll(kafka, topics.requests(), requests),
                bytes -> EventSerdes.requestTiming().deserialize(topics.requests(), bytes));
        assertThat(events).hasSize((int) requests)
                .allMatch(e -> e.getRunId().equals("generate-it") && e.getEndpoint().equals("GET /items/{id}"));
        assertThat(target.served()).as("the run's requests and the preflight request").isEqualTo(requests + 1);
        List<RunControl> finished = TopicReader.values(TopicReader.readAll(kafka, topics.control(), 0),
                bytes -> EventSerdes.runControl().deserialize(topics.control(), bytes)).stream()
                .filter(c -> c.getType() == ControlType.FINISHED).toList();
        assertThat(finished).isNotEmpty().allMatch(c -> c.getRequestsSent() == requests);
    }

    @Test
    void anInvalidPlanExits104WithFileLineAndColumnOnStderrAndSendsNothing(TestKafka kafka) throws Exception {
        Path plan = Files.writeString(tmp.resolve("bad.yaml"), """
                name: generate-it
                target: http://127.0.0.1:%d
                load: {executor: constant-vus, vus: 2, duration: 3s}
                scenarios:
                  - {name: browse, steps: [{method: GET, path: /items}]}
                tresholds:
                  http_req_duration: ["p(95)<500"]
                """.formatted(target.port()));

        Outcome outcome = run("generate", plan.toString(), "--bootstrap", kafka.bootstrapServers(),
                "--run-id", "generate-bad", "--topic-prefix", TestKafka.uniqueTopic("generate-bad"));

        assertThat(outcome.exitCode()).as(outcome.describe()).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(outcome.stderr()).contains(plan + ":6:1: ").contains("thresholds")
                .contains("loadstream: " + plan + " has 1 error; nothing was run.").doesNotContain("\tat ");
        assertThat(target.served()).isZero();
    }

    /** What a finished command left: its exit code and both outputs. */
    private record Outcome(int exitCode, String stdout, String stderr) {
        String describe() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    private Outcome run(String... args) throws Exception {
        Path out = tmp.resolve("stdout.txt");
        Path err = tmp.resolve("stderr.txt");
        process = new ProcessBuilder(Distribution.command(args)).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        process.getOutputStream().close();
        assertThat(process.waitFor(COMMAND_TIMEOUT_S, TimeUnit.SECONDS)).as("the command ends").isTrue();
        return new Outcome(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}
