package io.loadstream.reporter.alert;

import io.loadstream.testkit.LoopbackDaemon;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real Alertmanager (Debian package {@code prometheus-alertmanager}) on 127.0.0.1, with a temporary
 * configuration and data folder, on free ports, stopped on {@link #close()}. Tests that use it are skipped, with a
 * message naming the package, where it is not installed.
 */
public final class AlertmanagerProcess implements AutoCloseable {

    /** Where Debian installs it; {@code LOADSTREAM_ALERTMANAGER} overrides. */
    private static final String BINARY = System.getenv().getOrDefault("LOADSTREAM_ALERTMANAGER",
            "/usr/bin/prometheus-alertmanager");

    private final LoopbackDaemon daemon;

    /**
     * Starts an Alertmanager that routes everything to one webhook, grouped by {@code groupBy}, with 1 s group wait
     * and interval so that tests are short, and waits until it is ready.
     *
     * @param dir      an empty temporary folder
     * @param webhook  the receiver's URL
     * @param groupBy  the labels alerts are grouped by, e.g. {@code [alertname, run_id]}
     */
    public AlertmanagerProcess(Path dir, URI webhook, String groupBy) throws IOException {
        LoopbackDaemon.assumeInstalled(BINARY, "Alertmanager", "prometheus-alertmanager");
        int port = LoopbackDaemon.freePort();
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
        daemon = LoopbackDaemon.start("Alertmanager", List.of(BINARY, "--config.file=" + config,
                "--storage.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address="), port, dir.resolve("alertmanager.log"));
    }

    /** Its base URL, {@code http://127.0.0.1:PORT}. */
    public URI base() {
        return daemon.base();
    }

    /** Its log so far, for failure messages. */
    public String log() throws IOException {
        return daemon.log();
    }

    @Override
    public void close() {
        daemon.close();
    }
}
