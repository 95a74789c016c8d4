package io.loadstream.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.events.RequestTiming;
import io.loadstream.generator.plan.Stage;
import io.loadstream.schemas.EventSerdes;
import io.loadstream.schemas.Topics;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import io.loadstream.testkit.TopicReader;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The executors follow their schedule against a real server, as seen in the events on the topic. */
@ExtendWith(KafkaExtension.class)
class ExecutorScheduleTest {

    private TestServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = new TestServer();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private static List<RequestTiming> events(TestKafka kafka, Topics topics, GeneratorResult result) {
        return TopicReader.values(TopicReader.readAll(kafka, topics.requests(), result.requestsSent()),
                bytes -> EventSerdes.requestTiming().deserialize(topics.requests(), bytes));
    }

    @Test
    void constantArrivalRateHoldsOneThousandPerSecondWithinFivePercentEverySecond(TestKafka kafka)
            throws Exception {
        // given: 1,000 iterations/s for 4 s against an endpoint that answers at once
        Topics topics = Topics.withPrefix(TestKafka.uniqueTopic("rate"));
        GeneratorConfig config = GeneratorConfig.of(kafka.bootstrapServers(), "rate-run").withTopics(topics)
                .withSampleSystem(false);

        // when: after a 2 s warm-up run in this JVM (JIT, first connections), the measured run
        new Generator(config.withRunId("rate-warm-up")).run(Plans.plan(server.url(),
                Plans.constantRate(1000, Duration.ofSeconds(2), 100, 400), Plans.get("/ok")));
        GeneratorResult result = new Generator(config).run(Plans.plan(server.url(),
                Plans.constantRate(1000, Duration.ofSeconds(4), 100, 400), Plans.get("/ok")));

        // then: every due iteration was started or counted as dropped, and each second saw 1,000 +- 5% sends
        List<RequestTiming> events = events(kafka, topics, result).stream()
                .filter(e -> e.getRunId().equals("rate-run")).toList();
        assertThat(events).hasSize((int) result.requestsSent());
        assertThat(result.requestsSent() + result.droppedIterations()).isEqualTo(4000);
        long start = events.stream().mapToLong(RequestTiming::getIntendedStartUs).min().orElseThrow();
        long[] perSecond = new long[4];
        for (RequestTiming event : events) {
            int second = (int) ((event.getActualStartUs() - start) / 1_000_000);
            if (second < 4) {
                perSecond[second]++;
            }
        }
        for (int second = 0; second < 4; second++) {
            assertThat(perSecond[second]).as("requests sent in second %d of %s, %d dropped, p50 service %d us",
                    second, java.util.Arrays.toString(perSecond), result.droppedIterations(),
                    events.stream().mapToLong(RequestTiming::getServiceTimeUs).sorted().skip(events.size() / 2)
                            .findFirst().orElse(0)).isBetween(950L, 1050L);
        }
    }

    @Test
    void rampingVusRunsTheStageTargetsAsDistinctVus(TestKafka kafka) throws Exception {
        // given: up to 3 VUs in 1 s, hold 1.5 s, up to 6 VUs in 1 s, hold 1.5 s
        Topics topics = Topics.withPrefix(TestKafka.uniqueTopic("ramp"));
        GeneratorConfig config = GeneratorConfig.of(kafka.bootstrapServers(), "ramp-run").withTopics(topics)
                .withSampleSystem(false);
        List<Stage> stages = List.of(new Stage(Duration.ofSeconds(1), 3), new Stage(Duration.ofMillis(1500), 3),
                new Stage(Duration.ofSeconds(1), 6), new Stage(Duration.ofMillis(1500), 6));

        // when
        GeneratorResult result = new Generator(config).run(Plans.plan(server.url(), Plans.rampingVus(stages),
                Plans.get("/fixed?ms=10")));

        // then: in the middle of each hold, exactly the stage's target of VUs send requests
        List<RequestTiming> events = events(kafka, topics, result);
        assertThat(events).hasSize((int) result.requestsSent());
        long start = events.stream().mapToLong(RequestTiming::getIntendedStartUs).min().orElseThrow();
        assertThat(vusBetween(events, start, 1_300, 2_300)).hasSize(3);
        assertThat(vusBetween(events, start, 3_800, 4_800)).hasSize(6);
        // and never more than the peak
        assertThat(events.stream().map(RequestTiming::getVu).collect(Collectors.toSet())).hasSize(6);
    }

    private static Set<Integer> vusBetween(List<RequestTiming> events, long startUs, long fromMs, long toMs) {
        return events.stream()
                .filter(e -> e.getActualStartUs() - startUs >= fromMs * 1000
                        && e.getActualStartUs() - startUs < toMs * 1000)
                .map(RequestTiming::getVu).collect(Collectors.toSet());
    }
}
