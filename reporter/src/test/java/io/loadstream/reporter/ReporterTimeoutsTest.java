package io.loadstream.reporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loadstream.events.ControlType;
import io.loadstream.events.RunControl;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.EventSerdes;
import io.loadstream.schemas.Topics;
import io.loadstream.schemas.fixtures.EventFixtures;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reporter never hangs: each wait has a bound. The clock is the test's and moves 1 s each time the reporter
 * reads it, so bounds of minutes pass in a few polls, with no sleep.
 */
@ExtendWith(KafkaExtension.class)
class ReporterTimeoutsTest {

    private static Topics topics(TestKafka kafka) throws Exception {
        return TestTopics.create(kafka, "to");
    }

    @Test
    void aRunWhoseTotalsNeverArriveEndsIncompleteAfterTheFinishTimeout(TestKafka kafka, @TempDir Path out)
            throws Exception {
        // given: a run that started and finished, with no aggregator behind it
        Topics topics = topics(kafka);
        String runId = "no-aggregator";
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(TestTopics.producer(kafka))) {
            List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
            for (ControlType type : new ControlType[] {ControlType.STARTED, ControlType.FINISHED}) {
                RunControl control = EventFixtures.control(runId, type, EventFixtures.nowMs(), 0, 1);
                for (PartitionInfo p : producer.partitionsFor(topics.control())) {
                    records.add(new ProducerRecord<>(topics.control(), p.partition(), EventKeys.runKey(runId),
                            EventSerdes.runControl().serialize(topics.control(), control)));
                }
            }
            TestTopics.sendAll(producer, records);
        }

        // when
        ReporterResult result = new Reporter(ReporterConfig.of(kafka.bootstrapServers(), runId, out)
                .withTopics(topics).withClock(TestClock.stepping(EventFixtures.nowMs(), Duration.ofSeconds(1)))
                .withTimeouts(Duration.ofMinutes(5), Duration.ofMinutes(2), Duration.ofMinutes(10),
                        Duration.ofSeconds(2))).run();

        // then: a report, marked incomplete, and exit code 1
        assertThat(result.complete()).isFalse();
        assertThat(result.exitCode()).isEqualTo(1);
        JsonNode report = new ObjectMapper().readTree(Files.readString(out.resolve("performance_report.json")));
        assertThat(report.at("/run/complete").asBoolean()).isFalse();
        assertThat(report.at("/run/warnings/0").asText()).contains("final totals did not arrive within 120 s");
        assertThat(Files.readString(out.resolve("report.html"))).contains("INCOMPLETE DATA");
    }

    @Test
    void aRunThatNeverStartsFailsAfterTheStartTimeout(TestKafka kafka, @TempDir Path out) throws Exception {
        Topics topics = topics(kafka);

        assertThatThrownBy(() -> new Reporter(ReporterConfig.of(kafka.bootstrapServers(), "ghost", out)
                .withTopics(topics).withClock(TestClock.stepping(EventFixtures.nowMs(), Duration.ofSeconds(10)))
                .withTimeouts(Duration.ofMinutes(5), Duration.ofMinutes(2), Duration.ofMinutes(1),
                        Duration.ofSeconds(2))).run())
                .isInstanceOf(ReporterException.class)
                .hasMessageContaining("No STARTED record of run ghost arrived")
                .hasMessageContaining("within 300 s");
    }
}
