package io.loadstream.generator.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.events.ErrorClass;
import io.loadstream.events.RequestTiming;
import io.loadstream.schemas.EventSerdes;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The publisher's own encoder writes exactly the bytes of the shared serde, which decodes them back. */
class TimingEncoderTest {

    @Test
    void encodesByteForByteAsTheSerde() {
        TimingEncoder encoder = new TimingEncoder();
        Random random = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            RequestTiming event = new RequestTiming();
            event.setRunId("run-" + random.nextInt(5));
            event.setGeneratorId("gen-\u00e9" + random.nextInt(3));
            event.setScenario("scenario " + random.nextInt(4));
            event.setEndpoint("GET /api/" + random.nextInt(50) + "/{id}");
            event.setMethod(random.nextBoolean() ? "GET" : "POST");
            event.setStatus(random.nextInt(600));
            event.setErrorClass(ErrorClass.values()[random.nextInt(ErrorClass.values().length)]);
            event.setErrorDetail(random.nextBoolean() ? null : "detail " + random.nextLong());
            event.setIntendedStartUs(random.nextLong());
            event.setActualStartUs(random.nextLong());
            event.setLatencyUs(random.nextInt(Integer.MAX_VALUE));
            event.setServiceTimeUs(random.nextInt());
            event.setTimeToFirstByteUs(random.nextBoolean() ? -1 : random.nextInt(1_000_000));
            event.setBytesSent(random.nextInt(100_000));
            event.setBytesReceived(random.nextLong());
            event.setVu(random.nextInt(10_000));
            event.setIteration(random.nextLong());

            byte[] ours = encoder.encode(event);

            assertThat(ours).isEqualTo(EventSerdes.requestTiming().serialize("t", event));
            assertThat(EventSerdes.requestTiming().deserialize("t", ours)).isEqualTo(event);
        }
    }
}
