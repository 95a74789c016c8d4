package io.loadstream.reporter.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A Prometheus endpoint ({@code GET /metrics}, in the text or protobuf format the scraper asks for) serving one
 * {@link RunMetrics}, on the Prometheus Java client's HTTP server.
 */
public final class MetricsEndpoint implements AutoCloseable {

    private final HTTPServer server;

    /**
     * Starts serving.
     *
     * @param host    the address to listen on, e.g. {@code 0.0.0.0} for every interface or {@code 127.0.0.1}
     * @param port    the TCP port; 0 for a free one
     * @param metrics what to serve
     * @throws UncheckedIOException when the port cannot be bound
     */
    public MetricsEndpoint(String host, int port, RunMetrics metrics) {
        this(host, port, metrics, List.of());
    }

    /**
     * Starts serving the run metrics and more (e.g. the aggregator's own health).
     *
     * @param host    the address to listen on
     * @param port    the TCP port; 0 for a free one
     * @param metrics what to serve
     * @param more    further collectors, served beside it
     * @throws UncheckedIOException when the port cannot be bound
     */
    public MetricsEndpoint(String host, int port, RunMetrics metrics, List<MultiCollector> more) {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(metrics);
        more.forEach(registry::register);
        try {
            server = HTTPServer.builder().hostname(host).port(port).registry(registry).buildAndStart();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot serve metrics on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** The port it listens on. */
    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
