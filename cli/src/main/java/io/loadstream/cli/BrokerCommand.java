package io.loadstream.cli;

import io.loadstream.broker.BrokerException;
import io.loadstream.broker.BrokerOptions;
import io.loadstream.broker.EmbeddedKafkaBroker;
import io.loadstream.generator.plan.Durations;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loadstream broker}: a standalone embedded Kafka broker on 127.0.0.1, for running several loadstream
 * processes on one machine. Runs until Ctrl-C (or SIGTERM), then stops the broker cleanly.
 */
@Command(
        name = "broker",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Run a single-node Kafka broker (KRaft) on 127.0.0.1 until Ctrl-C.",
            "It comes from the Kafka artifacts inside loadstream: no Docker, no download.",
            "The broker's JVM takes its options from LOADSTREAM_BROKER_JAVA_OPTS (default: "
                    + "-Xms256m -Xmx1g -XX:+UseG1GC -XX:MaxGCPauseMillis=20)."
        })
final class BrokerCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "9092",
            description = "Client port on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 picks a free port).")
    int port;

    @Option(names = "--controller-port", paramLabel = "PORT", defaultValue = "0",
            description = "KRaft controller port on 127.0.0.1 (default: a free port).")
    int controllerPort;

    @Option(names = "--dir", paramLabel = "DIR",
            description = {"Directory for the broker's data, configuration and logs; created if missing, kept on "
                    + "exit, and reused with its data on the next start.",
                "Default: a temporary directory, deleted on exit."})
    Path directory;

    @Option(names = "--start-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long to wait for the broker to answer (default: ${DEFAULT-VALUE} s).")
    int startTimeoutSeconds;

    @Option(names = "--retention", paramLabel = "DURATION",
            description = {"Delete records older than this (e.g. 12h or 72h; at least 1m). Default: Kafka's 7 days.",
                "A soak at 2,000 requests/s writes about 2 GB an hour; a report of a run (or a replay of it) needs "
                        + "the run's records, so keep longer than the longest run to be reported."})
    String retention;

    private final AtomicBoolean stopping = new AtomicBoolean();

    @Override
    public Integer call() throws InterruptedException {
        BrokerOptions options = options();
        PrintWriter out = spec.commandLine().getOut();
        out.println("Starting a Kafka broker on 127.0.0.1:" + (port == 0 ? "(free port)" : port) + " ...");
        out.flush();
        EmbeddedKafkaBroker broker;
        try {
            broker = EmbeddedKafkaBroker.start(options);
        } catch (BrokerException e) {
            throw new UserFacingException(e.getMessage(), ExitCodes.FAILURE, e);
        }
        // Ctrl-C and SIGTERM end this JVM; the broker stops cleanly first (close() waits for the broker's own
        // hook if that one got there first).
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            out.println("Stopping the Kafka broker ...");
            out.flush();
            broker.close();
            out.println("Kafka broker stopped.");
            out.flush();
        }, "loadstream-broker-command-stop"));
        out.println("Kafka broker listening on " + broker.bootstrapServers());
        out.println("  bootstrap servers: " + broker.bootstrapServers());
        out.println("  directory:         " + broker.directory()
                + (directory == null ? " (temporary, deleted on exit)" : " (kept)"));
        out.println("  broker log:        " + broker.logFile());
        out.println("Press Ctrl-C to stop it.");
        out.flush();
        int exitCode;
        try {
            exitCode = broker.onExit().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("Lost track of the broker process", e);
        }
        if (stopping.get() || jvmShuttingDown()) {
            // Ctrl-C or SIGTERM: the shutdown hooks are stopping the broker and will end the JVM.
            return ExitCodes.OK;
        }
        throw new UserFacingException("The Kafka broker stopped unexpectedly (exit code " + exitCode
                + "). See its log: " + broker.logFile(), ExitCodes.FAILURE, null);
    }

    private BrokerOptions options() {
        OptionChecks checks = OptionChecks.of(spec);
        checks.port("--port", port);
        checks.port("--controller-port", controllerPort);
        if (port != 0 && port == controllerPort) {
            throw checks.invalid("--port and --controller-port must differ, both are " + port);
        }
        checks.positiveSeconds("--start-timeout", startTimeoutSeconds);
        BrokerOptions options = BrokerOptions.DEFAULT
                .withPort(port)
                .withControllerPort(controllerPort)
                .withStartTimeout(Duration.ofSeconds(startTimeoutSeconds))
                .withJvmOptions(BrokerJvmOptions.from(System::getenv));
        if (retention != null) {
            try {
                Duration value = Durations.parse(retention);
                if (value.compareTo(Duration.ofMinutes(1)) < 0) {
                    throw checks.invalid("--retention must be at least 1m, e.g. 12h or 72h; got " + retention);
                }
                options = options.withRetention(value);
            } catch (IllegalArgumentException e) {
                throw checks.invalid("--retention: " + e.getMessage());
            }
        }
        if (directory != null) {
            if (Files.exists(directory) && !Files.isDirectory(directory)) {
                throw checks.invalid("--dir " + directory + " exists and is not a directory");
            }
            options = options.withDirectory(directory);
        }
        return options;
    }

    /** Whether this JVM has begun to shut down: hooks can no longer be added then. */
    private static boolean jvmShuttingDown() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }
}
