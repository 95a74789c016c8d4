package io.loadstream.reporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loadstream.events.Alert;
import io.loadstream.events.AlertStatus;
import io.loadstream.events.ControlType;
import io.loadstream.events.EndpointTotals;
import io.loadstream.events.EndpointWindow;
import io.loadstream.events.HostRole;
import io.loadstream.events.RunControl;
import io.loadstream.events.SystemWindow;
import io.loadstream.events.ThresholdSpec;
import io.loadstream.reporter.stats.Stats;
import io.loadstream.schemas.ControlAttributes;
import io.loadstream.schemas.DeadLetters;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.EventSerdes;
import io.loadstream.schemas.Topics;
import io.loadstream.schemas.fixtures.EventFixtures;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import io.loadstream.testkit.TopicReader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run with known content, end to end through a real broker: the test plays two generators and the aggregator
 * (it produces the control records, windows, totals and system windows they would), all of it on the topics
 * before the reporter starts; the reporter then follows the run once, and each test checks one part of what it
 * produced against the raw values the histograms were built from.
 *
 * <p>Every record carries a current timestamp: the broker's 7-day retention deletes older ones, and once deleted
 * STARTED records of 2025 made this test fail with "No STARTED record ... arrived" on a fresh clone.
 */
@ExtendWith(KafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReporterThroughKafkaTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long WINDOW = 10_000;
    private static final int WINDOWS = 6;
    private static final int SEGMENTS = 2;
    private static final String CAMPAIGNS = "GET /api/review/campaigns";
    private static final String POSTS = "POST /api/sns/posts";
    private static final String ANALYTICS = "GET /api/sns/analytics";
    private static final List<String> ENDPOINTS = List.of(CAMPAIGNS, POSTS, ANALYTICS);
    /** Every fail-th request of POSTS failed; the other endpoints had no errors. */
    private static final int POSTS_ERROR_EVERY = 25;

    /** The run's start: two minutes ago, on a whole minute, so that the whole run lies in the past. */
    private final long t0 = EventFixtures.nowMs() - Duration.ofMinutes(2).toMillis();
    private final String runId = "weekly-" + UUID.randomUUID().toString().substring(0, 6);
    private final Map<String, long[]> raw = new LinkedHashMap<>();
    private final List<String> console = new CopyOnWriteArrayList<>();
    private TestKafka kafka;
    private Topics topics;
    private Path out;
    private ReporterResult result;
    private JsonNode report;

    /** Raw latencies of an endpoint in a window, in microseconds. */
    private static long[] latencies(String endpoint, int window) {
        return switch (endpoint) {
            case CAMPAIGNS -> EventFixtures.spread(200, 20_000 + window * 7, 120_000);
            case POSTS -> EventFixtures.spread(100, 30_000, 200_000 + window * 13);
            case ANALYTICS -> EventFixtures.spread(50, 300_000, 600_000 + window * 200_000L);
            default -> throw new IllegalArgumentException(endpoint);
        };
    }

    private static int errorEvery(String endpoint) {
        return endpoint.equals(POSTS) ? POSTS_ERROR_EVERY : 0;
    }

    /** Errors of an endpoint (or of all, {@code *}) over the run: counted window by window, as the aggregator does. */
    private static long errors(String endpoint) {
        boolean posts = endpoint.equals(POSTS) || endpoint.equals(EventKeys.ALL_ENDPOINTS);
        return posts ? (long) WINDOWS * (latencies(POSTS, 0).length / POSTS_ERROR_EVERY) : 0;
    }

    @BeforeAll
    void theRunIsOnTheTopicsBeforeTheReporterFollowsIt(TestKafka testKafka, @TempDir Path outDir) throws Exception {
        kafka = testKafka;
        out = outDir;
        topics = TestTopics.create(kafka, "rt");
        List<ThresholdSpec> thresholds = List.of(
                spec("http_req_duration", "p(95)<2000", 0, 0, false),
                spec("http_req_failed", "rate<0.01", 0, 0, false),
                spec("http_req_duration{endpoint:" + ANALYTICS + "}", "p(95)<900", 20_000, 10_000, true),
                spec("http_req_duration{scenario:browse}", "p(99)<150", 0, 0, false));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(TestTopics.producer(kafka))) {
            TestTopics.sendAll(producer, runRecords(producer, thresholds));
        }

        ReporterConfig config = ReporterConfig.of(kafka.bootstrapServers(), runId, out)
                .withTopics(topics)
                .withTimeouts(Duration.ofSeconds(120), Duration.ofSeconds(120), Duration.ofSeconds(120),
                        Duration.ofMillis(300))
                .withConsole(console::add);
        result = new Reporter(config).run();
        report = JSON.readTree(Files.readString(out.resolve("performance_report.json")));
    }

    /** What two generators and the aggregator publish for the run, plus a bad record and one of another run. */
    private List<ProducerRecord<String, byte[]>> runRecords(KafkaProducer<String, byte[]> producer,
                                                          List<ThresholdSpec> thresholds) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (int segment = 0; segment < SEGMENTS; segment++) {
            records.addAll(toEveryPartition(producer, control(ControlType.STARTED, segment, t0, thresholds, 0)));
        }
        for (int second = 0; second < WINDOWS * 10; second++) {
            for (int segment = 0; segment < SEGMENTS; segment++) {
                int vus = 5 + (second / 10) * 8;
                records.addAll(toEveryPartition(producer, control(ControlType.HEARTBEAT, segment,
                        t0 + second * 1000L + 500, List.of(), vus)));
            }
        }
        Map<String, List<long[]>> perEndpoint = new LinkedHashMap<>();
        List<long[]> everything = new ArrayList<>();
        for (int w = 0; w < WINDOWS; w++) {
            long start = t0 + w * WINDOW;
            List<long[]> windowAll = new ArrayList<>();
            for (String endpoint : ENDPOINTS) {
                long[] values = latencies(endpoint, w);
                windowAll.add(values);
                perEndpoint.computeIfAbsent(endpoint, e -> new ArrayList<>()).add(values);
                records.add(window(EventFixtures.window(runId, endpoint, start, WINDOW, values,
                        errorEvery(endpoint))));
            }
            records.add(window(allWindow(start, windowAll)));
            everything.addAll(windowAll);
            for (String host : List.of("target-1", "gen-1")) {
                boolean generator = host.startsWith("gen");
                double cpu = generator ? (w == 4 ? 97 : 60) : 25 + w;
                SystemWindow system = EventFixtures.systemWindow(runId, host,
                        generator ? HostRole.GENERATOR : HostRole.TARGET, start, WINDOW, cpu, 2_100_000_000L);
                if (generator && w == 4) {
                    // The generator's own process, not only its host, was saturated in this window.
                    system.setProcessCpuMean(95);
                    system.setProcessCpuMax(97);
                }
                records.add(new ProducerRecord<>(topics.systemWindows(), EventKeys.hostKey(runId, host) + "|" + start,
                        EventSerdes.systemWindow().serialize(topics.systemWindows(), system)));
            }
        }
        // A record that does not decode, and one of another run: neither may change the figures.
        records.add(new ProducerRecord<>(topics.windows(), EventKeys.windowKey(runId, CAMPAIGNS, 1),
                "not avro".getBytes(StandardCharsets.UTF_8)));
        records.add(window(EventFixtures.window("other-run", CAMPAIGNS, t0, WINDOW,
                EventFixtures.spread(5000, 1, 9_000_000), 2)));
        for (Map.Entry<String, List<long[]>> entry : perEndpoint.entrySet()) {
            long[] values = EventFixtures.concat(entry.getValue().toArray(new long[0][]));
            raw.put(entry.getKey(), values);
            records.add(totals(entry.getKey(), values));
        }
        records.add(totals(EventKeys.ALL_ENDPOINTS, EventFixtures.concat(everything.toArray(new long[0][]))));
        for (int segment = 0; segment < SEGMENTS; segment++) {
            records.addAll(toEveryPartition(producer, control(ControlType.FINISHED, segment, t0 + WINDOWS * WINDOW,
                    List.of(), 0)));
        }
        return records;
    }

    @Test
    void theRunIsCompleteAndAFailedThresholdGivesExitCode99() {
        assertThat(result.complete()).isTrue();
        assertThat(result.exitCode()).isEqualTo(99);
        assertThat(result.thresholds()).extracting(o -> o.passed()).containsExactly(true, false, false, true);
        assertThat(report.at("/thresholds/1/observed").asDouble()).isCloseTo((double) totalErrors() / total(),
                within(1e-3));
    }

    @Test
    void theSummaryCountsOnlyTheRequestsOfThisRun() {
        long total = total();
        long totalErrors = totalErrors();
        assertThat(report.at("/run/id").asText()).isEqualTo(runId);
        assertThat(report.at("/run/generators").asInt()).isEqualTo(SEGMENTS);
        assertThat(report.at("/run/duration_s").asDouble()).isEqualTo(60.0);
        assertThat(report.at("/summary/total_requests").asLong()).isEqualTo(total);
        assertThat(report.at("/summary/total_errors").asLong()).isEqualTo(totalErrors);
        assertThat(report.at("/summary/error_rate").asDouble()).isCloseTo((double) totalErrors / total,
                within(1e-6));
        assertThat(report.at("/summary/throughput_rps").asDouble()).isCloseTo(total / 60.0, within(0.001));
    }

    @Test
    void summaryPercentilesAreWithinHdrHistogramPrecisionOfTheExactOnes() {
        long[] everything = EventFixtures.concat(raw.values().toArray(new long[0][]));
        assertFigures(report.at("/summary"), everything, new String[] {"p50", "p95", "p99"});
    }

    @Test
    void eachEndpointsFiguresEqualItsRawValues() {
        assertThat(report.at("/endpoint_metrics").size()).isEqualTo(ENDPOINTS.size());
        for (Map.Entry<String, long[]> entry : raw.entrySet()) {
            JsonNode e = report.at("/endpoint_metrics").get(entry.getKey());
            long[] values = entry.getValue();
            assertThat(e.get("requests").asLong()).isEqualTo(values.length);
            assertThat(e.get("errors").asLong()).isEqualTo(errors(entry.getKey()));
            assertThat(e.get("min_ms").asDouble()).isEqualTo(Arrays.stream(values).min().getAsLong() / 1000.0);
            assertThat(e.get("max_ms").asDouble()).isEqualTo(Arrays.stream(values).max().getAsLong() / 1000.0);
            assertThat(e.get("avg_ms").asDouble()).isCloseTo(Arrays.stream(values).average().getAsDouble() / 1000,
                    within(0.001));
            assertFigures(e, values, new String[] {"p50", "p90", "p95", "p99", "p999"});
        }
    }

    @Test
    void eachEndpointsPercentileIsTheMergedHistogramsToThreeDecimals() {
        for (Map.Entry<String, long[]> entry : raw.entrySet()) {
            JsonNode e = report.at("/endpoint_metrics").get(entry.getKey());
            Stats merged = Stats.of(EventFixtures.stats(entry.getValue(), 0));
            assertThat(e.get("p95_ms").decimalValue()).as(entry.getKey()).isEqualByComparingTo(
                    BigDecimal.valueOf(merged.percentileMs(95)).setScale(3, RoundingMode.HALF_UP));
        }
    }

    @Test
    void theFindingsNameTheSlowAndTheFailingEndpointAndTheSaturatedGenerator() {
        assertThat(report.at("/slow_endpoints/0/endpoint").asText()).isEqualTo(ANALYTICS);
        assertThat(report.at("/error_endpoints/0/endpoint").asText()).isEqualTo(POSTS);
        assertThat(report.at("/bottlenecks").toString())
                .contains("generator_saturated").contains("gen-1")
                .contains("\"kind\":\"slow\"").contains(ANALYTICS + " had a p95 of")
                .contains("\"kind\":\"errors\"").contains(POSTS + " failed");
    }

    @Test
    void theTimelineHasOnePointPerEndpointAndWindowAllIncluded() {
        assertThat(report.at("/timeline").size()).isEqualTo(WINDOWS * (ENDPOINTS.size() + 1));
    }

    @Test
    void aRecordThatDoesNotDecodeGoesToTheDeadLetterTopicAndIsReported() {
        assertThat(report.at("/run/warnings").toString()).contains("could not be decoded");

        List<ConsumerRecord<byte[], byte[]>> deadLetters = TopicReader.readAll(kafka, topics.dlq(), 1);
        assertThat(deadLetters).hasSize(1);
        ConsumerRecord<byte[], byte[]> letter = deadLetters.get(0);
        assertThat(new String(letter.key(), StandardCharsets.UTF_8))
                .isEqualTo(EventKeys.windowKey(runId, CAMPAIGNS, 1));
        assertThat(new String(letter.value(), StandardCharsets.UTF_8)).isEqualTo("not avro");
        assertThat(DeadLetters.read(letter.headers(), DeadLetters.REASON)).isEqualTo("BAD_HEADER");
        assertThat(DeadLetters.read(letter.headers(), DeadLetters.SOURCE)).matches(topics.windows() + "/\\d+@\\d+");
        assertThat(DeadLetters.read(letter.headers(), DeadLetters.CONSUMER)).isEqualTo("reporter");
    }

    @Test
    void theAbortReachesEveryControlPartitionOnceAndNamesTheThreshold() {
        assertThat(result.aborted()).isTrue();
        assertThat(console).anySatisfy(line -> assertThat(line).startsWith("ABORT sent:"));

        List<RunControl> aborts = TopicReader.readAll(kafka, topics.control(), 0).stream()
                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals(runId))
                .map(r -> EventSerdes.runControl().deserialize(topics.control(), r.value()))
                .filter(c -> c.getType() == ControlType.ABORT)
                .toList();
        assertThat(aborts).hasSize(partitionCount(topics.control()));
        assertThat(aborts).allSatisfy(abort -> {
            assertThat(abort.getSource()).isEqualTo("reporter");
            assertThat(abort.getReason()).contains("http_req_duration{endpoint:" + ANALYTICS + "} p(95)<900");
        });
    }

    @Test
    void alertsGoToTheTopicKeyedByRunAndFingerprintToTheFileAndToTheConsole() throws Exception {
        List<Alert> alerts = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(kafka, topics.alerts(), 1)) {
            Alert alert = EventSerdes.alert().deserialize(topics.alerts(), r.value());
            assertThat(new String(r.key(), StandardCharsets.UTF_8))
                    .isEqualTo(EventKeys.alertKey(runId, alert.getFingerprint()));
            alerts.add(alert);
        }

        assertThat(alerts).extracting(Alert::getStatus).contains(AlertStatus.FIRING);
        assertThat(alerts).anySatisfy(a -> assertThat(a.getRule()).contains(ANALYTICS));
        assertThat(Files.readAllLines(out.resolve("alerts.jsonl"))).hasSize(alerts.size());
        assertThat(console).anySatisfy(line -> assertThat(line).startsWith("alert firing:"));
    }

    @Test
    void theConsoleSummaryAndTheHtmlReportNameTheVerdictsAndTheEndpoints() throws Exception {
        assertThat(result.consoleSummary()).contains("✗ 'rate<0.01'").contains("✓ 'p(95)<2000'")
                .contains(out.resolve("report.html").toString());
        String html = Files.readString(out.resolve("report.html"));
        assertThat(html).contains(ANALYTICS).doesNotContain("http://").doesNotContain("https://");
    }

    private long total() {
        return raw.values().stream().mapToLong(values -> values.length).sum();
    }

    private static long totalErrors() {
        return ENDPOINTS.stream().mapToLong(ReporterThroughKafkaTest::errors).sum();
    }

    /** Each percentile within HdrHistogram's precision (3 significant digits) of the exact nearest-rank value. */
    private static void assertFigures(JsonNode node, long[] valuesUs, String[] names) {
        double[] values = Arrays.stream(valuesUs).asDoubleStream().toArray();
        Percentile oracle = new Percentile().withEstimationType(Percentile.EstimationType.R_1);
        for (String name : names) {
            double p = switch (name) {
                case "p50" -> 50;
                case "p90" -> 90;
                case "p95" -> 95;
                case "p99" -> 99;
                case "p999" -> 99.9;
                default -> throw new IllegalArgumentException(name);
            };
            double exact = oracle.evaluate(values, p) / 1000.0;
            assertThat(node.get(name + "_ms").asDouble()).as(name).isCloseTo(exact, within(exact * 0.001 + 0.001));
        }
    }

    private static ThresholdSpec spec(String metric, String expression, long windowMs, long forMs, boolean abort) {
        return ThresholdSpec.newBuilder().setMetric(metric).setExpression(expression).setWindowMs(windowMs)
                .setForMs(forMs).setAbortOnFail(abort).setDelayAbortEvalMs(0).build();
    }

    private RunControl control(ControlType type, int segment, long atMs, List<ThresholdSpec> thresholds, int vus) {
        RunControl control = EventFixtures.control(runId, type, atMs, segment, SEGMENTS);
        control.setPlanName("softfactory <weekly>");
        control.setPlannedDurationMs(WINDOWS * WINDOW);
        control.setThresholds(thresholds);
        control.setSlowRequestMs(1000);
        control.setSlowEndpointP95Ms(500);
        control.setActiveVus(vus);
        control.setAttributes(Map.of(ControlAttributes.HOST, "gen-1", ControlAttributes.VERSION, "test",
                ControlAttributes.SCENARIOS, "{\"browse\":[\"" + CAMPAIGNS + "\"],\"post\":[\"" + POSTS + "\",\""
                        + ANALYTICS + "\"]}"));
        return control;
    }

    /** The {@code *} window merges the same requests; errors are counted per endpoint, so it is built from them. */
    private EndpointWindow allWindow(long start, List<long[]> parts) {
        EndpointWindow window = EventFixtures.window(runId, EventKeys.ALL_ENDPOINTS, start, WINDOW,
                EventFixtures.concat(parts.toArray(new long[0][])), 0);
        long errors = latencies(POSTS, 0).length / POSTS_ERROR_EVERY;
        window.getStats().setErrorCount(errors);
        window.getStats().setErrorsByClass(Map.of("STATUS", errors));
        return window;
    }

    private ProducerRecord<String, byte[]> window(EndpointWindow window) {
        return new ProducerRecord<>(topics.windows(), EventKeys.windowKey(window.getRunId(), window.getEndpoint(),
                window.getWindowStartMs()), EventSerdes.endpointWindow().serialize(topics.windows(), window));
    }

    private ProducerRecord<String, byte[]> totals(String endpoint, long[] values) {
        EndpointTotals totals = EventFixtures.totals(runId, endpoint, t0, t0 + WINDOWS * WINDOW - 1, values, 0, true);
        long errors = errors(endpoint);
        totals.getStats().setErrorCount(errors);
        totals.getStats().setErrorsByClass(errors == 0 ? Map.of() : Map.of("STATUS", errors));
        totals.getStats().setStatusCounts(errors == 0 ? Map.of("200", (long) values.length)
                : Map.of("200", values.length - errors, "503", errors));
        return new ProducerRecord<>(topics.totals(), EventKeys.requestKey(runId, endpoint),
                EventSerdes.endpointTotals().serialize(topics.totals(), totals));
    }

    private List<ProducerRecord<String, byte[]>> toEveryPartition(KafkaProducer<String, byte[]> producer,
                                                                 RunControl control) {
        byte[] value = EventSerdes.runControl().serialize(topics.control(), control);
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (PartitionInfo partition : producer.partitionsFor(topics.control())) {
            records.add(new ProducerRecord<>(topics.control(), partition.partition(), control.getTimestampMs(),
                    EventKeys.runKey(runId), value));
        }
        return records;
    }

    private int partitionCount(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumerProperties())) {
            return consumer.partitionsFor(topic).size();
        }
    }
}
