package io.loadstream.broker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft Kafka broker (combined broker and controller) running in a child JVM, started from
 * the Kafka Maven artifacts on this JVM's class path: no Docker, no download.
 *
 * <p>The broker listens on 127.0.0.1 only. Its directory holds {@code server.properties}, the data under
 * {@code data/}, and its logs in {@code broker.log} (Kafka's own log) and {@code broker.out} (the JVM's output).
 * {@link #close()} stops it gracefully within {@link BrokerOptions#stopTimeout()}, then kills it; a JVM shutdown
 * hook does the same when this JVM exits, and the child stops by itself if this JVM dies without running hooks
 * (it watches its standard input, which closes when this process goes away).
 *
 * <p>Instances are thread-safe.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    /** How many times a start with automatically chosen ports is retried when a port was taken meanwhile. */
    private static final int AUTO_PORT_ATTEMPTS = 3;
    /** How often start-up checks whether the broker answers, in milliseconds. */
    private static final long READY_POLL_MS = 200;
    /** How many of the broker's last log lines a start-up error quotes. */
    private static final int LOG_TAIL_LINES = 30;

    private final Process process;
    private final OutputStream parentLifeline;
    private final int port;
    private final int controllerPort;
    private final Path directory;
    private final boolean ownsDirectory;
    private final Duration stopTimeout;
    private final Thread shutdownHook;
    private final Object lock = new Object();
    private boolean closed;

    private EmbeddedKafkaBroker(Process process, int port, int controllerPort, Path directory, boolean ownsDirectory,
            Duration stopTimeout) {
        this.process = process;
        this.parentLifeline = process.getOutputStream();
        this.port = port;
        this.controllerPort = controllerPort;
        this.directory = directory;
        this.ownsDirectory = ownsDirectory;
        this.stopTimeout = stopTimeout;
        this.shutdownHook = new Thread(this::close, "loadstream-broker-shutdown-" + port);
    }

    /**
     * Starts a broker and returns once it answers clients.
     *
     * @throws BrokerException when a requested port is taken, the directory cannot be used, or the broker does
     *                         not answer within {@link BrokerOptions#startTimeout()}; the message quotes its log
     */
    public static EmbeddedKafkaBroker start(BrokerOptions options) {
        boolean autoPorts = options.port() == 0 || options.controllerPort() == 0;
        int attempts = autoPorts ? AUTO_PORT_ATTEMPTS : 1;
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(options);
            } catch (PortTakenException e) {
                if (attempt >= attempts) {
                    throw e;
                }
                log.info("A port chosen for the broker was taken meanwhile ({}); retrying", e.getMessage());
            }
        }
    }

    private static EmbeddedKafkaBroker startOnce(BrokerOptions options) {
        int clientPort = options.port() == 0 ? LoopbackPorts.freePort() : requireFree(options.port(), "port");
        int controllerPort = options.controllerPort() == 0
                ? freePortOtherThan(clientPort)
                : requireFree(options.controllerPort(), "controller port");
        boolean ownsDirectory = options.directory().isEmpty();
        Path directory = options.directory().map(Path::toAbsolutePath).orElseGet(EmbeddedKafkaBroker::tempDirectory);
        Process process = null;
        Thread shutdownHook = null;
        try {
            Files.createDirectories(directory.resolve("data"));
            Path config = directory.resolve("server.properties");
            writeProperties(config, serverProperties(options, clientPort, controllerPort, directory));
            Path logbackConfig = directory.resolve("logback-broker.xml");
            writeLogbackConfig(logbackConfig, directory.resolve("broker.log"));

            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(options.effectiveJvmOptions());
            command.add("-Dlogback.configurationFile=" + logbackConfig);
            command.add("-Dlog4j2.level=WARN");
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(BrokerMain.class.getName());
            command.add(config.toString());
            command.add(clusterIdFor(directory));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(directory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("broker.out").toFile()));
            process = builder.start();
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(process, clientPort, controllerPort, directory,
                    ownsDirectory, options.stopTimeout());
            shutdownHook = broker.shutdownHook;
            Runtime.getRuntime().addShutdownHook(shutdownHook);
            broker.awaitReady(options.startTimeout());
            log.info("Kafka broker ready on {} (pid {}, directory {})", broker.bootstrapServers(), process.pid(),
                    directory);
            return broker;
        } catch (IOException e) {
            abandon(process, shutdownHook, ownsDirectory ? directory : null);
            throw new BrokerException("Cannot prepare the broker directory " + directory + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            abandon(process, shutdownHook, ownsDirectory ? directory : null);
            throw e;
        }
    }

    /** Undoes a start that failed: kills the JVM at once, drops its hook, deletes a temporary directory. */
    private static void abandon(Process process, Thread shutdownHook, Path temporaryDirectory) {
        destroy(process);
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException ignored) {
                // The JVM is shutting down; the hook finds the process gone and does nothing.
            }
        }
        if (temporaryDirectory != null) {
            deleteRecursively(temporaryDirectory);
        }
    }

    /** The address clients connect to, {@code 127.0.0.1:PORT}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The client port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** The KRaft controller's port on 127.0.0.1. */
    public int controllerPort() {
        return controllerPort;
    }

    /** The broker's directory: configuration, {@code data/} and logs. */
    public Path directory() {
        return directory;
    }

    /** Kafka's own log, for diagnosing a broker that misbehaves. */
    public Path logFile() {
        return directory.resolve("broker.log");
    }

    /** The broker JVM's process id. */
    public long pid() {
        return process.pid();
    }

    /** Whether the broker's JVM is still running. */
    public boolean isRunning() {
        return process.isAlive();
    }

    /**
     * Hands the stop over to the caller: removes the JVM shutdown hook, so that the broker keeps running while
     * this JVM shuts down, until the caller's own hook (or code) calls {@link #close()}. For a process that
     * must still use the broker after Ctrl-C, e.g. to write a report. The broker still stops by itself if this
     * JVM ends without closing it (its standard-input lifeline).
     *
     * @return this broker
     */
    public EmbeddedKafkaBroker closedByCaller() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // Already shutting down: the hook may be running; close() is idempotent either way.
        }
        return this;
    }

    /** Completes with the broker JVM's exit code when it ends, for whatever reason. */
    public CompletableFuture<Integer> onExit() {
        return process.onExit().thenApply(Process::exitValue);
    }

    /**
     * Stops the broker: gracefully within {@link BrokerOptions#stopTimeout()}, then by force. Deletes its
     * directory if it was a temporary one. Idempotent.
     */
    @Override
    public void close() {
        // Held for the whole stop, so that a second caller returns only once the broker is down.
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException ignored) {
                // The JVM is already shutting down: this very call may come from the hook.
            }
            stopProcess();
            if (ownsDirectory) {
                deleteRecursively(directory);
            }
        }
    }

    private void stopProcess() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy(); // SIGTERM: Kafka's own shutdown hook runs a controlled shutdown.
        try {
            if (!process.waitFor(stopTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("Kafka broker on {} did not stop within {}; killing it", bootstrapServers(), stopTimeout);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            parentLifeline.close();
        } catch (IOException ignored) {
            // The pipe's other end is gone with the process.
        }
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        // First the port: a plain socket probe is silent, while a Kafka client logs every refused connection.
        while (!LoopbackPorts.accepts(port)) {
            checkAlive();
            sleepUntilNextProbe(deadline, timeout);
        }
        Properties adminConfig = new Properties();
        adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        // Short timeouts: each probe should fail fast while the broker is still starting.
        adminConfig.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
        adminConfig.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000);
        adminConfig.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        adminConfig.put(AdminClientConfig.CLIENT_ID_CONFIG, "loadstream-broker-probe");
        try (Admin admin = Admin.create(adminConfig)) {
            while (true) {
                checkAlive();
                try {
                    int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(2_000))
                            .nodes().get(3, TimeUnit.SECONDS).size();
                    if (nodes > 0) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException ignored) {
                    // Not answering yet.
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new BrokerException("Interrupted while waiting for the Kafka broker to start", e);
                }
                sleepUntilNextProbe(deadline, timeout);
            }
        }
    }

    private void checkAlive() {
        if (!process.isAlive()) {
            String tail = logTail();
            if (tail.contains("Address already in use")) {
                throw new PortTakenException("port " + port + " or " + controllerPort + " was taken");
            }
            throw new BrokerException("The Kafka broker exited with code " + process.exitValue()
                    + " while starting. Its last log lines (" + directory + "):\n" + tail);
        }
    }

    private void sleepUntilNextProbe(long deadline, Duration timeout) {
        if (System.nanoTime() > deadline) {
            throw new BrokerException("The Kafka broker did not answer on " + bootstrapServers() + " within "
                    + timeout.toSeconds() + " s. Its last log lines (" + directory + "):\n" + logTail());
        }
        try {
            Thread.sleep(READY_POLL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerException("Interrupted while waiting for the Kafka broker to start", e);
        }
    }

    /** The last lines of the broker's logs, for error messages. */
    String logTail() {
        StringBuilder tail = new StringBuilder();
        for (String name : List.of("broker.out", "broker.log")) {
            Path file = directory.resolve(name);
            try {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                if (!lines.isEmpty()) {
                    tail.append("--- ").append(name).append('\n');
                    lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size())
                            .forEach(line -> tail.append(line).append('\n'));
                }
            } catch (NoSuchFileException ignored) {
                // Not written yet.
            } catch (IOException e) {
                tail.append("(cannot read ").append(file).append(": ").append(e.getMessage()).append(")\n");
            }
        }
        return tail.toString();
    }

    static Map<String, String> serverProperties(BrokerOptions options, int clientPort, int controllerPort,
            Path directory) {
        Map<String, String> p = new TreeMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + clientPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + clientPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        p.put("log.dirs", directory.resolve("data").toString());
        // A single node can hold one replica of everything; exactly-once Streams needs the transaction log here.
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // Fewer internal partitions than the default 50: one node, faster first group join.
        p.put("offsets.topic.num.partitions", "10");
        p.put("transaction.state.log.num.partitions", "10");
        // Consumer groups start at once instead of waiting 3 s for more members.
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "true");
        p.put("num.partitions", "1");
        p.putAll(options.serverOverrides());
        return p;
    }

    /** The cluster id of an already formatted directory, or a new one. */
    private static String clusterIdFor(Path directory) throws IOException {
        Path meta = directory.resolve("data").resolve("meta.properties");
        if (Files.exists(meta)) {
            Properties properties = new Properties();
            try (InputStream in = Files.newInputStream(meta)) {
                properties.load(in);
            }
            String existing = properties.getProperty("cluster.id");
            if (existing != null && !existing.isBlank()) {
                return existing;
            }
        }
        return Uuid.randomUuid().toString();
    }

    private static void writeProperties(Path file, Map<String, String> properties) throws IOException {
        StringBuilder text = new StringBuilder("# Written by loadstream for its embedded broker at each start.\n");
        properties.forEach((key, value) -> text.append(key).append('=').append(escape(value)).append('\n'));
        Files.writeString(file, text.toString(), StandardCharsets.UTF_8);
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\");
    }

    private static void writeLogbackConfig(Path file, Path logFile) throws IOException {
        String xml;
        try (InputStream in = EmbeddedKafkaBroker.class.getResourceAsStream("logback-broker.xml")) {
            if (in == null) {
                throw new IOException("logback-broker.xml is missing from the loadstream-broker jar");
            }
            xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String path = logFile.toString().replace("&", "&amp;").replace("<", "&lt;").replace("\"", "&quot;");
        Files.writeString(file, xml.replace("@LOG_FILE@", path), StandardCharsets.UTF_8);
    }

    private static Path tempDirectory() {
        try {
            return Files.createTempDirectory("loadstream-broker-");
        } catch (IOException e) {
            throw new BrokerException("Cannot create a temporary directory for the broker: " + e.getMessage(), e);
        }
    }

    private static int freePortOtherThan(int taken) {
        int candidate = LoopbackPorts.freePort();
        while (candidate == taken) {
            candidate = LoopbackPorts.freePort();
        }
        return candidate;
    }

    private static int requireFree(int port, String what) {
        if (!LoopbackPorts.isFree(port)) {
            throw new BrokerException("The " + what + " " + port + " on 127.0.0.1 is already in use: stop what holds"
                    + " it, or choose another " + what + ".");
        }
        return port;
    }

    private static void destroy(Process process) {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            log.warn("Could not delete the broker directory {}: {}", root, e.getMessage());
        }
    }

    /** A start-up whose automatically chosen port was taken between choosing and binding it. */
    private static final class PortTakenException extends BrokerException {
        private static final long serialVersionUID = 1L;

        PortTakenException(String message) {
            super(message);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafkaBroker[" + bootstrapServers() + ", pid " + process.pid() + ", " + directory + "]";
    }
}
