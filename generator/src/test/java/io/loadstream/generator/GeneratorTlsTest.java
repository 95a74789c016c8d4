package io.loadstream.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.events.ErrorClass;
import io.loadstream.events.RequestTiming;
import io.loadstream.events.RunControl;
import io.loadstream.generator.plan.Plan;
import io.loadstream.generator.plan.PlanException;
import io.loadstream.generator.plan.PlanParser;
import io.loadstream.generator.plan.ThresholdSyntax;
import io.loadstream.testkit.KafkaExtension;
import io.loadstream.testkit.TestKafka;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS against a real HTTPS server on 127.0.0.1 whose self-signed certificate is made at test time: the plan's
 * {@code insecure: true} accepts it, and without it every request fails as {@code TLS}, on the topic too.
 */
@ExtendWith(KafkaExtension.class)
class GeneratorTlsTest {

    /** Iterations per run: 20 a second for 1 s. */
    private static final int ITERATIONS = 20;

    @TempDir
    static Path dir;

    private static TestServer https;
    private static TestServer plain;

    @BeforeAll
    static void startServers() throws Exception {
        https = TestServer.https(SelfSignedCertificate.create(dir), SelfSignedCertificate.PASSWORD);
        plain = new TestServer();
    }

    @AfterAll
    static void stopServers() {
        https.close();
        plain.close();
    }

    /**
     * The plan, from YAML as a user writes it, so that the {@code insecure} key itself is what is tested. The
     * check proves each request arrived over TLS: the server answers with the scheme it saw.
     */
    private static Plan plan(String target, boolean insecure) throws PlanException {
        String yaml = """
                name: tls
                target: %s
                defaults: {timeout: 5s, connect_timeout: 2s%s}
                load: {executor: constant-arrival-rate, rate: %d, duration: 1s, pre_allocated_vus: 5, max_vus: 20}
                scenarios:
                  - {name: tls, steps: [{method: GET, path: /scheme, check: {status: 200, body_contains: https}}]}
                """.formatted(target, insecure ? ", insecure: true" : "", ITERATIONS);
        Plan plan = PlanParser.parse(yaml, "tls.yaml", dir, Map.of(), ThresholdSyntax.ANY);
        assertThat(plan.defaults().insecure()).isEqualTo(insecure);
        return plan;
    }

    @Test
    void insecurePlanAcceptsTheSelfSignedCertificateAndEveryRequestSucceedsOverTls(TestKafka kafka)
            throws Exception {
        RecordedRun run = RecordedRun.of(kafka, "tls-insecure", plan(https.url(), true));

        assertThat(run.result().requestsSent()).isEqualTo(ITERATIONS);
        assertThat(run.events()).hasSize(ITERATIONS)
                .allSatisfy(e -> {
                    assertThat(e.getErrorClass()).isEqualTo(ErrorClass.NONE);
                    assertThat(e.getStatus()).isEqualTo(200);
                });
        assertThat(run.result().errors()).isZero();
        assertThat(run.finished()).isNotEmpty().allMatch(f -> f.getRequestsSent() == ITERATIONS);
    }

    @Test
    void checkedCertificateFailsEveryRequestAsTlsOnTheTopic(TestKafka kafka) throws Exception {
        RecordedRun run = RecordedRun.of(kafka, "tls-checked", plan(https.url(), false));

        assertThat(run.result().requestsSent() + run.result().droppedIterations()).isEqualTo(ITERATIONS);
        assertThat(run.events()).hasSize((int) run.result().requestsSent()).isNotEmpty()
                .allSatisfy(e -> {
                    assertThat(e.getErrorClass()).as(e.getErrorDetail()).isEqualTo(ErrorClass.TLS);
                    assertThat(e.getStatus()).isZero();
                    assertThat(e.getErrorDetail()).isNotBlank();
                });
        assertThat(run.result().errors()).isEqualTo(run.result().requestsSent());
        assertThat(run.finished()).isNotEmpty()
                .allMatch(f -> f.getRequestsSent() == run.events().size());
    }

    @Test
    void httpsUrlToAPlainHttpServerFailsAsTls(TestKafka kafka) throws Exception {
        // the server answers the TLS ClientHello with a plain-text HTTP 400: no handshake can complete
        RecordedRun run = RecordedRun.of(kafka, "tls-plain", plan("https://127.0.0.1:" + plain.port(), true));

        List<RequestTiming> events = run.events();
        // The server answers and closes at once: now and then the client sees the close before it parses the
        // plain-text answer (AsynchronousCloseException, 1 of 20 on one fresh clone), which is a RESET. Every
        // request fails; most say TLS.
        assertThat(events).hasSize((int) run.result().requestsSent()).isNotEmpty()
                .allSatisfy(e -> assertThat(e.getErrorClass()).as(e.getErrorDetail())
                        .isIn(ErrorClass.TLS, ErrorClass.RESET));
        assertThat(events.stream().filter(e -> e.getErrorClass() == ErrorClass.TLS).count())
                .isGreaterThan(events.size() / 2);
        List<RunControl> finished = run.finished();
        assertThat(finished).isNotEmpty().allMatch(f -> f.getRequestsSent() == events.size());
    }
}
