package io.loadstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.events.ControlType;
import io.loadstream.events.EndpointTotals;
import io.loadstream.events.EndpointWindow;
import io.loadstream.events.RunControl;
import io.loadstream.events.ThresholdSpec;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.EventSerdes;
import io.loadstream.schemas.TopicSetup;
import io.loadstream.schemas.Topics;
import io.loadstream.schemas.fixtures.EventFixtures;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code loadstream report} in-process: options, exit codes, and a short run through a real broker. */
@ExtendWith(KafkaExtension.class)
class ReportCommandTest {

    private final InProcessCli cli = new InProcessCli();

    /** Runs a command line with {@code env} as the report command's environment. */
    private int run(Map<String, String> env, String... args) {
        return cli.run(commandLine -> ((ReportCommand) commandLine.getSubcommands().get("report").getCommand())
                .environment = env::get, args);
    }

    @Test
    void helpNamesEveryOption() {
        assertThat(run(Map.of(), "report", "--help")).isEqualTo(ExitCodes.OK);
        assertThat(cli.out()).contains("--bootstrap").contains("--run-id").contains("--out")
                .contains("--webhook").contains("--webhook-secret-env").contains("99 a threshold failed");
    }

    @Test
    void badOptionsAreConfigurationErrorsWithOneSentence(@TempDir Path dir) {
        assertThat(run(Map.of(), "report", "--bootstrap", "127.0.0.1:1", "--run-id", "a|b", "--out",
                dir.toString())).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("--run-id").contains("has the character '|'").doesNotContain("\tat ");

        assertThat(run(Map.of(), "report", "--bootstrap", "127.0.0.1:1", "--run-id", "r1", "--out",
                dir.toString(), "--webhook", "ftp://example/x")).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("must be an http or https URL");

        assertThat(run(Map.of(), "report", "--bootstrap", "127.0.0.1:1", "--run-id", "r1", "--out",
                dir.toString(), "--webhook-secret-env", "NO_SUCH_SECRET")).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("NO_SUCH_SECRET is not set");

        assertThat(run(Map.of(), "report", "--run-id", "r1", "--out", dir.toString()))
                .isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("Missing required option: '--bootstrap=SERVERS'");
    }

    @Test
    void aRunThatNeverStartsFailsAfterTheStartTimeout(TestKafka kafka, @TempDir Path dir) {
        String prefix = "rc-" + UUID.randomUUID().toString().substring(0, 8);

        int code = run(Map.of(), "report", "--bootstrap", kafka.bootstrapServers(), "--run-id", "never",
                "--out", dir.toString(), "--topic-prefix", prefix, "--start-timeout", "2");

        assertThat(code).isEqualTo(ExitCodes.FAILURE);
        assertThat(cli.err()).contains("No STARTED record of run never arrived").doesNotContain("\tat ");
    }

    @Test
    void aFailedThresholdExitsWith99AndPrintsTheSummaryAndPaths(TestKafka kafka, @TempDir Path dir) throws Exception {
        // given: a finished one-generator run with one endpoint, 10% errors, and a threshold rate<0.05
        String runId = "cli-run";
        Topics topics = publishRun(kafka, runId, 100, "rate<0.05");

        // when
        int code = run(Map.of(), "report", "--bootstrap", kafka.bootstrapServers(), "--run-id", runId,
                "--out", dir.toString(), "--topic-prefix", topics.control().replace(".control", ""));

        // then
        assertThat(code).isEqualTo(ExitCodes.THRESHOLD_FAILED);
        assertThat(cli.out()).contains("✗ 'rate<0.05'").contains("GET /x")
                .contains(dir.resolve("performance_report.json").toString());
        assertThat(dir.resolve("report.html")).exists();
        assertThat(Files.readString(dir.resolve("performance_report.json"))).contains("\"total_requests\" : 100");
    }

