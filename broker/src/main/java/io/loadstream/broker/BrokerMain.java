package io.loadstream.broker;

import java.io.IOException;
import java.io.InputStream;
import kafka.tools.StorageTool;

/**
 * The entry point of the broker's child JVM, started by {@link EmbeddedKafkaBroker}: formats the storage
 * directory if it is new, then runs Kafka's own {@code kafka.Kafka} main.
 *
 * <p>Arguments: the path of {@code server.properties}, then the cluster id to format with.
 *
 * <p>It exits by itself when its standard input reaches end of file, which happens when the parent process
 * ends, even by {@code kill -9}: an embedded broker never outlives the process that started it.
 */
public final class BrokerMain {

    /** How long a graceful shutdown may take after the parent is gone, before the JVM halts, in ms. */
    private static final long ORPHAN_HALT_AFTER_MS = 20_000;

    private BrokerMain() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: BrokerMain SERVER_PROPERTIES CLUSTER_ID");
            System.exit(2);
        }
        watchParent();
        ignoreInterrupt();
        String config = args[0];
        String clusterId = args[1];
        // --ignore-formatted: a directory kept from an earlier run starts with its data.
        int formatted = StorageTool.execute(
                new String[] {"format", "--cluster-id", clusterId, "--config", config, "--ignore-formatted"},
                System.out);
        if (formatted != 0) {
            System.err.println("Formatting the broker storage failed with code " + formatted);
            System.exit(formatted);
        }
        kafka.Kafka.main(new String[] {config});
    }

    /**
     * Ctrl-C in a terminal sends SIGINT to the whole process group, this child included. The parent decides when
     * the broker stops (SIGTERM from {@link EmbeddedKafkaBroker#close()}): a {@code run} that is interrupted
     * still needs the broker to write its report. So SIGINT is ignored here. Through reflection, because
     * {@code sun.misc.Signal} is not a compile-time API; where it is missing, SIGINT keeps its default.
     */
    private static void ignoreInterrupt() {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            Object ignore = handler.getField("SIG_IGN").get(null);
            Object interrupt = signal.getConstructor(String.class).newInstance("INT");
            signal.getMethod("handle", signal, handler).invoke(null, interrupt, ignore);
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.err.println("Cannot ignore SIGINT (" + e + "); Ctrl-C may stop this broker before its parent.");
        }
    }

    private static void watchParent() {
        Thread watcher = new Thread(() -> {
            try (InputStream in = System.in) {
                byte[] buffer = new byte[64];
                while (in.read(buffer) >= 0) {
                    // The parent writes nothing; it only holds the pipe open while it lives.
                }
            } catch (IOException ignored) {
                // A broken pipe means the parent is gone, the same as end of file.
            }
            System.err.println("The process that started this broker is gone; shutting down.");
            Thread halt = new Thread(() -> {
                try {
                    Thread.sleep(ORPHAN_HALT_AFTER_MS);
                } catch (InterruptedException ignored) {
                    // Halting now is what the sleep waited for anyway.
                }
                Runtime.getRuntime().halt(3);
            }, "loadstream-broker-orphan-halt");
            halt.setDaemon(true);
            halt.start();
            System.exit(0);
        }, "loadstream-broker-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }
}
