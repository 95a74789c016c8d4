package io.loadstream.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.events.ErrorClass;
import io.loadstream.events.RequestTiming;
import io.loadstream.schemas.EventSerdes;
import io.loadstream.schemas.Topics;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import io.loadstream.testkit.TopicReader;
import java.time.Duration;
import java.util.List;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Latency as recorded on the topic, against the latency the test server injects. */
@ExtendWith(KafkaExtension.class)
class GeneratorLatencyTest {

    private TestServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = new TestServer();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void fixedTwentyMillisecondEndpointHasP50WithinOneMillisecond(TestKafka kafka) throws Exception {
        // given: 2 VUs against /fixed (20 ms) for 3 s
        Topics topics = Topics.withPrefix(TestKafka.uniqueTopic("fixed"));
        GeneratorConfig config = GeneratorConfig.of(kafka.bootstrapServers(), "fixed-run").withTopics(topics)
                .withSampleSystem(false);

        // when: after a 1 s warm-up run in this JVM (JIT, first connections), the measured run
        new Generator(config.withRunId("fixed-warm-up")).run(
                Plans.plan(server.url(), Plans.constantVus(2, Duration.ofSeconds(1)), Plans.get("/fixed?ms=20")));
        GeneratorResult result = new Generator(config).run(
                Plans.plan(server.url(), Plans.constantVus(2, Duration.ofSeconds(3)), Plans.get("/fixed?ms=20")));

        // then: p50 from the raw values (Commons Math, nearest rank) is 20 ms +- 1 ms
        List<RequestTiming> events = TopicReader.values(
                TopicReader.readAll(kafka, topics.requests(), result.requestsSent()),
                bytes -> EventSerdes.requestTiming().deserialize(topics.requests(), bytes)).stream()
                .filter(e -> e.getRunId().equals("fixed-run")).toList();
        assertThat(events).hasSize((int) result.requestsSent());
        assertThat(events).allMatch(e -> e.getErrorClass() == ErrorClass.NONE && e.getStatus() == 200);
        double[] latenciesMs = events.stream().mapToDouble(e -> e.getLatencyUs() / 1000.0).toArray();
        Percentile p50 = new Percentile().withEstimationType(Percentile.EstimationType.R_1);
        double[] ttfbMs = events.stream().mapToDouble(e -> e.getTimeToFirstByteUs() / 1000.0).toArray();
        double[] heldMs = server.fixedDelaysMicros.stream().mapToDouble(us -> us / 1000.0).toArray();
        // The same server, a bare blocking Jetty client loop with 2 threads, no Kafka: what this machine itself
        // adds to 20 ms. On a quiet machine that is well under 1 ms; on a shared VM, waking an idle vCPU after
        // the 20 ms wait alone can cost 1-3 ms, and that is not the generator's doing. Both medians swing by about
        // a millisecond from run to run there, hence 2 ms of room over the bare loop; 21 ms wherever it is quiet.
        double bareMs = bareJettyLoopP50Ms("/fixed?ms=20", Duration.ofSeconds(2));
        double p50Ms = p50.evaluate(latenciesMs, 50);
        assertThat(p50Ms)
                .as("p50 of %d latencies (min %.2f, p10 %.2f, p90 %.2f ms; p50 TTFB %.2f ms; p50 of the time the "
                        + "server actually held the responses %.2f ms; bare Jetty loop p50 %.2f ms)",
                        latenciesMs.length, java.util.Arrays.stream(latenciesMs).min().orElse(0),
                        p50.evaluate(latenciesMs, 10), p50.evaluate(latenciesMs, 90), p50.evaluate(ttfbMs, 50),
                        p50.evaluate(heldMs, 50), bareMs)
                .isGreaterThanOrEqualTo(20.0)
                .isLessThanOrEqualTo(Math.max(21.0, bareMs + 2.0));
        // Closed model: the intended start is the actual start.
        assertThat(events).allMatch(e -> e.getIntendedStartUs() == e.getActualStartUs()
                && e.getLatencyUs() == e.getServiceTimeUs());
    }

    /** The p50, in ms, of a bare blocking Jetty client loop (2 threads) against {@code path}, for {@code length}. */
    private double bareJettyLoopP50Ms(String path, Duration length) throws Exception {
        org.eclipse.jetty.client.HttpClient client = new org.eclipse.jetty.client.HttpClient();
        client.start();
        try {
            List<Double> latencies = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            long end = System.nanoTime() + length.toNanos();
            Thread[] threads = new Thread[2];
            for (int i = 0; i < threads.length; i++) {
                threads[i] = new Thread(() -> {
                    while (System.nanoTime() < end) {
                        long start = System.nanoTime();
                        try {
                            client.newRequest(server.url() + path).timeout(5, java.util.concurrent.TimeUnit.SECONDS)
                                    .send();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        latencies.add((System.nanoTime() - start) / 1e6);
                    }
                });
                threads[i].start();
            }
            for (Thread thread : threads) {
                thread.join(length.toMillis() + 10_000);
            }
            return new Percentile().withEstimationType(Percentile.EstimationType.R_1)
                    .evaluate(latencies.stream().mapToDouble(Double::doubleValue).toArray(), 50);
        } finally {
            client.stop();
        }
    }

    @Test
    void serverStallShowsInP99WhenMaxVusCannotCoverIt(TestKafka kafka) throws Exception {
        // given: 20 iterations/s for 6 s with at most 5 VUs; the server stalls for 1 s from 2 s on
        Topics topics = Topics.withPrefix(TestKafka.uniqueTopic("stall"));
        GeneratorConfig config = GeneratorConfig.of(kafka.bootstrapServers(), "stall-run").withTopics(topics)
                .withSampleSystem(false);

        // when
        GeneratorResult result = new Generator(config).run(Plans.plan(server.url(),
                Plans.constantRate(20, Duration.ofSeconds(6), 5, 5), Plans.get("/stall")));

        // then: the VUs caught in the stall record it from their intended start; the rest were dropped
        List<RequestTiming> events = TopicReader.values(
                TopicReader.readAll(kafka, topics.requests(), result.requestsSent()),
                bytes -> EventSerdes.requestTiming().deserialize(topics.requests(), bytes));
        assertThat(events).hasSize((int) result.requestsSent());
        assertThat(result.droppedIterations()).isPositive();
        assertThat(result.requestsSent() + result.droppedIterations()).isEqualTo(120);
        double[] latenciesMs = events.stream().mapToDouble(e -> e.getLatencyUs() / 1000.0).toArray();
        Percentile p99 = new Percentile().withEstimationType(Percentile.EstimationType.R_1);
        assertThat(p99.evaluate(latenciesMs, 99)).isGreaterThanOrEqualTo(500.0);
        // The service time from the actual send is recorded beside it, never above the latency.
        assertThat(events).allMatch(e -> e.getServiceTimeUs() > 0 && e.getServiceTimeUs() <= e.getLatencyUs()
                && e.getActualStartUs() >= e.getIntendedStartUs());
    }
}
