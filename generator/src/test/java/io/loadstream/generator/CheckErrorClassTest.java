package io.loadstream.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.events.ErrorClass;
import io.loadstream.events.RequestTiming;
import io.loadstream.generator.plan.Check;
import io.loadstream.generator.plan.Plan;
import io.loadstream.schemas.EventSerdes;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import io.loadstream.testkit.TopicReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * PLAN.md, "Checks and errors": a step with a check fails as a check, also when its check has only
 * {@code body_contains} and the status is 400 or more; a step without a check fails on such a status as
 * {@code status}. Against the loopback server, whose {@code /status/503} answers 503 with the body {@code status}.
 */
@ExtendWith({KafkaExtension.class, LoopbackExtension.class})
class CheckErrorClassTest {

    @Test
    void aBodyOnlyCheckFailsAsACheckOnAStatusOf400OrMoreEvenWhenTheBodyHoldsTheText(TestKafka kafka,
                                                                                   Loopback target)
            throws Exception {
        // given: the same 503 (whose body holds "status") behind a body-only check, and behind no check
        Plan plan = Plans.plan(target.url(), Plans.constantVus(1, Duration.ofSeconds(1)),
                Plans.step("GET", "/status/503", "body check on 503", new Check(Set.of(), "status")),
                Plans.step("GET", "/status/503", "no check on 503", Check.NONE),
                Plans.step("GET", "/status/200", "body check on 200", new Check(Set.of(), "status")));
        GeneratorConfig config = Loopback.config(kafka, "check-class");

        // when
        GeneratorResult result = new Generator(config).run(plan);

        // then: class check (with the status in its detail) with a check, status without, none when it passes
        List<RequestTiming> events = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : TopicReader.readAll(kafka, config.topics().requests(),
                result.requestsSent())) {
            events.add(EventSerdes.requestTiming().deserialize(config.topics().requests(), record.value()));
        }
        assertThat(events).hasSize((int) result.requestsSent()).extracting(RequestTiming::getEndpoint)
                .contains("body check on 503", "no check on 503", "body check on 200");
        assertThat(events).allSatisfy(e -> {
            switch (e.getEndpoint()) {
                case "body check on 503" -> {
                    assertThat(e.getErrorClass()).isEqualTo(ErrorClass.CHECK);
                    assertThat(e.getStatus()).isEqualTo(503);
                    assertThat(e.getErrorDetail()).contains("status 503");
                    assertThat(e.getCheckPassed()).isFalse();
                }
                case "no check on 503" -> {
                    assertThat(e.getErrorClass()).isEqualTo(ErrorClass.STATUS);
                    assertThat(e.getCheckPassed()).isNull();
                }
                default -> {
                    assertThat(e.getErrorClass()).isEqualTo(ErrorClass.NONE);
                    assertThat(e.getCheckPassed()).isTrue();
                }
            }
        });
    }
}
