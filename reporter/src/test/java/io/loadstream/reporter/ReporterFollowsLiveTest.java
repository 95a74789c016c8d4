package io.loadstream.reporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.loadstream.events.ControlType;
import io.loadstream.events.EndpointWindow;
import io.loadstream.events.RunControl;
import io.loadstream.events.ThresholdSpec;
import io.loadstream.reporter.alert.WebhookSettings;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.EventSerdes;
import io.loadstream.schemas.Topics;
import io.loadstream.schemas.fixtures.EventFixtures;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reporter follows a run while it happens: the test plays one generator that reads the control topic, as a
 * real one does, and stops when the reporter's ABORT arrives; and it plays the aggregator, closing one window at
 * a time. The windowed threshold breaks in the second window and fires at the end of the third, so the run must
 * end there, aborted, long before its plan's end.
 */
@ExtendWith(KafkaExtension.class)
class ReporterFollowsLiveTest {

    private static final long WINDOW = 10_000;
    private static final int PLANNED_WINDOWS = 30;
    /** Windows 0 passes, 1 and 2 breach: after window 2 the breach has lasted {@code for} (one window). */
    private static final int WINDOWS_UNTIL_ABORT = 3;
    private static final String ENDPOINT = "GET /api/sns/analytics";
    private static final int REQUESTS_PER_WINDOW = 40;

    /** The run's start: a minute ago, on a whole minute (a current timestamp, which retention keeps). */
    private final long t0 = EventFixtures.nowMs() - Duration.ofMinutes(1).toMillis();

