package io.loadstream.testkit;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real server binary that a test starts on 127.0.0.1 (Prometheus, Alertmanager: anything with a {@code /-/ready}
 * endpoint), its output in a log file, ready once {@code /-/ready} answers 200, stopped on {@link #close()}. Where
 * the binary is not installed, the test is skipped with a message naming the Debian package.
 */
public final class LoopbackDaemon implements AutoCloseable {

    /** Longest wait for the daemon to be ready. */
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    /** How long {@link #close()} waits after SIGTERM before it kills, in seconds. */
    private static final long STOP_TIMEOUT_S = 30;

    private final String name;
    private final Process process;
    private final URI base;
    private final Path log;

    private LoopbackDaemon(String name, Process process, URI base, Path log) {
        this.name = name;
        this.process = process;
        this.base = base;
        this.log = log;
    }

    /**
     * Skips the calling test unless {@code binary} is installed.
     *
     * @param binary  the executable's path
     * @param name    what it is, e.g. {@code Prometheus}
     * @param debianPackage the package that installs it
     */
    public static void assumeInstalled(String binary, String name, String debianPackage) {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(binary)), "No " + name + " at " + binary
                + ": install the Debian package " + debianPackage + " (apt-get install " + debianPackage + ")");
    }

    /**
     * Starts {@code command} (which must listen on {@code port}) and waits until {@code /-/ready} answers 200.
     *
     * @param name    what it is, for messages
     * @param command the command line
     * @param port    the port on 127.0.0.1 it listens on
     * @param log     where its output goes
     * @return the running daemon; close it
     * @throws IOException when it cannot be started
     */
    public static LoopbackDaemon start(String name, List<String> command, int port, Path log) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        URI base = URI.create("http://127.0.0.1:" + port);
        LoopbackDaemon daemon = new LoopbackDaemon(name, process, base, log);
        HttpClient http = HttpClient.newHttpClient();
        try {
            await().atMost(READY_TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException(name + " exited: " + Files.readString(log));
                }
                try {
                    return http.send(HttpRequest.newBuilder(base.resolve("/-/ready")).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                } catch (IOException e) {
                    return false;
                }
            });
        } catch (RuntimeException e) {
            daemon.close();
            throw e;
        }
        return daemon;
    }

    /** A free TCP port on 127.0.0.1 (it may be taken again before use; the start then fails loudly). */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Its base URL, {@code http://127.0.0.1:PORT}. */
    public URI base() {
        return base;
    }

    /** Its log so far, for failure messages. */
    public String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT_S, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name + " on " + base;
    }
}