    @Test
    void aRunThatCountedFewerRequestsThanItsGeneratorSentIsIncompleteUnlessAccepted(TestKafka kafka,
                                                                                     @TempDir Path dir)
            throws Exception {
        // given: final totals of 100 requests, and a generator that says it sent 110
        String runId = "cli-short";
        Topics topics = publishRun(kafka, runId, 110, "rate<0.5");
        String prefix = topics.control().replace(".control", "");

        // when: the report is written without, then with --allow-incomplete
        int strict = run(Map.of(), "report", "--bootstrap", kafka.bootstrapServers(), "--run-id", runId,
                "--out", dir.resolve("strict").toString(), "--topic-prefix", prefix);
        String strictOut = cli.out();
        int accepted = run(Map.of(), "report", "--bootstrap", kafka.bootstrapServers(), "--run-id", runId,
                "--out", dir.resolve("accepted").toString(), "--topic-prefix", prefix, "--allow-incomplete");

        // then: exit 1, then 0; both reports say incomplete, with both figures
        assertThat(strict).as(strictOut).isEqualTo(ExitCodes.FAILURE);
        assertThat(accepted).isEqualTo(ExitCodes.OK);
        for (String out : List.of("strict", "accepted")) {
            String json = Files.readString(dir.resolve(out).resolve("performance_report.json"));
            assertThat(json).as(out).contains("\"complete\" : false")
                    .contains("The generators sent 110 requests; the report counts 100 (10 missing)");
        }
    }

    /**
     * Publishes a finished one-generator run with one endpoint, 100 requests and 10% errors.
     *
     * @param requestsSent what the generator's FINISHED says it sent
     * @param bound        the run's http_req_failed threshold
     * @return the topics, on a prefix of their own
     */
    private static Topics publishRun(TestKafka kafka, String runId, long requestsSent, String bound)
            throws Exception {
        Topics topics = Topics.withPrefix("rc-" + UUID.randomUUID().toString().substring(0, 8));
        Properties admin = new Properties();
        admin.put("bootstrap.servers", kafka.bootstrapServers());
        TopicSetup.DEFAULT.ensure(admin, topics);
        try (Admin client = kafka.admin()) {
            // The first records must not race the leader election, whoever created the topics.
            TopicSetup.awaitLeaders(client, topics.all(), Duration.ofSeconds(60));
        }
        long t0 = EventFixtures.nowMs();
        long[] latenciesUs = EventFixtures.spread(100, 1_000, 100_000);
        Properties config = kafka.producerProperties();
        config.put("key.serializer", StringSerializer.class.getName());
        config.put("max.in.flight.requests.per.connection", 1);
        config.put("request.timeout.ms", 10_000);
        config.put("delivery.timeout.ms", 30_000);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config)) {
            RunControl started = control(runId, ControlType.STARTED, t0, bound);
            RunControl finished = control(runId, ControlType.FINISHED, t0 + 10_000, bound);
            finished.setRequestsSent(requestsSent);
            for (RunControl control : List.of(started, finished)) {
                for (PartitionInfo p : producer.partitionsFor(topics.control())) {
                    producer.send(new ProducerRecord<>(topics.control(), p.partition(), control.getTimestampMs(),
                            runId, EventSerdes.runControl().serialize(topics.control(), control)));
                }
            }
            for (String endpoint : List.of("GET /x", "*")) {
                EndpointWindow window = EventFixtures.window(runId, endpoint, t0, 10_000, latenciesUs, 10);
                producer.send(new ProducerRecord<>(topics.windows(), EventKeys.windowKey(runId, endpoint, t0),
                        EventSerdes.endpointWindow().serialize(topics.windows(), window)));
                EndpointTotals totals = EventFixtures.totals(runId, endpoint, t0, t0 + 9_999, latenciesUs, 10, true);
                producer.send(new ProducerRecord<>(topics.totals(), EventKeys.requestKey(runId, endpoint),
                        EventSerdes.endpointTotals().serialize(topics.totals(), totals)));
            }
            producer.flush();
        }

        return topics;
    }

    /** A control record of the run's one generator, with one http_req_failed threshold. */
    private static RunControl control(String runId, ControlType type, long at, String bound) {
        RunControl control = EventFixtures.control(runId, type, at, 0, 1);
        control.setThresholds(List.of(ThresholdSpec.newBuilder().setMetric("http_req_failed")
                .setExpression(bound).build()));
        return control;
    }
}
