package io.loadstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loadstream.events.RequestTiming;
import io.loadstream.schemas.EventSerdes;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import io.loadstream.testkit.TopicReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loadstream run} in this JVM with {@code --bootstrap} on the test broker, against a loopback Jetty
 * server: the report counts exactly the requests that the generator says it sent and that the topic holds, the
 * thresholds decide the exit code, and a target that refuses connections stops the run before any load.
 */
@ExtendWith(KafkaExtension.class)
class RunCommandTest {

    private static final Pattern DONE = Pattern.compile("(?m)^Done: (\\d+) requests in ");
    private static final long SLOW_MS = 40;

    @TempDir
    Path tmp;

    private final InProcessCli cli = new InProcessCli();
    private LoopbackTarget target;

    @BeforeEach
    void startTarget() throws Exception {
        target = LoopbackTarget.start(path -> path.startsWith("/slow")
                ? new LoopbackTarget.Answer(200, SLOW_MS)
                : new LoopbackTarget.Answer(path.startsWith("/fail") ? 500 : 200, 0));
    }

    @AfterEach
    void stopTarget() throws Exception {
        target.close();
    }

    @Test
    void aRunReportsExactlyTheRequestsSentAndPassesItsThresholds(TestKafka kafka) throws Exception {
        // given
        String prefix = TestKafka.uniqueTopic("run");
        Path plan = plan("""
                load: {executor: constant-arrival-rate, rate: 100, duration: 3s, max_vus: 20}
                scenarios:
                  - name: browse
                    weight: 4
                    steps: [{method: GET, path: /items}, {method: GET, path: /slow/report}]
                  - name: broken
                    steps: [{method: GET, path: /fail}]
                thresholds:
                  http_req_duration: ["p(95)<5000"]
                  http_req_failed: ["rate<0.5"]
                report: {window: 1s, grace: 1s}
                """);
        Path out = tmp.resolve("out");

        // when
        int exit = cli.run("run", plan.toString(), "--bootstrap", kafka.bootstrapServers(), "--topic-prefix", prefix,
                "--run-id", "run-pass", "--out", out.toString(), "--partitions", "2",
                "--application-id", TestKafka.uniqueTopic("run-agg"), "--state-dir", tmp.resolve("state").toString());

        // then: the generator's count, the topic and the report agree, and the preflight went first
        assertThat(exit).as(cli.out() + cli.err()).isEqualTo(ExitCodes.OK);
        long sent = doneRequests(cli.out());
        long onTopic = countRecords(kafka, prefix + ".requests");
        JsonNode report = new ObjectMapper().readTree(out.resolve("performance_report.json").toFile());
        assertThat(sent).isGreaterThan(200);
        assertThat(onTopic).isEqualTo(sent);
        assertThat(target.served()).isEqualTo(sent + 1);   // the preflight request is not part of the run
        assertThat(report.at("/summary/total_requests").asLong()).isEqualTo(sent);
        assertThat(report.at("/run/complete").asBoolean()).isTrue();
        assertThat(report.at("/run/interrupted").asBoolean(true)).isFalse();
        assertThat(report.path("thresholds")).hasSize(2).allMatch(t -> t.path("passed").asBoolean());
        // the slow endpoint shows the latency the server injects
        assertThat(report.at("/endpoint_metrics/GET ~1slow~1report/p50_ms").asDouble()).isGreaterThanOrEqualTo(SLOW_MS);
        assertThat(out.resolve("report.html")).isRegularFile();
        assertThat(out.resolve("alerts.jsonl")).exists();
        assertThat(cli.out()).contains("Preflight: GET http://127.0.0.1:" + target.port() + "/items "
                + "answered 200").contains("Aggregator running").contains("report: " + out.resolve("report.html"));
    }

    @Test
    void aFailedThresholdExits99(TestKafka kafka) throws Exception {
        // given: every request is slower than the threshold allows
        String prefix = TestKafka.uniqueTopic("run99");
        Path plan = plan("""
                load: {executor: constant-vus, vus: 2, duration: 2s}
                scenarios:
                  - name: slow
                    steps: [{method: GET, path: /slow/page}]
                thresholds:
                  http_req_duration: ["p(50)<%d"]
                report: {window: 1s, grace: 1s}
                """.formatted(SLOW_MS / 2));

        // when
        int exit = cli.run("run", plan.toString(), "--bootstrap", kafka.bootstrapServers(), "--topic-prefix", prefix,
                "--run-id", "run-fail", "--out", tmp.resolve("out99").toString(), "--partitions", "2",
                "--application-id", TestKafka.uniqueTopic("run-agg"), "--no-preflight");

        // then
        assertThat(exit).as(cli.out() + cli.err()).isEqualTo(ExitCodes.THRESHOLD_FAILED);
        JsonNode report = new ObjectMapper().readTree(tmp.resolve("out99/performance_report.json").toFile());
        assertThat(report.at("/thresholds/0/passed").asBoolean(true)).isFalse();
        assertThat(report.at("/thresholds/0/observed").asDouble()).isGreaterThanOrEqualTo(SLOW_MS);
        assertThat(report.at("/summary/total_requests").asLong()).isEqualTo(doneRequests(cli.out()));
        assertThat(cli.out()).doesNotContain("Preflight:");
    }

