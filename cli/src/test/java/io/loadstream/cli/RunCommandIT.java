package io.loadstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loadstream run} as a user runs it: the packaged distribution in its own JVM, with the embedded broker
 * (no {@code --bootstrap}) and the demo target in-process. The report's totals equal what the generator says
 * it sent, the thresholds decide the exit code, and Ctrl-C (SIGINT to the whole process group, as a terminal
 * sends it) still writes the report of what ran, marked interrupted, and leaves no broker behind.
 */
class RunCommandIT {

    private static final long COMMAND_TIMEOUT_S = 240;
    /** A secret the plan reads from the environment: random, so that no other text contains it by chance. */
    private static final String CANARY = "canary-" + java.util.UUID.randomUUID();
    private static final Pattern DONE = Pattern.compile("(?m)^Done: (\\d+) requests in ");

    @TempDir
    Path tmp;

    private Process process;

    @AfterEach
    void stop() throws Exception {
        if (process != null) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void runAgainstTheDemoTargetReportsWhatWasSentAndExits99WhenAThresholdFails() throws Exception {
        // given: a short run on three demo endpoints; SNS analytics takes 300-600 ms, so its p(50)<100 fails
        Path plan = plan("""
                load: {executor: constant-vus, vus: 4, duration: 4s, graceful_stop: 5s}
                scenarios:
                  - name: browse
                    weight: 3
                    steps: [{method: GET, path: "/api/public/home?token=${env:TOKEN}"},
                            {method: GET, path: /api/review/campaigns, headers: {X-Api-Key: "${env:TOKEN}"}}]
                  - name: analytics
                    steps: [{method: GET, path: /api/sns/analytics}]
                thresholds:
                  http_req_duration: ["p(99)<10000"]
                  "http_req_duration{endpoint:GET /api/sns/analytics}": ["p(50)<100"]
                report: {window: 1s, grace: 1s}
                """, freePort());
        Path out = tmp.resolve("out");

        // when
        Outcome outcome = run(plan, out);

        // then
        assertThat(outcome.exitCode()).as(outcome.describe()).isEqualTo(ExitCodes.THRESHOLD_FAILED);
        JsonNode report = new ObjectMapper().readTree(out.resolve("performance_report.json").toFile());
        assertThat(report.at("/summary/total_requests").asLong()).as(outcome.describe())
                .isEqualTo(done(outcome.stdout())).isPositive();
        assertThat(report.at("/run/complete").asBoolean()).isTrue();
        assertThat(report.at("/thresholds/0/passed").asBoolean()).isTrue();
        assertThat(report.at("/thresholds/1/passed").asBoolean(true)).isFalse();
        assertThat(report.at("/thresholds/1/observed").asDouble()).isGreaterThanOrEqualTo(100);
        assertThat(report.path("endpoint_metrics").fieldNames()).toIterable()
                .contains("GET /api/public/home", "GET /api/review/campaigns", "GET /api/sns/analytics");
        assertThat(outcome.stdout()).contains("Demo target on http://127.0.0.1:").contains("Kafka broker ready on")
                .contains("Preflight: GET").contains("Aggregator running");
        // and: the plan's secret (from the environment, in a query and a header) is on no console and in no file
        assertThat(outcome.stdout() + outcome.stderr()).doesNotContain(CANARY);
        try (java.util.stream.Stream<Path> files = Files.walk(tmp)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1))
                        .as("the secret in " + file).doesNotContain(CANARY);
            }
        }
    }

    @Test
    void ctrlCStopsTheLoadWritesAnInterruptedReportAndStopsTheBroker() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setsid")) || Files.isExecutable(
                Path.of("/bin/setsid")), "setsid (util-linux) gives the run its own process group to signal");
        Process env = new ProcessBuilder("env", "--default-signal=INT", "true").start();
        Assumptions.assumeTrue(env.waitFor(30, TimeUnit.SECONDS) && env.exitValue() == 0,
                "env --default-signal (coreutils 8.31+) gives the run Ctrl-C's default disposition");
        // given: a minute of load, interrupted after a few seconds
        Path plan = plan("""
                load: {executor: constant-vus, vus: 3, duration: 60s, graceful_stop: 3s}
                scenarios:
                  - name: browse
                    steps: [{method: GET, path: /api/public/home}]
                report: {window: 1s, grace: 1s}
                """, freePort());
        Path out = tmp.resolve("interrupted");
        Path stdout = tmp.resolve("stdout.txt");
        process = new ProcessBuilder(command(plan, out, true)).redirectOutput(stdout.toFile())
                .redirectError(tmp.resolve("stderr.txt").toFile()).start();
        process.getOutputStream().close();
        Distribution.awaitOutput(process, stdout, "  4s/60s", Duration.ofSeconds(120)); // the load is running
        List<ProcessHandle> children = process.descendants().toList();
        assertThat(children).as("the broker's JVM").isNotEmpty();

        // when: SIGINT to the whole process group, the broker's JVM included, as Ctrl-C in a terminal
        new ProcessBuilder("kill", "-INT", "--", "-" + process.pid()).start().waitFor(10, TimeUnit.SECONDS);

        // then
        assertThat(process.waitFor(COMMAND_TIMEOUT_S, TimeUnit.SECONDS)).isTrue();
        String printed = Files.readString(stdout);
        assertThat(process.exitValue()).as(printed).isEqualTo(130);
        JsonNode report = new ObjectMapper().readTree(out.resolve("performance_report.json").toFile());
        assertThat(report.at("/run/interrupted").asBoolean()).as(printed).isTrue();
        assertThat(report.at("/summary/total_requests").asLong()).isEqualTo(done(printed)).isPositive();
        assertThat(report.at("/run/duration_s").asDouble()).as("the load stopped before its minute was up")
                .isLessThan(60);
        for (ProcessHandle child : children) {
            child.onExit().get(30, TimeUnit.SECONDS);
            assertThat(child.isAlive()).as("broker JVM " + child.pid()).isFalse();
        }
        assertThat(printed).contains("Stopping ...");
    }

    private record Outcome(int exitCode, String stdout, String stderr) {
        String describe() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    private Outcome run(Path plan, Path out) throws Exception {
        Path stdout = tmp.resolve("stdout.txt");
        Path stderr = tmp.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(command(plan, out, false)).redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        builder.environment().put("TOKEN", CANARY);
        process = builder.start();
        process.getOutputStream().close();
        assertThat(process.waitFor(COMMAND_TIMEOUT_S, TimeUnit.SECONDS)).as("the command ends").isTrue();
        return new Outcome(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
    }

    private Path plan(String body, int port) throws IOException {
        Path file = tmp.resolve("plan.yaml");
        Files.writeString(file, """
                name: run-it
                target: http://127.0.0.1:%d
                defaults:
                  headers: {Authorization: "Bearer loadstream-demo"}
                """.formatted(port) + body);
        return file;
    }

    /** The command line; in a new session (its own process group) when {@code ownGroup}, to signal it whole. */
    private static List<String> command(Path plan, Path out, boolean ownGroup) {
        List<String> command = new ArrayList<>();
        if (ownGroup) {
            command.add("setsid");
            // A JVM that starts with SIGINT ignored keeps ignoring it (as `nohup` and background jobs of scripts
            // want), and a test run from a background job inherits exactly that: give the run the disposition that
            // a terminal gives it.
            command.addAll(List.of("env", "--default-signal=INT"));
        }
        command.addAll(Distribution.command("run", plan.toString(), "--demo-target", "--out", out.toString(),
                "--archive", out.resolveSibling(out.getFileName() + "-archive").toString()));
        return command;
    }

    private static long done(String stdout) {
        Matcher done = DONE.matcher(stdout);
        assertThat(done.find()).as(stdout).isTrue();
        return Long.parseLong(done.group(1));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
