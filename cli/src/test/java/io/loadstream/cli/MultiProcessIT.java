package io.loadstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loadstream.broker.LoopbackPorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distributed setup on one machine, every piece in its own process from the packaged distribution, as
 * docs/OPERATIONS.md describes it: {@code loadstream broker}, two {@code aggregate} instances with one application
 * id, one {@code report}, and two {@code generate} processes that split one run ({@code --segment 1/2} and
 * {@code 2/2}) against a Jetty server on 127.0.0.1. The report's request count must equal the sum of what the two
 * generators say they sent, and what the server counted.
 *
 * <p>The plan carries a secret from the environment ({@code ${env:TOKEN}}) in a query and a header, as a plan with
 * an API token does: the server gets it, and it appears nowhere else: not on the console or in the logs of any
 * process ({@code broker}, {@code aggregate}, {@code report}, {@code generate}, {@code trend}), not in any file
 * they wrote (reports, archive, broker data), and not in any record of any of the run's topics.
 */
class MultiProcessIT {

    /** Longest wait for any one step: a JVM start, a broker start, the load, the report. */
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(90);
    private static final Pattern DONE = Pattern.compile("^Done: (\\d+) requests in .*$", Pattern.MULTILINE);
    private static final String PATH = "/mp/items";
    /** The secret: random, so that no other text on the machine contains it by chance. */
    private static final String CANARY = "canary-" + java.util.UUID.randomUUID();

    @TempDir
    Path tmp;

    private LoopbackTarget target;
    /** Every process started, in start order; all are killed after the test. */
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void startTarget() throws Exception {
        target = LoopbackTarget.start(path -> LoopbackTarget.Answer.ok());
    }

    @AfterEach
    void stopAll() throws Exception {
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process process = processes.get(i);
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        target.close();
    }

