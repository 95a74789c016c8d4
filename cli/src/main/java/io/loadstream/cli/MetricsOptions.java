package io.loadstream.cli;

import io.loadstream.reporter.metrics.MetricsEndpoint;
import io.loadstream.reporter.metrics.RunMetrics;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --metrics-port}: a Prometheus endpoint serving the followed run's closed windows. A mixin. */
final class MetricsOptions {

    /** How long an ended run's series stay on the endpoint. */
    static final Duration RETAIN_AFTER_END = Duration.ofMinutes(5);

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Serve Prometheus metrics of the run (requests, errors, latency histogram, system, "
                    + "health) at http://HOST:PORT/metrics; see docs/MONITORING.md.")
    Integer port;

    @Option(names = "--metrics-host", paramLabel = "HOST", defaultValue = "0.0.0.0",
            description = "The address the metrics endpoint listens on (default: ${DEFAULT-VALUE}, every "
                    + "interface).")
    String host;

    /** The port asked for, checked; empty without {@code --metrics-port}. */
    Optional<Integer> port() {
        if (port != null && (port < 0 || port > 65_535)) {
            throw OptionChecks.of(mixee).invalid("--metrics-port must be a TCP port (0 to 65535), not " + port);
        }
        return Optional.ofNullable(port);
    }

    /**
     * Starts the endpoint when asked for.
     *
     * @param metrics what to serve
     * @return the endpoint, to close at the end; empty without {@code --metrics-port}
     * @throws UserFacingException with exit code 1 when the port cannot be bound
     */
    static Optional<MetricsEndpoint> start(String host, Optional<Integer> port, RunMetrics metrics) {
        if (port.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new MetricsEndpoint(host, port.get(), metrics));
        } catch (UncheckedIOException e) {
            throw new UserFacingException(e.getMessage(), ExitCodes.FAILURE, e);
        }
    }

    /** Metrics on the system clock, with the default retention. */
    static RunMetrics newMetrics() {
        return new RunMetrics(Clock.systemUTC(), RETAIN_AFTER_END);
    }
}
