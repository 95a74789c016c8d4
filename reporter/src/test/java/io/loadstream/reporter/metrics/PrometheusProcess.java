package io.loadstream.reporter.metrics;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loadstream.reporter.alert.AlertmanagerProcess;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Prometheus (Debian package {@code prometheus}) on 127.0.0.1 that scrapes one target every second, with a
 * temporary configuration and data folder, stopped on {@link #close()}. Tests that use it are skipped, with a
 * message naming the package, where it is not installed.
 */
final class PrometheusProcess implements AutoCloseable {

    private static final String BINARY = System.getenv().getOrDefault("LOADSTREAM_PROMETHEUS", "/usr/bin/prometheus");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final URI base;
    private final Path log;
    private final HttpClient http = HttpClient.newHttpClient();

    PrometheusProcess(Path dir, String target) throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(BINARY)), "No Prometheus at " + BINARY
                + ": install the Debian package prometheus (apt-get install prometheus)");
        int port = AlertmanagerProcess.freePort();
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, String.join("\n",
                "global:",
                "  scrape_interval: 1s",
                "  evaluation_interval: 1s",
                "scrape_configs:",
                "  - job_name: loadstream",
                "    static_configs:",
                "      - targets: ['" + target + "']",
                ""), StandardCharsets.UTF_8);
        log = dir.resolve("prometheus.log");
        process = new ProcessBuilder(BINARY, "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        base = URI.create("http://127.0.0.1:" + port);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("Prometheus exited: " + Files.readString(log));
            }
            try {
                return http.send(HttpRequest.newBuilder(base.resolve("/-/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** The {@code data.result} of an instant query through the HTTP API. */
    JsonNode query(String promql) throws IOException, InterruptedException {
        URI uri = base.resolve("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body()).path("data").path("result");
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
