package io.loadstream.reporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.events.ControlType;
import io.loadstream.events.EndpointWindow;
import io.loadstream.events.RunControl;
import io.loadstream.events.ThresholdSpec;
import io.loadstream.reporter.alert.WebhookSettings;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.EventSerdes;
import io.loadstream.schemas.Topics;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 * a time. The windowed threshold breaks in the third window, so the run must end early, aborted.
 */
@ExtendWith(KafkaExtension.class)
class ReporterFollowsLiveTest {

    private static final long T0 = 1_764_000_000_000L;
    private static final long WINDOW = 10_000;
    private static final int PLANNED_WINDOWS = 30;
    private static final String ENDPOINT = "GET /api/sns/analytics";

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
                            .withTimeouts(Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(60),
                                    Duration.ofMillis(200))).run());
            ThresholdSpec windowed = ThresholdSpec.newBuilder().setMetric("http_req_duration{endpoint:" + ENDPOINT
                    + "}").setExpression("p(95)<500").setWindowMs(WINDOW).setForMs(WINDOW).setAbortOnFail(true)
                    .build();
            toEveryPartition(producer, topics.control(), control(runId, ControlType.STARTED, T0, List.of(windowed)));

            // when: windows close one by one (slow from the second one) until the ABORT arrives
            RunControl abort = null;
            long[] sent = new long[1];
            int windows = 0;
            for (int w = 0; w < PLANNED_WINDOWS && abort == null; w++) {
                long ms = w == 0 ? 100 : 900;
                long[] latencies = Samples.spread(40, ms * 1000, ms * 1000);
                sent[0] += latencies.length;
                for (String endpoint : List.of(ENDPOINT, "*")) {
                    EndpointWindow window = Samples.window(runId, endpoint, T0 + w * WINDOW, WINDOW, latencies, 0);
                    producer.send(new ProducerRecord<>(topics.windows(), EventKeys.windowKey(runId, endpoint,
                            window.getWindowStartMs()), EventSerdes.endpointWindow().serialize(topics.windows(),
                            window)));
                }
                RunControl heartbeat = control(runId, ControlType.HEARTBEAT, T0 + (w + 1) * WINDOW, List.of());
                toEveryPartition(producer, topics.control(), heartbeat);
                producer.flush();
                windows++;
                abort = awaitAbort(control, topics.control(), Duration.ofSeconds(3));
            }

            // then: the reporter aborted after the breach lasted `for` (windows 1 and 2), long before the plan's end
            assertThat(abort).as("an ABORT from the reporter").isNotNull();
            assertThat(windows).isLessThan(PLANNED_WINDOWS).isBetween(3, 5);
            assertThat(abort.getSource()).isEqualTo("reporter");
            assertThat(abort.getReason()).contains(ENDPOINT).contains("p(95)<500");

            // the generator stops, the aggregator closes the run
            long total = sent[0];
            toEveryPartition(producer, topics.control(), control(runId, ControlType.FINISHED,
                    T0 + windows * WINDOW, List.of()));
            for (String endpoint : List.of(ENDPOINT, "*")) {
                long[] all = new long[(int) total];
                java.util.Arrays.fill(all, 0, 40, 100_000);
                java.util.Arrays.fill(all, 40, all.length, 900_000);
                producer.send(new ProducerRecord<>(topics.totals(), EventKeys.requestKey(runId, endpoint),
                        EventSerdes.endpointTotals().serialize(topics.totals(), Samples.totals(runId, endpoint, T0,
                                T0 + windows * WINDOW - 1, all, 0, true))));
            }
            producer.flush();
            ReporterResult result = reporter.get(60, TimeUnit.SECONDS);
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

    private static RunControl awaitAbort(KafkaConsumer<byte[], byte[]> control, String topic, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : control.poll(Duration.ofMillis(100))) {
                RunControl value = EventSerdes.runControl().deserialize(topic, record.value());
                if (value.getType() == ControlType.ABORT
                        && new String(record.key(), StandardCharsets.UTF_8).equals(value.getRunId())) {
                    return value;
                }
            }
        }
        return null;
    }

    private static RunControl control(String runId, ControlType type, long at, List<ThresholdSpec> thresholds) {
        return RunControl.newBuilder().setRunId(runId).setType(type).setTimestampMs(at).setSource("gen-0")
                .setPlanName("live").setThresholds(thresholds).setActiveVus(10)
                .setPlannedDurationMs(PLANNED_WINDOWS * WINDOW).setAttributes(Map.of()).build();
    }

    private static void toEveryPartition(KafkaProducer<String, byte[]> producer, String topic, RunControl control) {
        byte[] value = EventSerdes.runControl().serialize(topic, control);
        for (PartitionInfo p : producer.partitionsFor(topic)) {
            producer.send(new ProducerRecord<>(topic, p.partition(), control.getTimestampMs(),
                    EventKeys.runKey(control.getRunId()), value));
        }
    }
}
