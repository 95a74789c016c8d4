package io.loadstream.generator;

import io.loadstream.schemas.Topics;
import io.loadstream.testkit.TestKafka;

/**
 * A loopback {@link TestServer} for one test (from {@link LoopbackExtension}), and the generator configuration
 * that the generator tests run with.
 */
final class Loopback implements AutoCloseable {

    private final TestServer server;

    private Loopback(TestServer server) {
        this.server = server;
    }

    /** Starts a plain HTTP/1.1 test server. */
    static Loopback start() {
        try {
            return new Loopback(new TestServer());
        } catch (Exception e) {
            throw new IllegalStateException("The loopback test server did not start", e);
        }
    }

    /** The server, for what it observed (e.g. {@link TestServer#fixedDelaysMicros}). */
    TestServer server() {
        return server;
    }

    /** The server's base URL, e.g. {@code http://127.0.0.1:41234}. */
    String url() {
        return server.url();
    }

    /** The port the server listens on, on 127.0.0.1. */
    int port() {
        return server.port();
    }

    /**
     * The configuration of a generator test run: the test broker, topics of its own (named after the run, unique
     * in the cluster), no system samples. Change it further with the {@code with...} methods.
     *
     * @param kafka the test broker
     * @param runId the run id
     * @return the configuration
     */
    static GeneratorConfig config(TestKafka kafka, String runId) {
        return GeneratorConfig.of(kafka.bootstrapServers(), runId)
                .withTopics(Topics.withPrefix(TestKafka.uniqueTopic(runId)))
                .withSampleSystem(false);
    }

    @Override
    public void close() {
        server.close();
    }
}
