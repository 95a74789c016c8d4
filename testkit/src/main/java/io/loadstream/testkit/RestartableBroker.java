package io.loadstream.testkit;

import io.loadstream.broker.BrokerOptions;
import io.loadstream.broker.EmbeddedKafkaBroker;
import io.loadstream.broker.LoopbackPorts;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An embedded broker of one test's own (never the shared one of {@link KafkaExtension}), which the test can crash
 * ({@code kill -9}) and start again on the same ports and the same data directory: a broker outage, as a client
 * sees it. Not thread-safe: one test thread drives it.
 */
public final class RestartableBroker implements AutoCloseable {

    /** How long {@link #kill} waits for the broker's JVM to be gone, in seconds. */
    private static final long KILL_WAIT_S = 30;

    private static final java.time.Duration START_TIMEOUT = java.time.Duration.ofSeconds(180);

    private final BrokerOptions options;
    private EmbeddedKafkaBroker broker;

    private RestartableBroker(BrokerOptions options) {
        this.options = options;
        this.broker = EmbeddedKafkaBroker.start(options);
    }

    /**
     * Starts a broker on two free loopback ports, keeping its data in {@code directory}.
     *
     * @param directory the broker's directory (e.g. a JUnit {@code @TempDir}); kept after {@link #close()}
     * @return the running broker
     */
    public static RestartableBroker start(Path directory) {
        int port = LoopbackPorts.freePort();
        int controllerPort = LoopbackPorts.freePort();
        while (controllerPort == port) {
            controllerPort = LoopbackPorts.freePort();
        }
        // A broker restarting on a loaded 2-core machine may take well over the default minute.
        return new RestartableBroker(BrokerOptions.DEFAULT.withPort(port).withControllerPort(controllerPort)
                .withDirectory(directory).withStartTimeout(START_TIMEOUT));
    }

    /** The broker as the tests' {@link TestKafka}; the address stays the same across restarts. */
    public TestKafka kafka() {
        return new TestKafka("127.0.0.1:" + options.port(), KafkaSource.EMBEDDED);
    }

    /**
     * Kills the broker's JVM at once (SIGKILL: no controlled shutdown) and waits until it is gone.
     *
     * @throws IllegalStateException when it is still there after 30 s
     */
    public void kill() {
        ProcessHandle.of(broker.pid()).ifPresent(ProcessHandle::destroyForcibly);
        try {
            broker.onExit().get(KILL_WAIT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while killing the broker", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("The broker did not die within " + KILL_WAIT_S + " s", e);
        }
        broker.close();
    }

    /** Starts the broker again on the same ports, with the data it had; returns once it answers. */
    public void restart() {
        broker = EmbeddedKafkaBroker.start(options);
    }

    /** Stops the broker if it runs; the directory is kept (the caller owns it). */
    @Override
    public void close() {
        broker.close();
    }
}
