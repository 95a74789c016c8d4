package io.loadstream.generator;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Supplies a {@link Loopback} parameter: a {@link TestServer} on 127.0.0.1, started when first asked for and
 * stopped when the test (or, for a {@code @BeforeAll} parameter, the class) ends. Within one test, the
 * {@code @BeforeEach} method and the test method get the same server.
 *
 * <pre>{@code
 * @ExtendWith({KafkaExtension.class, LoopbackExtension.class})
 * class SomeGeneratorTest {
 *     @Test
 *     void sendsEveryRequest(TestKafka kafka, Loopback target) {
 *         GeneratorResult result = new Generator(Loopback.config(kafka, "run-1")).run(
 *                 Plans.plan(target.url(), Plans.constantVus(1, Duration.ofSeconds(1)), Plans.get("/ok")));
 *     }
 * }
 * }</pre>
 */
final class LoopbackExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(
            LoopbackExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == Loopback.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        // The store closes the server (AutoCloseable) when its context ends: the test's, or the class's.
        return extensionContext.getStore(NAMESPACE).getOrComputeIfAbsent(Loopback.class, key -> Loopback.start(),
                Loopback.class);
    }
}
