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
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.EventSerdes;
import io.loadstream.schemas.Topics;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
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
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run with known content, end to end through a real broker: the test plays generators and aggregator (it
 * produces the control records, windows, totals and system windows they would), the reporter follows the run, and
 * its report must match the raw values the histograms were built from.
 */
@ExtendWith(KafkaExtension.class)
class ReporterThroughKafkaTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long T0 = 1_764_000_000_000L;
    private static final long WINDOW = 10_000;
    private static final int WINDOWS = 6;
    private static final String CAMPAIGNS = "GET /api/review/campaigns";
    private static final String POSTS = "POST /api/sns/posts";
    private static final String ANALYTICS = "GET /api/sns/analytics";

    /** Raw latencies of an endpoint in a window, in microseconds. */
    private static long[] latencies(String endpoint, int window) {
        return switch (endpoint) {
            case CAMPAIGNS -> Samples.spread(200, 20_000 + window * 7, 120_000);
            case POSTS -> Samples.spread(100, 30_000, 200_000 + window * 13);
            case ANALYTICS -> Samples.spread(50, 300_000, 600_000 + window * 200_000L);
            default -> throw new IllegalArgumentException(endpoint);
        };
    }

    private static int errorEvery(String endpoint) {
        return endpoint.equals(POSTS) ? 25 : 0;
    }

    @Test
    void reportFiguresEqualTheTotalsAndTheAbortReachesEveryControlPartition(TestKafka kafka, @TempDir Path out)
            throws Exception {
        // given: the topics of a fresh prefix, and a run of two generators with known content
        Topics topics = TestTopics.create(kafka, "rt");
        String runId = "weekly-" + UUID.randomUUID().toString().substring(0, 6);
        List<ThresholdSpec> thresholds = List.of(
                spec("http_req_duration", "p(95)<2000", 0, 0, false),
                spec("http_req_failed", "rate<0.01", 0, 0, false),
                spec("http_req_duration{endpoint:" + ANALYTICS + "}", "p(95)<900", 20_000, 10_000, true),
                spec("http_req_duration{scenario:browse}", "p(99)<150", 0, 0, false));
        Map<String, List<Long>> raw = new LinkedHashMap<>();
        Map<String, Long> errors = new LinkedHashMap<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(TestTopics.producer(kafka))) {
            for (int segment = 0; segment < 2; segment++) {
                toEveryPartition(producer, topics.control(), runId, control(runId, ControlType.STARTED, segment, T0,
                        thresholds, 0));
            }
            for (int second = 0; second < WINDOWS * 10; second++) {
                for (int segment = 0; segment < 2; segment++) {
                    int vus = 5 + (second / 10) * 8;
                    toEveryPartition(producer, topics.control(), runId, control(runId, ControlType.HEARTBEAT, segment,
                            T0 + second * 1000L + 500, List.of(), vus));
                }
            }
            List<long[]> allWindowsAll = new ArrayList<>();
            Map<String, List<long[]>> perEndpoint = new LinkedHashMap<>();
            for (int w = 0; w < WINDOWS; w++) {
                long start = T0 + w * WINDOW;
                List<long[]> windowAll = new ArrayList<>();
                for (String endpoint : List.of(CAMPAIGNS, POSTS, ANALYTICS)) {
                    long[] values = latencies(endpoint, w);
                    windowAll.add(values);
                    perEndpoint.computeIfAbsent(endpoint, e -> new ArrayList<>()).add(values);
                    send(producer, topics.windows(), EventKeys.windowKey(runId, endpoint, start),
                            EventSerdes.endpointWindow().serialize(topics.windows(),
                                    Samples.window(runId, endpoint, start, WINDOW, values, errorEvery(endpoint))));
                }
                // The * window merges the same requests; errors are counted per endpoint, so build it from them.
                EndpointWindow all = allWindow(runId, start, windowAll);
                send(producer, topics.windows(), EventKeys.windowKey(runId, "*", start),
                        EventSerdes.endpointWindow().serialize(topics.windows(), all));
                allWindowsAll.addAll(windowAll);
                for (String host : List.of("target-1", "gen-1")) {
                    boolean generator = host.startsWith("gen");
                    double cpu = generator ? (w == 4 ? 97 : 60) : 25 + w;
                    send(producer, topics.systemWindows(), EventKeys.hostKey(runId, host) + "|" + start,
                            EventSerdes.systemWindow().serialize(topics.systemWindows(),
                                    systemWindow(runId, host, generator ? HostRole.GENERATOR : HostRole.TARGET, start,
                                            cpu)));
                }
            }
            // A record that does not decode, and one of another run: neither may change the figures.
            send(producer, topics.windows(), EventKeys.windowKey(runId, CAMPAIGNS, 1), "not avro".getBytes(
                    StandardCharsets.UTF_8));
            send(producer, topics.windows(), EventKeys.windowKey("other-run", CAMPAIGNS, T0),
                    EventSerdes.endpointWindow().serialize(topics.windows(), Samples.window("other-run", CAMPAIGNS,
                            T0, WINDOW, Samples.spread(5000, 1, 9_000_000), 2)));
            for (Map.Entry<String, List<long[]>> entry : perEndpoint.entrySet()) {
                long[] values = Samples.concat(entry.getValue().toArray(new long[0][]));
                raw.put(entry.getKey(), Arrays.stream(values).boxed().toList());
                // errors per window are counted window by window, as the aggregator does
                long errorCount = 0;
                for (long[] part : entry.getValue()) {
                    errorCount += errorEvery(entry.getKey()) == 0 ? 0 : part.length / errorEvery(entry.getKey());
                }
                errors.put(entry.getKey(), errorCount);
                send(producer, topics.totals(), EventKeys.requestKey(runId, entry.getKey()),
                        EventSerdes.endpointTotals().serialize(topics.totals(), totals(runId, entry.getKey(),
                                entry.getValue())));
            }
            send(producer, topics.totals(), EventKeys.requestKey(runId, "*"), EventSerdes.endpointTotals()
                    .serialize(topics.totals(), totals(runId, "*", allWindowsAll)));
            for (int segment = 0; segment < 2; segment++) {
                toEveryPartition(producer, topics.control(), runId, control(runId, ControlType.FINISHED, segment,
                        T0 + WINDOWS * WINDOW, List.of(), 0));
            }
            producer.flush();
        }

        // when: the reporter follows the run
        List<String> console = new java.util.concurrent.CopyOnWriteArrayList<>();
        ReporterConfig config = ReporterConfig.of(kafka.bootstrapServers(), runId, out)
                .withTopics(topics)
                .withTimeouts(Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(60),
                        Duration.ofMillis(300))
                .withConsole(console::add);
        ReporterResult result = new Reporter(config).run();

        // then: a failed threshold gives 99, the data is complete, the ABORT went out
        assertThat(result.complete()).isTrue();
        assertThat(result.exitCode()).isEqualTo(99);
        assertThat(result.aborted()).isTrue();
        assertThat(result.thresholds()).extracting(o -> o.passed()).containsExactly(true, false, false, true);

        JsonNode report = JSON.readTree(Files.readString(out.resolve("performance_report.json")));
        long total = raw.values().stream().mapToLong(List::size).sum();
        long totalErrors = errors.values().stream().mapToLong(Long::longValue).sum();
        assertThat(report.at("/run/id").asText()).isEqualTo(runId);
        assertThat(report.at("/run/generators").asInt()).isEqualTo(2);
        assertThat(report.at("/run/duration_s").asDouble()).isEqualTo(60.0);
        assertThat(report.at("/summary/total_requests").asLong()).isEqualTo(total);
        assertThat(report.at("/summary/total_errors").asLong()).isEqualTo(totalErrors);
        assertThat(report.at("/summary/error_rate").asDouble()).isCloseTo((double) totalErrors / total,
                within(1e-6));
        assertThat(report.at("/summary/throughput_rps").asDouble()).isCloseTo(total / 60.0, within(0.001));
        long[] everything = raw.values().stream().flatMap(List::stream).mapToLong(Long::longValue).toArray();
        assertFigures(report.at("/summary"), everything, new String[] {"p50", "p95", "p99"});
        assertThat(report.at("/endpoint_metrics").size()).isEqualTo(3);
        for (Map.Entry<String, List<Long>> entry : raw.entrySet()) {
            JsonNode e = report.at("/endpoint_metrics").get(entry.getKey());
            long[] values = entry.getValue().stream().mapToLong(Long::longValue).toArray();
            assertThat(e.get("requests").asLong()).isEqualTo(values.length);
            assertThat(e.get("errors").asLong()).isEqualTo(errors.get(entry.getKey()));
            assertThat(e.get("min_ms").asDouble()).isEqualTo(Arrays.stream(values).min().getAsLong() / 1000.0);
            assertThat(e.get("max_ms").asDouble()).isEqualTo(Arrays.stream(values).max().getAsLong() / 1000.0);
            assertThat(e.get("avg_ms").asDouble()).isCloseTo(Arrays.stream(values).average().getAsDouble() / 1000,
                    within(0.001));
            assertFigures(e, values, new String[] {"p50", "p90", "p95", "p99", "p999"});
            // The report's percentile is the merged histogram's, to the JSON's 3 decimals.
            Stats merged = Stats.of(totalsStats(raw, entry.getKey()));
            assertThat(e.get("p95_ms").decimalValue()).isEqualByComparingTo(
                    BigDecimal.valueOf(merged.percentileMs(95)).setScale(3, RoundingMode.HALF_UP));
        }
        assertThat(report.at("/thresholds/1/observed").asDouble()).isCloseTo((double) totalErrors / total,
                within(1e-3));
        assertThat(report.at("/slow_endpoints/0/endpoint").asText()).isEqualTo(ANALYTICS);
        assertThat(report.at("/error_endpoints/0/endpoint").asText()).isEqualTo(POSTS);
        assertThat(report.at("/bottlenecks").toString())
                .contains("generator_saturated").contains("gen-1")
                .contains("latency_rises_with_load").contains(ANALYTICS + " p95 rose from");
        assertThat(report.at("/timeline").size()).isEqualTo(WINDOWS * 4);
        assertThat(report.at("/run/warnings").toString()).contains("could not be decoded");

        // the ABORT: once per control partition, from the reporter, naming the threshold
        List<RunControl> aborts = controlRecords(kafka, topics.control(), runId, ControlType.ABORT);
        int partitions = partitionCount(kafka, topics.control());
        assertThat(aborts).hasSize(partitions);
        assertThat(aborts).allSatisfy(abort -> {
            assertThat(abort.getSource()).isEqualTo("reporter");
            assertThat(abort.getReason()).contains("http_req_duration{endpoint:" + ANALYTICS + "} p(95)<900");
        });

        // the alerts: on the topic under run|fingerprint, in alerts.jsonl, on the console
        List<Alert> alerts = alertRecords(kafka, topics.alerts(), runId);
        assertThat(alerts).extracting(Alert::getStatus).contains(AlertStatus.FIRING);
        assertThat(alerts).anySatisfy(a -> assertThat(a.getRule()).contains(ANALYTICS));
        assertThat(Files.readAllLines(out.resolve("alerts.jsonl"))).hasSize(alerts.size());
        assertThat(console).anySatisfy(line -> assertThat(line).startsWith("alert firing:"));
        assertThat(console).anySatisfy(line -> assertThat(line).startsWith("ABORT sent:"));
        assertThat(result.consoleSummary()).contains("✗ 'rate<0.01'").contains("✓ 'p(95)<2000'")
                .contains(out.resolve("report.html").toString());
        String html = Files.readString(out.resolve("report.html"));
        assertThat(html).contains(ANALYTICS).doesNotContain("http://").doesNotContain("https://");
    }

    private static io.loadstream.events.LatencyStats totalsStats(Map<String, List<Long>> raw, String endpoint) {
        long[] values = raw.get(endpoint).stream().mapToLong(Long::longValue).toArray();
        return Samples.stats(values, 0);
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

    private static RunControl control(String runId, ControlType type, int segment, long at,
                                      List<ThresholdSpec> thresholds, int vus) {
        return RunControl.newBuilder()
                .setRunId(runId)
                .setType(type)
                .setTimestampMs(at)
                .setSource("gen-" + segment)
                .setPlanName("softfactory <weekly>")
                .setSegmentIndex(segment)
                .setSegmentCount(2)
                .setPlannedDurationMs(WINDOWS * WINDOW)
                .setThresholds(thresholds)
                .setSlowRequestMs(1000)
                .setSlowEndpointP95Ms(500)
                .setRequestsSent(0)
                .setActiveVus(vus)
                .setAttributes(Map.of("host", "gen-1", "version", "test",
                        "scenarios", "{\"browse\":[\"" + CAMPAIGNS + "\"],\"post\":[\"" + POSTS + "\",\""
                                + ANALYTICS + "\"]}"))
                .build();
    }

    private static EndpointWindow allWindow(String runId, long start, List<long[]> parts) {
        // errors of the parts: only POSTS has some, one in 25, counted per window
        EndpointWindow window = Samples.window(runId, "*", start, WINDOW, Samples.concat(parts.toArray(
                new long[0][])), 0);
        long errors = parts.get(1).length / 25;
        window.getStats().setErrorCount(errors);
        window.getStats().setErrorsByClass(Map.of("STATUS", errors));
        return window;
    }

    private static EndpointTotals totals(String runId, String endpoint, List<long[]> windows) {
        long[] values = Samples.concat(windows.toArray(new long[0][]));
        EndpointTotals totals = Samples.totals(runId, endpoint, T0, T0 + WINDOWS * WINDOW - 1, values, 0, true);
        long errors = 0;
        if (endpoint.equals(POSTS) || endpoint.equals("*")) {
            int postsPerWindow = latencies(POSTS, 0).length;
            errors = (long) WINDOWS * (postsPerWindow / 25);
        }
        totals.getStats().setErrorCount(errors);
        totals.getStats().setErrorsByClass(errors == 0 ? Map.of() : Map.of("STATUS", errors));
        totals.getStats().setStatusCounts(errors == 0 ? Map.of("200", (long) values.length)
                : Map.of("200", values.length - errors, "503", errors));
        return totals;
    }

    private static SystemWindow systemWindow(String runId, String host, HostRole role, long start, double cpu) {
        return SystemWindow.newBuilder()
                .setRunId(runId).setHost(host).setRole(role)
                .setWindowStartMs(start).setWindowEndMs(start + WINDOW).setSamples(10)
                .setCpuMean(cpu - 2).setCpuMax(cpu)
                .setProcessCpuMean(10).setProcessCpuMax(12)
                .setMemoryUsedMeanBytes(2_000_000_000L).setMemoryUsedMaxBytes(2_100_000_000L)
                .setHeapUsedMeanBytes(100_000_000L).setHeapUsedMaxBytes(120_000_000L)
                .build();
    }

    private static void send(KafkaProducer<String, byte[]> producer, String topic, String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key, value));
    }

    private static void toEveryPartition(KafkaProducer<String, byte[]> producer, String topic, String runId,
                                         RunControl control) {
        byte[] value = EventSerdes.runControl().serialize(topic, control);
        for (PartitionInfo partition : producer.partitionsFor(topic)) {
            producer.send(new ProducerRecord<>(topic, partition.partition(), control.getTimestampMs(),
                    EventKeys.runKey(runId), value));
        }
    }

    private static int partitionCount(TestKafka kafka, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumerProperties())) {
            return consumer.partitionsFor(topic).size();
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(TestKafka kafka, String topic) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumerProperties())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline && partitions.stream()
                    .anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private static List<RunControl> controlRecords(TestKafka kafka, String topic, String runId, ControlType type) {
        return readAll(kafka, topic).stream()
                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals(runId))
                .map(r -> EventSerdes.runControl().deserialize(topic, r.value()))
                .filter(c -> c.getType() == type)
                .toList();
    }

    private static List<Alert> alertRecords(TestKafka kafka, String topic, String runId) {
        List<Alert> alerts = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll(kafka, topic)) {
            Alert alert = EventSerdes.alert().deserialize(topic, r.value());
            assertThat(new String(r.key(), StandardCharsets.UTF_8))
                    .isEqualTo(EventKeys.alertKey(runId, alert.getFingerprint()));
            alerts.add(alert);
        }
        return alerts;
    }
}
