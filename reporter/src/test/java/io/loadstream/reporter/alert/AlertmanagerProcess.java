package io.loadstream.reporter.alert;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
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
 * A real Alertmanager (Debian package {@code prometheus-alertmanager}) on 127.0.0.1, with a temporary
 * configuration and data folder, on free ports, stopped on {@link #close()}. Tests that use it are skipped, with a
 * message naming the package, where it is not installed.
 */
public final class AlertmanagerProcess implements AutoCloseable {

    /** Where Debian installs it; {@code LOADSTREAM_ALERTMANAGER} overrides. */
    private static final String BINARY = System.getenv().getOrDefault("LOADSTREAM_ALERTMANAGER",
            "/usr/bin/prometheus-alertmanager");

    private final Process process;
    private final URI base;
    private final Path log;

    /**
     * Starts an Alertmanager that routes everything to one webhook, grouped by {@code groupBy}, with 1 s group wait
     * and interval so that tests are short, and waits until it is ready.
     *
     * @param dir      an empty temporary folder
     * @param webhook  the receiver's URL
     * @param groupBy  the labels alerts are grouped by, e.g. {@code [alertname, run_id]}
     */
    public AlertmanagerProcess(Path dir, URI webhook, String groupBy) throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(BINARY)), "No Alertmanager at " + BINARY
                + ": install the Debian package prometheus-alertmanager (apt-get install prometheus-alertmanager)");
        int port = freePort();
        Path config = dir.resolve("alertmanager.yml");
        Files.writeString(config, String.join("\n",
                "route:",
                "  receiver: loadstream-test",
                "  group_by: " + groupBy,
                "  group_wait: 1s",
                "  group_interval: 1s",
                "  repeat_interval: 1h",
                "receivers:",
                "  - name: loadstream-test",
                "    webhook_configs:",
                "      - url: " + webhook,
                "        send_resolved: true",
                ""), StandardCharsets.UTF_8);
        Files.createDirectories(dir.resolve("data"));
        log = dir.resolve("alertmanager.log");
        process = new ProcessBuilder(BINARY, "--config.file=" + config, "--storage.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address=")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        base = URI.create("http://127.0.0.1:" + port);
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("Alertmanager exited: " + Files.readString(log));
            }
            try {
                return http.send(HttpRequest.newBuilder(base.resolve("/-/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** Its base URL, {@code http://127.0.0.1:PORT}. */
    public URI base() {
        return base;
    }

    /** Its log so far, for failure messages. */
    public String log() throws IOException {
        return Files.readString(log);
    }

    /** A free TCP port on 127.0.0.1 (it may be taken again before use; the start then fails loudly). */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
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
