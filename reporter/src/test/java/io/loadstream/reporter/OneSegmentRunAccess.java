package io.loadstream.reporter;

import io.loadstream.schemas.Topics;
import io.loadstream.testkit.TestKafka;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.apache.kafka.clients.producer.KafkaProducer;

/** Publishes a {@link OneSegmentRun} without thresholds on fresh topics, for tests in other packages. */
public final class OneSegmentRunAccess {

    private OneSegmentRunAccess() {
    }

    /**
     * Publishes the run: 6 windows of 10 s from {@code t0}.
     *
     * @return the topics it is on
     */
    public static Topics publish(TestKafka kafka, String runId, long t0, List<String> endpoints,
                                 BiFunction<String, Integer, long[]> latencies, Map<String, Integer> errorEvery)
            throws Exception {
        Topics topics = TestTopics.create(kafka, "run");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(TestTopics.producer(kafka))) {
            TestTopics.sendAll(producer, new OneSegmentRun(runId, "shop", t0, 10_000, 6, endpoints, latencies,
                    errorEvery, List.of()).records(producer, topics));
        }
        return topics;
    }
}
