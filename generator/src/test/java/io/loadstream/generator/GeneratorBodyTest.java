package io.loadstream.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.events.ErrorClass;
import io.loadstream.events.RequestTiming;
import io.loadstream.generator.plan.Check;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Response bodies as the VUs read them: every chunk counted, and checks that see the whole body. */
@ExtendWith({KafkaExtension.class, LoopbackExtension.class})
class GeneratorBodyTest {

    @Test
    void bodyOfManyChunksIsReadToItsEndCountedAndChecked(TestKafka kafka, Loopback target) throws Exception {
        // given: a 64 KiB body (many reads for the client) whose checked text is at its very end
        Check tail = new Check(Set.of(200), "end of the large body");

        // when
        RecordedRun run = RecordedRun.of(kafka, "large-body-run", Plans.plan(target.url(),
                Plans.constantVus(1, Duration.ofSeconds(1)), Plans.step("GET", "/large", "large body", tail)));

        // then: every request passed its check, and its bytes received hold the whole body (plus the headers)
        List<RequestTiming> events = run.events();
        assertThat(events).hasSize((int) run.result().requestsSent()).isNotEmpty();
        int bodyBytes = TestServer.LARGE_BODY.getBytes(StandardCharsets.UTF_8).length;
        assertThat(events).allSatisfy(event -> {
            assertThat(event.getErrorClass()).as(String.valueOf(event.getErrorDetail())).isEqualTo(ErrorClass.NONE);
            assertThat(event.getBytesReceived()).isGreaterThan(bodyBytes);
        });
    }
}
