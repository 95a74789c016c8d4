package io.loadstream.reporter;

import io.loadstream.events.ThresholdSpec;
import io.loadstream.reporter.alert.AlertmanagerSettings;
import io.loadstream.reporter.alert.WebhookSettings;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.Topics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Everything a {@link Reporter} needs. Immutable; start from {@link #of(String, String, Path)} and change fields
 * with the {@code with...} methods.
 *
 * @param bootstrapServers Kafka {@code bootstrap.servers}
 * @param runId            the run to follow
 * @param outDir           where the report files go; created when missing
 * @param webhooks         webhook URLs, secret and delivery settings
 * @param topics           topic names
 * @param clock            the time source for timeouts and settling (tests pass a fixed or moving clock)
 * @param kafkaProperties  extra Kafka client properties, applied last (e.g. security settings)
 * @param thresholds       the plan's thresholds when known in-process (the {@code run} command); empty to take them
 *                         from the run's STARTED record
 * @param startTimeout     how long to wait for the run's STARTED before failing
 * @param finishTimeout    how long, after every segment has FINISHED, to wait for the final totals and windows
 * @param silenceTimeout   how long the control topic may stay silent (no heartbeat) before the run is given up as
 *                         dead
 * @param settle           how long a closed window waits for the other endpoints' windows of the same period before
 *                         windowed thresholds are evaluated on it (a later window ends the wait at once)
 * @param pollInterval     longest single wait for records
 * @param console          receives one line per alert and per delivery failure, as they happen (e.g. to print them)
 * @param alertmanager     the Alertmanagers that alerts are posted to, with their delivery settings
 */
public record ReporterConfig(String bootstrapServers, String runId, Path outDir, WebhookSettings webhooks,
                             Topics topics, Clock clock, Map<String, String> kafkaProperties,
                             Optional<List<ThresholdSpec>> thresholds, Duration startTimeout, Duration finishTimeout,
                             Duration silenceTimeout, Duration settle, Duration pollInterval,
                             Consumer<String> console, AlertmanagerSettings alertmanager) {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException when the run id is illegal, a required value is missing or a duration is not
     *                                  positive
     */
    public ReporterConfig {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("The Kafka bootstrap servers must be given");
        }
        EventKeys.validateRunId(runId);
        if (outDir == null || webhooks == null || topics == null || clock == null || kafkaProperties == null
                || thresholds == null || console == null || alertmanager == null) {
            throw new IllegalArgumentException("Every reporter setting is required");
        }
        kafkaProperties = Map.copyOf(kafkaProperties);
        thresholds = thresholds.map(List::copyOf);
        for (Duration d : List.of(startTimeout, finishTimeout, silenceTimeout, settle, pollInterval)) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("Reporter timeouts must be positive, not " + d);
            }
        }
    }

    /**
     * The defaults: no webhook nor Alertmanager, default topics, the system clock, STARTED within 5 minutes, totals
     * within 2 minutes of the last FINISHED, 60 s of control silence, 2 s settle, 200 ms polls, console lines
     * dropped.
     *
     * @param bootstrapServers Kafka bootstrap servers
     * @param runId            the run
     * @param outDir           the output folder
     * @return the configuration
     */
    public static ReporterConfig of(String bootstrapServers, String runId, Path outDir) {
        return new ReporterConfig(bootstrapServers, runId, outDir, WebhookSettings.DEFAULT, Topics.DEFAULT,
                Clock.systemUTC(), Map.of(), Optional.empty(), Duration.ofMinutes(5), Duration.ofMinutes(2),
                Duration.ofSeconds(60), Duration.ofSeconds(2), Duration.ofMillis(200), line -> { },
                AlertmanagerSettings.DEFAULT);
    }

    /** A copy with other webhook settings. */
    public ReporterConfig withWebhooks(WebhookSettings value) {
        return new ReporterConfig(bootstrapServers, runId, outDir, value, topics, clock, kafkaProperties, thresholds,
                startTimeout, finishTimeout, silenceTimeout, settle, pollInterval, console, alertmanager);
    }

    /** A copy with other topic names. */
    public ReporterConfig withTopics(Topics value) {
        return new ReporterConfig(bootstrapServers, runId, outDir, webhooks, value, clock, kafkaProperties,
                thresholds, startTimeout, finishTimeout, silenceTimeout, settle, pollInterval, console, alertmanager);
    }

    /** A copy with another clock. */
    public ReporterConfig withClock(Clock value) {
        return new ReporterConfig(bootstrapServers, runId, outDir, webhooks, topics, value, kafkaProperties,
                thresholds, startTimeout, finishTimeout, silenceTimeout, settle, pollInterval, console, alertmanager);
    }

    /** A copy with extra Kafka client properties. */
    public ReporterConfig withKafkaProperties(Map<String, String> value) {
        return new ReporterConfig(bootstrapServers, runId, outDir, webhooks, topics, clock, value, thresholds,
                startTimeout, finishTimeout, silenceTimeout, settle, pollInterval, console, alertmanager);
    }

    /** A copy that evaluates these thresholds instead of those in STARTED. */
    public ReporterConfig withThresholds(List<ThresholdSpec> value) {
        return new ReporterConfig(bootstrapServers, runId, outDir, webhooks, topics, clock, kafkaProperties,
                Optional.of(value), startTimeout, finishTimeout, silenceTimeout, settle, pollInterval, console,
                alertmanager);
    }

    /** A copy with other timeouts. */
    public ReporterConfig withTimeouts(Duration start, Duration finish, Duration silence, Duration settleTime) {
        return new ReporterConfig(bootstrapServers, runId, outDir, webhooks, topics, clock, kafkaProperties,
                thresholds, start, finish, silence, settleTime, pollInterval, console, alertmanager);
    }

    /** A copy that sends console lines elsewhere. */
    public ReporterConfig withConsole(Consumer<String> value) {
        return new ReporterConfig(bootstrapServers, runId, outDir, webhooks, topics, clock, kafkaProperties,
                thresholds, startTimeout, finishTimeout, silenceTimeout, settle, pollInterval, value, alertmanager);
    }

    /** A copy that also posts alerts to these Alertmanagers. */
    public ReporterConfig withAlertmanager(AlertmanagerSettings value) {
        return new ReporterConfig(bootstrapServers, runId, outDir, webhooks, topics, clock, kafkaProperties,
                thresholds, startTimeout, finishTimeout, silenceTimeout, settle, pollInterval, console, value);
    }
}