    @Test
    void anAbortOnFailThresholdStopsTheRunWhileItIsGoingOn(TestKafka kafka, @TempDir Path out) throws Exception {
        Topics topics = TestTopics.create(kafka, "live");
        String runId = "live-run";
        ExecutorService executor = Executors.newSingleThreadExecutor();
        List<String> hooks = new CopyOnWriteArrayList<>();
        Server receiver = new Server(new InetSocketAddress("127.0.0.1", 0));
        receiver.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                hooks.add(Content.Source.asString(request, StandardCharsets.UTF_8));
                response.setStatus(200);
                callback.succeeded();
                return true;
            }
        });
        receiver.start();
        URI hook = URI.create("http://127.0.0.1:" + ((ServerConnector) receiver.getConnectors()[0]).getLocalPort()
                + "/alerts");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(TestTopics.producer(kafka));
             KafkaConsumer<byte[], byte[]> control = new KafkaConsumer<>(kafka.consumerProperties())) {
            List<TopicPartition> controlPartitions = producer.partitionsFor(topics.control()).stream()
                    .map(p -> new TopicPartition(topics.control(), p.partition())).toList();
            control.assign(controlPartitions);
            control.seekToEnd(controlPartitions);
            controlPartitions.forEach(control::position);

            // given: the reporter is already following when the run starts
            Future<ReporterResult> reporter = executor.submit(() -> new Reporter(
                    ReporterConfig.of(kafka.bootstrapServers(), runId, out).withTopics(topics)
                            .withWebhooks(WebhookSettings.DEFAULT.withUrls(List.of(hook)))
                            .withTimeouts(Duration.ofSeconds(120), Duration.ofSeconds(120), Duration.ofSeconds(120),
                                    Duration.ofMillis(200))).run());
            ThresholdSpec windowed = ThresholdSpec.newBuilder().setMetric("http_req_duration{endpoint:" + ENDPOINT
                    + "}").setExpression("p(95)<500").setWindowMs(WINDOW).setForMs(WINDOW).setAbortOnFail(true)
                    .build();
            RunControl started = control(runId, ControlType.STARTED, t0);
            started.setThresholds(List.of(windowed));
            TestTopics.sendAll(producer, toEveryPartition(producer, topics.control(), started));

            // when: windows close one by one (slow from the second one); no ABORT while the breach is younger than
            // `for` (checked for a few seconds after each of those windows), then the ABORT
            for (int w = 0; w < WINDOWS_UNTIL_ABORT - 1; w++) {
                closeWindow(producer, topics, runId, w);
                await("no ABORT after window " + w).pollInSameThread().during(Duration.ofSeconds(3))
                        .atMost(Duration.ofSeconds(60)).until(() -> nextAbort(control, topics.control()) == null);
            }
            closeWindow(producer, topics, runId, WINDOWS_UNTIL_ABORT - 1);
            int windows = WINDOWS_UNTIL_ABORT;
            RunControl abort = await("the reporter's ABORT").pollInSameThread().atMost(Duration.ofSeconds(120))
                    .until(() -> nextAbort(control, topics.control()), Objects::nonNull);

            // then: the reporter aborted after the breach lasted `for` (windows 1 and 2), long before the plan's end
            assertThat(abort.getSource()).isEqualTo("reporter");
            assertThat(abort.getReason()).contains(ENDPOINT).contains("p(95)<500");

            // the generator stops, the aggregator closes the run
            long total = (long) windows * REQUESTS_PER_WINDOW;
            List<ProducerRecord<String, byte[]>> end = new ArrayList<>(toEveryPartition(producer, topics.control(),
                    control(runId, ControlType.FINISHED, t0 + windows * WINDOW)));
            for (String endpoint : List.of(ENDPOINT, EventKeys.ALL_ENDPOINTS)) {
                long[] all = new long[(int) total];
                java.util.Arrays.fill(all, 0, REQUESTS_PER_WINDOW, 100_000);
                java.util.Arrays.fill(all, REQUESTS_PER_WINDOW, all.length, 900_000);
                end.add(new ProducerRecord<>(topics.totals(), EventKeys.requestKey(runId, endpoint),
                        EventSerdes.endpointTotals().serialize(topics.totals(), EventFixtures.totals(runId, endpoint,
                                t0, t0 + windows * WINDOW - 1, all, 0, true))));
            }
            TestTopics.sendAll(producer, end);
            ReporterResult result = reporter.get(120, TimeUnit.SECONDS);
            assertThat(result.exitCode()).isEqualTo(99);
            assertThat(result.aborted()).isTrue();
            assertThat(result.complete()).isTrue();
            assertThat(result.report().run().abortReason()).contains(ENDPOINT);
            assertThat(result.report().summary().totalRequests()).isEqualTo(total);
            // the webhook got the firing alert while the run went on (delivery is settled before run() returns)
            assertThat(hooks).isNotEmpty();
            assertThat(hooks.get(0)).contains("\"status\":\"firing\"").contains(ENDPOINT)
                    .contains("\"severity\":\"critical\"");
        } finally {
            executor.shutdownNow();
            receiver.stop();
        }
    }

    /** Closes window {@code w} of the endpoint and of all endpoints, and sends the generator's heartbeat. */
    private void closeWindow(KafkaProducer<String, byte[]> producer, Topics topics, String runId, int w)
            throws Exception {
        long ms = w == 0 ? 100 : 900;
        long[] latencies = EventFixtures.spread(REQUESTS_PER_WINDOW, ms * 1000, ms * 1000);
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (String endpoint : List.of(ENDPOINT, EventKeys.ALL_ENDPOINTS)) {
            EndpointWindow window = EventFixtures.window(runId, endpoint, t0 + w * WINDOW, WINDOW, latencies, 0);
            records.add(new ProducerRecord<>(topics.windows(), EventKeys.windowKey(runId, endpoint,
                    window.getWindowStartMs()), EventSerdes.endpointWindow().serialize(topics.windows(), window)));
        }
        records.addAll(toEveryPartition(producer, topics.control(),
                control(runId, ControlType.HEARTBEAT, t0 + (w + 1) * WINDOW)));
        TestTopics.sendAll(producer, records);
    }

    /** Reads what the control topic holds now; returns the first ABORT of a run among it, or null. */
    private static RunControl nextAbort(KafkaConsumer<byte[], byte[]> control, String topic) {
        for (ConsumerRecord<byte[], byte[]> record : control.poll(Duration.ofMillis(100))) {
            RunControl value = EventSerdes.runControl().deserialize(topic, record.value());
            if (value.getType() == ControlType.ABORT
                    && new String(record.key(), StandardCharsets.UTF_8).equals(value.getRunId())) {
                return value;
            }
        }
        return null;
    }

    private static RunControl control(String runId, ControlType type, long atMs) {
        RunControl control = EventFixtures.control(runId, type, atMs, 0, 1);
        control.setPlanName("live");
        control.setActiveVus(10);
        control.setPlannedDurationMs(PLANNED_WINDOWS * WINDOW);
        return control;
    }

    private static List<ProducerRecord<String, byte[]>> toEveryPartition(KafkaProducer<String, byte[]> producer,
                                                                        String topic, RunControl control) {
        byte[] value = EventSerdes.runControl().serialize(topic, control);
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (PartitionInfo p : producer.partitionsFor(topic)) {
            records.add(new ProducerRecord<>(topic, p.partition(), control.getTimestampMs(),
                    EventKeys.runKey(control.getRunId()), value));
        }
        return records;
    }
}
