package io.loadstream.testkit;

import io.loadstream.broker.BrokerOptions;
import io.loadstream.broker.EmbeddedKafkaBroker;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Supplies a real Kafka cluster to tests as a {@link TestKafka} parameter (of a test method, a lifecycle method
 * or a constructor):
 * <ol>
 *   <li>the cluster named by {@code LOADSTREAM_TEST_BOOTSTRAP}, if set;</li>
 *   <li>otherwise a Testcontainers {@code apache/kafka} container, when a Docker engine answers;</li>
 *   <li>otherwise loadstream's embedded KRaft broker.</li>
 * </ol>
 * The cluster is started once per test JVM and shared by every test class; it stops when the run ends.
 *
 * <pre>{@code
 * @ExtendWith(KafkaExtension.class)
 * class ProducesThroughRealBrokerTest {
 *     @Test
 *     void roundTrips(TestKafka kafka) { ... kafka.bootstrapServers() ... }
 * }
 * }</pre>
 */
public final class KafkaExtension implements ParameterResolver {

    /** How long the tests wait for the embedded broker to answer. */
    private static final java.time.Duration TEST_BROKER_START_TIMEOUT = java.time.Duration.ofSeconds(240);

    private static final Logger log = LoggerFactory.getLogger(KafkaExtension.class);

    /** The image of the Testcontainers path; the same Kafka version as the embedded broker. */
    public static final String KAFKA_IMAGE = "apache/kafka:4.1.1";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(
            KafkaExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == TestKafka.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        // The root store lives as long as the whole run, so every test class shares one cluster. A failed start
        // is stored too: every later test fails at once with the same cause instead of trying again.
        Startup startup = extensionContext.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(Startup.class, key -> Startup.attempt(), Startup.class);
        if (startup.failure() != null) {
            throw startup.failure();
        }
        return startup.running().kafka();
    }

    /** The outcome of starting the cluster: exactly one of the two is set. */
    private record Startup(RunningKafka running, ParameterResolutionException failure) implements AutoCloseable {

        static Startup attempt() {
            try {
                return new Startup(RunningKafka.start(), null);
            } catch (ParameterResolutionException e) {
                return new Startup(null, e);
            }
        }

        @Override
        public void close() {
            if (running != null) {
                running.close();
            }
        }
    }

    /** A started cluster, closed by JUnit when the root context closes at the end of the run. */
    private record RunningKafka(TestKafka kafka, Runnable stopper) implements AutoCloseable {

        static RunningKafka start() {
            KafkaSource source = KafkaSource.choose(System.getenv(), KafkaExtension::dockerAvailable);
            log.info("Tests use Kafka from {}", source);
            try {
                return switch (source) {
                    case ENVIRONMENT -> new RunningKafka(
                            new TestKafka(KafkaSource.configuredBootstrap(System.getenv()).orElseThrow(), source),
                            () -> { });
                    case TESTCONTAINERS -> {
                        KafkaContainer container = new KafkaContainer(KAFKA_IMAGE);
                        container.start();
                        yield new RunningKafka(new TestKafka(container.getBootstrapServers(), source),
                                container::stop);
                    }
                    case EMBEDDED -> {
                        // More time than a user's default: a test run shares the machine with builds and other
                        // suites, and at a load average of 40 the broker took over 60 s to answer.
                        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(BrokerOptions.DEFAULT
                                .withStartTimeout(TEST_BROKER_START_TIMEOUT));
                        yield new RunningKafka(new TestKafka(broker.bootstrapServers(), source), broker::close);
                    }
                };
            } catch (RuntimeException e) {
                throw new ParameterResolutionException("Cannot start Kafka for the tests (" + source + "): "
                        + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            stopper.run();
        }
    }

    /** Whether a Docker engine answers. Never throws: any failure means no. */
    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            log.debug("No Docker engine: {}", e.toString());
            return false;
        }
    }
}
