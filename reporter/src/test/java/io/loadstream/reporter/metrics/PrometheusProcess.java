package io.loadstream.reporter.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loadstream.testkit.LoopbackDaemon;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real Prometheus (Debian package {@code prometheus}) on 127.0.0.1 that scrapes one target every second, with a
 * temporary configuration and data folder, stopped on {@link #close()}. Tests that use it are skipped, with a
 * message naming the package, where it is not installed.
 */
final class PrometheusProcess implements AutoCloseable {

    private static final String BINARY = System.getenv().getOrDefault("LOADSTREAM_PROMETHEUS", "/usr/bin/prometheus");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LoopbackDaemon daemon;
    private final HttpClient http = HttpClient.newHttpClient();

    PrometheusProcess(Path dir, String target) throws IOException {
        LoopbackDaemon.assumeInstalled(BINARY, "Prometheus", "prometheus");
        int port = LoopbackDaemon.freePort();
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
        daemon = LoopbackDaemon.start("Prometheus", List.of(BINARY, "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port), port,
                dir.resolve("prometheus.log"));
    }

    /** The {@code data.result} of an instant query through the HTTP API. */
    JsonNode query(String promql) throws IOException, InterruptedException {
        URI uri = daemon.base().resolve("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body()).path("data").path("result");
    }

    @Override
    public void close() {
        daemon.close();
    }
}
