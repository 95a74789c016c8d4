package io.loadstream.generator.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.events.ErrorClass;
import io.loadstream.events.RequestTiming;
import io.loadstream.schemas.Topics;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

/** When Kafka cannot take the events, they are counted as dropped, and the request loop never waits. */
class EventPublisherTest {

    private static RequestTiming timing(int i) {
        RequestTiming event = new RequestTiming();
        event.setRunId("drop-run");
        event.setGeneratorId("gen");
        event.setScenario("s");
        event.setEndpoint("GET /x");
        event.setMethod("GET");
        event.setStatus(200);
        event.setErrorClass(ErrorClass.NONE);
        event.setIntendedStartUs(1_000_000L * i);
        event.setActualStartUs(1_000_000L * i);
        return event;
    }

    @Test
    void eventsThatCannotBeDeliveredAreCountedNotLost() throws Exception {
        // given: a producer aimed at a port where no broker listens, that gives up after 300 ms
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaSettings.producer(
                "127.0.0.1:" + closedPort, "drop-test", Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, "300",
                        ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "100")));
        EventPublisher publisher = new EventPublisher(producer, Topics.DEFAULT, "drop-run", 10,
                System::currentTimeMillis);

        // when: far more events than the buffer holds arrive at once
        long start = System.nanoTime();
        for (int i = 0; i < 1_000; i++) {
            publisher.requestCompleted(timing(i));
        }
        long offerNanos = System.nanoTime() - start;
        publisher.close(Duration.ofSeconds(5));

        // then: the loop did not wait for Kafka (waiting for the producer's 300 ms on each event would take 300 s;
        // the bound leaves room for a loaded machine), and every event is accounted for as dropped
        assertThat(Duration.ofNanos(offerNanos)).isLessThan(Duration.ofSeconds(30));
        assertThat(publisher.offered()).isEqualTo(1_000);
        assertThat(publisher.published()).isZero();
        assertThat(publisher.dropped()).isEqualTo(1_000);
    }
}