    @Test
    void aTargetThatRefusesConnectionsStopsTheRunBeforeKafkaIsTouched() throws Exception {
        // given: a port where nothing listens, and no broker at all
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        Path plan = tmp.resolve("refused.yaml");
        Files.writeString(plan, """
                name: refused
                target: http://127.0.0.1:%d
                load: {executor: constant-vus, vus: 1, duration: 1s}
                scenarios: [{name: s, steps: [{method: GET, path: /}]}]
                """.formatted(closed));

        // when: --bootstrap points nowhere; the preflight must fail first
        int exit = cli.run("run", plan.toString(), "--bootstrap", "127.0.0.1:1", "--out",
                tmp.resolve("never").toString());

        // then
        assertThat(exit).isEqualTo(ExitCodes.FAILURE);
        assertThat(cli.err()).contains("Preflight: GET http://127.0.0.1:" + closed + "/ failed: the connection to "
                + "127.0.0.1:" + closed + " was refused").doesNotContain("\tat ");
        assertThat(tmp.resolve("never")).doesNotExist();
    }

    @Test
    void badOptionsAndPlansAreConfigurationErrors() throws Exception {
        Path plan = plan("""
                load: {executor: constant-vus, vus: 0, duration: 1s}
                scenarios: [{name: s, steps: [{method: GET, path: /}]}]
                """);
        assertThat(cli.run("run", plan.toString())).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("vus must be between 1 and").contains("nothing was run");

        cli.clear();
        assertThat(cli.run("run", plan.toString(), "--partitions", "0")).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("--partitions must be at least 1");

        cli.clear();
        assertThat(cli.run("run", plan.toString(), "--run-id", "a|b")).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("--run-id");

        cli.clear();
        assertThat(cli.run("run", tmp.resolve("absent.yaml").toString())).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("does not exist");
    }

    @Test
    void theDefaultRunIdIsThePlanNameAndTheUtcTime() {
        ZonedDateTime at = ZonedDateTime.of(2026, 11, 27, 9, 30, 15, 0, ZoneOffset.UTC);

        assertThat(RunCommand.defaultRunId("softfactory-weekly", at)).isEqualTo("softfactory-weekly-20261127-093015");
        assertThat(RunCommand.defaultRunId("Shop: checkout / v2", at)).isEqualTo("Shop-checkout-v2-20261127-093015");
        assertThat(RunCommand.defaultRunId("***", at)).isEqualTo("run-20261127-093015");
    }

    @Test
    void helpNamesTheOptions() {
        assertThat(cli.run("run", "--help")).isEqualTo(ExitCodes.OK);
        assertThat(cli.out()).contains("--out").contains("--bootstrap").contains("--demo-target")
                .contains("--no-preflight").contains("--partitions").contains("--replication-factor")
                .contains("--webhook").contains("99 a threshold failed");
    }

    private Path plan(String body) throws Exception {
        Path file = tmp.resolve("plan-" + System.nanoTime() + ".yaml");
        Files.writeString(file, "name: run-test\ntarget: http://127.0.0.1:" + target.port() + "\n" + body);
        return file;
    }

    private static long doneRequests(String out) {
        Matcher done = DONE.matcher(out);
        assertThat(done.find()).as(out).isTrue();
        return Long.parseLong(done.group(1));
    }

    /** The records of a topic, each checked to decode as a RequestTiming: a count of requests. */
    private static long countRecords(TestKafka kafka, String topic) {
        List<RequestTiming> timings = TopicReader.values(TopicReader.readAll(kafka, topic, 0),
                bytes -> EventSerdes.requestTiming().deserializer().deserialize(topic, bytes));
        assertThat(timings).allMatch(timing -> !timing.getRunId().isEmpty());
        return timings.size();
    }
}