    @Test
    void brokerTwoAggregatorsAReporterAndTwoGeneratorSegmentsInSeparateProcessesCountEveryRequestOnce()
            throws Exception {
        // given: a broker, two aggregator instances of one application, and the reporter for the run
        int port = LoopbackPorts.freePort();
        String bootstrap = "127.0.0.1:" + port;
        String unique = Long.toString(System.currentTimeMillis(), 36);
        String prefix = "mp-" + unique;
        String applicationId = "mp-aggregator-" + unique;
        String runId = "multi-process-" + unique;
        Path out = tmp.resolve("report");
        Process broker = start("broker", "broker", "--port", String.valueOf(port), "--dir",
                tmp.resolve("broker").toString());
        awaitLine(broker, "broker", "Press Ctrl-C to stop it.");
        List<String> kafka = List.of("--bootstrap", bootstrap, "--topic-prefix", prefix);
        Process aggregator1 = start("aggregate-1", with(List.of("aggregate", "--application-id", applicationId,
                "--state-dir", tmp.resolve("state-1").toString()), kafka));
        Process aggregator2 = start("aggregate-2", with(List.of("aggregate", "--application-id", applicationId,
                "--state-dir", tmp.resolve("state-2").toString()), kafka));
        Path archive = tmp.resolve("archive");
        Process reporter = start("report", with(List.of("report", "--run-id", runId, "--out", out.toString(),
                "--archive", archive.toString()), kafka));
        awaitLine(aggregator1, "aggregate-1", "Aggregator running.");
        awaitLine(aggregator2, "aggregate-2", "Aggregator running.");

        // when: two generators run the two halves of a 4 s open-model plan
        Path plan = Files.writeString(tmp.resolve("plan.yaml"), """
                name: multi-process
                target: http://127.0.0.1:%d
                load: {executor: constant-arrival-rate, rate: 40, duration: 4s, pre_allocated_vus: 5, max_vus: 40}
                scenarios:
                  - name: browse
                    steps: [{method: GET, path: "%s/${rand:1..20}?token=${env:TOKEN}", check: {status: 200},
                             headers: {X-Api-Key: "${env:TOKEN}"}}]
                thresholds:
                  http_req_failed: ["rate<0.01"]
                  http_req_duration: ["p(95)<5000"]
                report: {window: 1s, grace: 1s}
                """.formatted(target.port(), PATH));
        List<Process> generators = new ArrayList<>();
        for (String segment : List.of("1/2", "2/2")) {
            List<String> args = new ArrayList<>(List.of("generate", plan.toString(), "--run-id", runId,
                    "--segment", segment));
            args.addAll(kafka);
            generators.add(start("generate-" + segment.charAt(0), args));
        }

        // then: each generator ends with exit 0 and says how many requests it sent
        long sent = 0;
        for (int i = 0; i < generators.size(); i++) {
            String name = "generate-" + (i + 1);
            assertThat(generators.get(i).waitFor(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                    .as(name + " ends\n" + output(name)).isTrue();
            assertThat(generators.get(i).exitValue()).as(output(name)).isZero();
            Matcher done = DONE.matcher(output(name));
            assertThat(done.find()).as("a Done line\n" + output(name)).isTrue();
            long requests = Long.parseLong(done.group(1));
            assertThat(requests).as(name + " sent requests").isPositive();
            sent += requests;
        }

        // and: the reporter ends once the run is complete, with the thresholds passed
        assertThat(reporter.waitFor(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .as("the reporter ends\n" + output("report")).isTrue();
        assertThat(reporter.exitValue()).as(output("report")).isEqualTo(ExitCodes.OK);

        // and: the report counts every request once, as the generators and the server do
        JsonNode report = new ObjectMapper().readTree(out.resolve("performance_report.json").toFile());
        assertThat(report.at("/run/generators").asInt()).isEqualTo(2);
        assertThat(report.at("/summary/total_requests").asLong()).as("report vs generators").isEqualTo(sent);
        assertThat(target.served()).as("server vs generators, and one preflight request each").isEqualTo(sent + 2);
        assertThat(report.at("/summary/total_errors").asLong()).isZero();
        long perEndpoint = 0;
        for (Map.Entry<String, JsonNode> endpoint : report.path("endpoint_metrics").properties()) {
            perEndpoint += endpoint.getValue().path("requests").asLong();
        }
        assertThat(perEndpoint).as("the endpoints add up to the total").isEqualTo(sent);
        assertThat(report.at("/thresholds").findValuesAsText("passed")).isNotEmpty().containsOnly("true");

        // and: the two aggregator instances share the work: both are members of the application's group, and each
        // reads some of the partitions
        Map<String, List<TopicPartition>> assignment = groupAssignment(bootstrap, applicationId);
        assertThat(assignment).as("members of " + applicationId).hasSize(2);
        assignment.forEach((member, partitions) -> assertThat(partitions).as(member).isNotEmpty());

        // and: the secret reached the server, in the query and the header
        assertThat(target.lastQueryAndHeaders()).contains("token=" + CANARY).contains(CANARY);
        // and: `trend` over the archive the reporter filed (one run: nothing to compare, exit 1) prints no secret
        Process trend = start("trend", "trend", "--archive", archive.toString(), "--out",
                tmp.resolve("trend").toString());
        assertThat(trend.waitFor(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as(output("trend")).isTrue();
        assertThat(trend.exitValue()).as(output("trend")).isEqualTo(1);
        assertThat(output("trend")).contains("nothing to compare");
        // and: the secret is nowhere else: every process's console, every file written, every record of the topics
        assertNoCanaryIn(tmp);
        assertNoCanaryOnTopics(bootstrap, prefix);
    }

    /** Every file under {@code dir}, as bytes (the broker's segments and the archive's compressed files too). */
    private static void assertNoCanaryIn(Path dir) throws IOException {
        byte[] canary = CANARY.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        List<Path> files;
        try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertThat(files).as("files written").isNotEmpty();
        for (Path file : files) {
            assertThat(indexOf(Files.readAllBytes(file), canary)).as("the secret in " + file).isEqualTo(-1);
        }
    }

    /** Every key, value and header of every record on the run's topics. */
    private static void assertNoCanaryOnTopics(String bootstrap, String prefix) throws Exception {
        byte[] canary = CANARY.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        io.loadstream.testkit.TestKafka kafka = new io.loadstream.testkit.TestKafka(bootstrap,
                io.loadstream.testkit.KafkaSource.ENVIRONMENT);
        List<String> topics;
        try (Admin admin = kafka.admin()) {
            topics = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                    .filter(name -> name.startsWith(prefix)).sorted().toList();
        }
        assertThat(topics).as("the run's topics").isNotEmpty();
        long records = 0;
        for (String topic : topics) {
            for (org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> record
                    : io.loadstream.testkit.TopicReader.readAll(kafka, topic, 0)) {
                records++;
                assertThat(record.key() == null ? -1 : indexOf(record.key(), canary)).as("a key on " + topic)
                        .isEqualTo(-1);
                assertThat(record.value() == null ? -1 : indexOf(record.value(), canary)).as("a value on " + topic)
                        .isEqualTo(-1);
                for (org.apache.kafka.common.header.Header header : record.headers()) {
                    assertThat(header.value() == null ? -1 : indexOf(header.value(), canary))
                            .as("a header on " + topic).isEqualTo(-1);
                }
            }
        }
        assertThat(records).as("records read on " + topics).isPositive();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Each member of a consumer group (a Streams application) and the partitions assigned to it. */
    private static Map<String, List<TopicPartition>> groupAssignment(String bootstrap, String groupId)
            throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(groupId)).describedGroups()
                    .get(groupId).get(30, TimeUnit.SECONDS);
            Map<String, List<TopicPartition>> assignment = new TreeMap<>();
            for (MemberDescription member : group.members()) {
                assignment.put(member.consumerId(), List.copyOf(member.assignment().topicPartitions()));
            }
            return assignment;
        }
    }

    private static List<String> with(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    private Process start(String name, String... args) throws IOException {
        return start(name, List.of(args));
    }

    /** Starts the distribution's main class with {@code args}, stdout and stderr into {@code name.log}. */
    private Process start(String name, List<String> args) throws IOException {
        // Six JVMs share two cores here: C1 only and a small heap keep their start-up cheap.
        List<String> command = Distribution.command(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Xmx256m"), args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(tmp.resolve(name + ".log").toFile());
        builder.environment().put(BrokerJvmOptions.ENV, "-Xms128m -Xmx512m -XX:+UseSerialGC");
        builder.environment().put("TOKEN", CANARY);
        Process process = builder.start();
        process.getOutputStream().close();
        processes.add(process);
        return process;
    }

    private String output(String name) {
        try {
            return "--- " + name + "\n" + Files.readString(tmp.resolve(name + ".log"));
        } catch (IOException e) {
            return "--- " + name + ": " + e;
        }
    }

    /** Waits, at most {@link #STEP_TIMEOUT}, until the process printed a line containing {@code expected}. */
    private void awaitLine(Process process, String name, String expected) {
        Distribution.awaitOutput(process, tmp.resolve(name + ".log"), expected, STEP_TIMEOUT);
    }
}
