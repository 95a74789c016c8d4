package io.loadstream.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.events.ErrorClass;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A server that reads the request and then resets the connection, or closes it without a response: each request
 * is one event of class {@code RESET}, and the events, the result, FINISHED and the server all count the same.
 */
@ExtendWith(KafkaExtension.class)
class GeneratorConnectionDropTest {

    /** Iterations per run: 20 a second for 1 s. */
    private static final int ITERATIONS = 20;

    private static RecordedRun runAgainst(TestKafka kafka, String runId, DroppingServer server)
            throws InterruptedException {
        return RecordedRun.of(kafka, runId, Plans.plan(server.url(),
                Plans.constantRate(ITERATIONS, Duration.ofSeconds(1), 5, 20), Plans.get("/drop")));
    }

    @Test
    void connectionResetAfterTheRequestIsOneResetEventPerRequest(TestKafka kafka) throws Exception {
        try (DroppingServer server = new DroppingServer(DroppingServer.Ending.RESET)) {
            RecordedRun run = runAgainst(kafka, "reset", server);

            assertCountedExactlyAsReset(run, server);
        }
    }

    @Test
    void connectionClosedWithoutAResponseIsOneResetEventPerRequest(TestKafka kafka) throws Exception {
        try (DroppingServer server = new DroppingServer(DroppingServer.Ending.CLOSE)) {
            RecordedRun run = runAgainst(kafka, "close", server);

            assertCountedExactlyAsReset(run, server);
        }
    }

    @Test
    void connectionResetAsSoonAsItIsAcceptedIsOneResetEventPerRequest(TestKafka kafka) throws Exception {
        try (DroppingServer server = new DroppingServer(DroppingServer.Ending.RESET_ON_ACCEPT)) {
            RecordedRun run = runAgainst(kafka, "reset-on-accept", server);

            // the server read nothing; the client still sent each request once and recorded each as reset
            assertThat(server.requestsRead()).isZero();
            assertThat(run.result().requestsSent()).isEqualTo(ITERATIONS);
            assertThat(run.events()).hasSize(ITERATIONS).allSatisfy(e ->
                    assertThat(e.getErrorClass()).as(e.getErrorDetail()).isEqualTo(ErrorClass.RESET));
            assertThat(run.finished()).isNotEmpty().allMatch(f -> f.getRequestsSent() == ITERATIONS);
        }
    }

    private static void assertCountedExactlyAsReset(RecordedRun run, DroppingServer server) {
        long sent = run.result().requestsSent();
        // every due iteration was sent (20 VUs for 20 iterations: none dropped), once: no retry
        assertThat(sent).isEqualTo(ITERATIONS);
        assertThat(server.requestsRead()).isEqualTo(ITERATIONS);
        assertThat(run.events()).hasSize(ITERATIONS).allSatisfy(e -> {
            assertThat(e.getErrorClass()).as(e.getErrorDetail()).isEqualTo(ErrorClass.RESET);
            assertThat(e.getStatus()).isZero();
            assertThat(e.getErrorDetail()).isNotBlank();
        });
        assertThat(run.result().errors()).isEqualTo(ITERATIONS);
        assertThat(run.finished()).isNotEmpty().allMatch(f -> f.getRequestsSent() == ITERATIONS);
    }
}
