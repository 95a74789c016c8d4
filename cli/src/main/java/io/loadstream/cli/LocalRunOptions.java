package io.loadstream.cli;

import io.loadstream.aggregator.AggregatorConfig;
import io.loadstream.reporter.alert.AlertmanagerSettings;
import io.loadstream.reporter.alert.WebhookSettings;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.TopicSetup;
import io.loadstream.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link LocalRun} does: the run, where Kafka is, how the topics and the aggregator are set up, where the
 * reports go. Immutable; start from {@link #of(String, Path)} and change fields with the {@code with...} methods.
 * The consoles are not part of it: {@link LocalRun} takes them beside it.
 *
 * @param runId            the run id ({@code [A-Za-z0-9][A-Za-z0-9._-]{0,99}})
 * @param outDir           the folder for performance_report.json, report.html and alerts.jsonl
 * @param bootstrap        the Kafka cluster's bootstrap servers; empty to start an embedded broker
 * @param brokerJvmOptions options of the embedded broker's JVM; empty for its defaults
 * @param kafkaProperties  extra Kafka client properties (e.g. security) for every client of the run
 * @param topics           the topic names
 * @param topicSetup       partitions and replication factor of the topics created when missing
 * @param applicationId    the aggregator's application id; aggregators elsewhere with the same id share the work
 * @param stateDir         the aggregator's local state; empty for a temporary directory deleted at the end
 * @param webhooks         where alerts go besides the topic and alerts.jsonl
 * @param finishTimeout    after the load, how long the reporter waits at most for the final windows; positive
 * @param demoTarget       whether to start the demo target at the plan's target (a loopback http:// address)
 * @param preflight        whether to send one request to the target before the load
 * @param version          the loadstream version written into the run's control records
 * @param alertmanager     the Alertmanagers that alerts are posted to (none by default)
 * @param metricsPort      the port of the Prometheus endpoint (0 for a free one); empty for none
 */
record LocalRunOptions(String runId, Path outDir, Optional<String> bootstrap, List<String> brokerJvmOptions,
                       Map<String, String> kafkaProperties, Topics topics, TopicSetup topicSetup,
                       String applicationId, Optional<Path> stateDir, WebhookSettings webhooks,
                       Duration finishTimeout, boolean demoTarget, boolean preflight, String version,
                       AlertmanagerSettings alertmanager, Optional<Integer> metricsPort) {

    /** The default of {@link #finishTimeout()}, in seconds. */
    static final long DEFAULT_FINISH_TIMEOUT_S = 120;

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException when the run id is illegal, the application id blank or the finish timeout
     *                                  not positive
     * @throws NullPointerException     when a field is null
     */
    LocalRunOptions {
        EventKeys.validateRunId(runId);
        Objects.requireNonNull(outDir, "outDir");
        Objects.requireNonNull(bootstrap, "bootstrap");
        brokerJvmOptions = List.copyOf(brokerJvmOptions);
        kafkaProperties = Map.copyOf(kafkaProperties);
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(topicSetup, "topicSetup");
        if (applicationId.isBlank()) {
            throw new IllegalArgumentException("The aggregator's application id must not be empty");
        }
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(webhooks, "webhooks");
        if (finishTimeout.isNegative() || finishTimeout.isZero()) {
            throw new IllegalArgumentException("The finish timeout must be positive, not " + finishTimeout);
        }
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(alertmanager, "alertmanager");
        Objects.requireNonNull(metricsPort, "metricsPort");
    }

    /**
     * The defaults for a run: an embedded broker with its default JVM options, the default topics created with
     * {@link TopicSetup#DEFAULT}, the default aggregator application id in a temporary state directory, no
     * webhooks, a finish timeout of {@value #DEFAULT_FINISH_TIMEOUT_S} s, no demo target, a preflight request,
     * and this build's version.
     *
     * @param runId  the run id
     * @param outDir the folder for the reports
     * @return the options
     */
    static LocalRunOptions of(String runId, Path outDir) {
        return new LocalRunOptions(runId, outDir, Optional.empty(), List.of(), Map.of(), Topics.DEFAULT,
                TopicSetup.DEFAULT, AggregatorConfig.DEFAULT_APPLICATION_ID, Optional.empty(),
                WebhookSettings.DEFAULT, Duration.ofSeconds(DEFAULT_FINISH_TIMEOUT_S), false, true,
                VersionProvider.load().getProperty("version", "unknown"), AlertmanagerSettings.DEFAULT,
                Optional.empty());
    }

    /** These options with a Kafka cluster's bootstrap servers; null to start an embedded broker. */
    LocalRunOptions withBootstrap(String value) {
        return new LocalRunOptions(runId, outDir, Optional.ofNullable(value), brokerJvmOptions, kafkaProperties,
                topics, topicSetup, applicationId, stateDir, webhooks, finishTimeout, demoTarget, preflight, version,
                alertmanager, metricsPort);
    }

    /** These options with other JVM options for the embedded broker. */
    LocalRunOptions withBrokerJvmOptions(List<String> value) {
        return new LocalRunOptions(runId, outDir, bootstrap, value, kafkaProperties, topics, topicSetup,
                applicationId, stateDir, webhooks, finishTimeout, demoTarget, preflight, version,
                alertmanager, metricsPort);
    }

    /** These options with extra Kafka client properties. */
    LocalRunOptions withKafkaProperties(Map<String, String> value) {
        return new LocalRunOptions(runId, outDir, bootstrap, brokerJvmOptions, value, topics, topicSetup,
                applicationId, stateDir, webhooks, finishTimeout, demoTarget, preflight, version,
                alertmanager, metricsPort);
    }

    /** These options with other topic names. */
    LocalRunOptions withTopics(Topics value) {
        return new LocalRunOptions(runId, outDir, bootstrap, brokerJvmOptions, kafkaProperties, value, topicSetup,
                applicationId, stateDir, webhooks, finishTimeout, demoTarget, preflight, version,
                alertmanager, metricsPort);
    }

    /** These options with another partition count and replication factor for the topics created. */
    LocalRunOptions withTopicSetup(TopicSetup value) {
        return new LocalRunOptions(runId, outDir, bootstrap, brokerJvmOptions, kafkaProperties, topics, value,
                applicationId, stateDir, webhooks, finishTimeout, demoTarget, preflight, version,
                alertmanager, metricsPort);
    }

    /** These options with another aggregator application id. */
    LocalRunOptions withApplicationId(String value) {
        return new LocalRunOptions(runId, outDir, bootstrap, brokerJvmOptions, kafkaProperties, topics, topicSetup,
                value, stateDir, webhooks, finishTimeout, demoTarget, preflight, version,
                alertmanager, metricsPort);
    }

    /** These options with a state directory for the aggregator that is kept; null for a temporary one. */
    LocalRunOptions withStateDir(Path value) {
        return new LocalRunOptions(runId, outDir, bootstrap, brokerJvmOptions, kafkaProperties, topics, topicSetup,
                applicationId, Optional.ofNullable(value), webhooks, finishTimeout, demoTarget, preflight, version,
                alertmanager, metricsPort);
    }

    /** These options with other webhooks. */
    LocalRunOptions withWebhooks(WebhookSettings value) {
        return new LocalRunOptions(runId, outDir, bootstrap, brokerJvmOptions, kafkaProperties, topics, topicSetup,
                applicationId, stateDir, value, finishTimeout, demoTarget, preflight, version,
                alertmanager, metricsPort);
    }

    /** These options with another finish timeout. */
    LocalRunOptions withFinishTimeout(Duration value) {
        return new LocalRunOptions(runId, outDir, bootstrap, brokerJvmOptions, kafkaProperties, topics, topicSetup,
                applicationId, stateDir, webhooks, value, demoTarget, preflight, version,
                alertmanager, metricsPort);
    }

    /** These options with the demo target on or off. */
    LocalRunOptions withDemoTarget(boolean value) {
        return new LocalRunOptions(runId, outDir, bootstrap, brokerJvmOptions, kafkaProperties, topics, topicSetup,
                applicationId, stateDir, webhooks, finishTimeout, value, preflight, version,
                alertmanager, metricsPort);
    }

    /** These options with the preflight request on or off. */
    LocalRunOptions withPreflight(boolean value) {
        return new LocalRunOptions(runId, outDir, bootstrap, brokerJvmOptions, kafkaProperties, topics, topicSetup,
                applicationId, stateDir, webhooks, finishTimeout, demoTarget, value, version,
                alertmanager, metricsPort);
    }

    /** These options with Alertmanagers to post alerts to. */
    LocalRunOptions withAlertmanager(AlertmanagerSettings value) {
        return new LocalRunOptions(runId, outDir, bootstrap, brokerJvmOptions, kafkaProperties, topics, topicSetup,
                applicationId, stateDir, webhooks, finishTimeout, demoTarget, preflight, version, value,
                metricsPort);
    }

    /** These options with a Prometheus endpoint on this port (0 for a free one), or none when empty. */
    LocalRunOptions withMetricsPort(Optional<Integer> value) {
        return new LocalRunOptions(runId, outDir, bootstrap, brokerJvmOptions, kafkaProperties, topics, topicSetup,
                applicationId, stateDir, webhooks, finishTimeout, demoTarget, preflight, version, alertmanager,
                value);
    }
}
