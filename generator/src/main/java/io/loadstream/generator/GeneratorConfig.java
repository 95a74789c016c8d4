package io.loadstream.generator;

import io.loadstream.generator.publish.EventPublisher;
import io.loadstream.generator.publish.OutageBuffer;
import io.loadstream.generator.system.SystemSampler;
import io.loadstream.generator.time.TimeSource;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.Topics;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How one generator process joins a run: where Kafka is, which run and which share of the load. Immutable; start
 * from {@link #of(String, String)} and change fields with the {@code with...} methods.
 *
 * @param bootstrap       Kafka bootstrap servers
 * @param runId           the run id ({@code [A-Za-z0-9][A-Za-z0-9._-]{0,99}})
 * @param segment         this process's share of the load
 * @param topics          the topic names
 * @param kafkaProperties extra Kafka client properties (e.g. security), applied over loadstream's own
 * @param timeSource      the clocks
 * @param generatorId     this generator's id, written into every event
 * @param bufferCapacity  events the buffer between the request loop and the producer holds, at least 1
 * @param progress        receives a progress line every 2 s (the CLI prints it); may ignore it
 * @param sampleSystem    whether to publish a {@code SystemSample} every second during the run
 * @param host            the host name written into control records and samples
 * @param version         the loadstream version written into control records
 * @param outageBuffer    what is held while the broker cannot take records (memory, then a journal on disk)
 */
public record GeneratorConfig(String bootstrap, String runId, Segment segment, Topics topics,
                              Map<String, String> kafkaProperties, TimeSource timeSource, String generatorId,
                              int bufferCapacity, Consumer<String> progress, boolean sampleSystem, String host,
                              String version, OutageBuffer outageBuffer) {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException when the run id is illegal, the buffer capacity below 1, or a field null
     */
    public GeneratorConfig {
        Objects.requireNonNull(bootstrap, "bootstrap");
        EventKeys.validateRunId(runId);
        Objects.requireNonNull(segment, "segment");
        Objects.requireNonNull(topics, "topics");
        kafkaProperties = Map.copyOf(kafkaProperties);
        Objects.requireNonNull(timeSource, "timeSource");
        Objects.requireNonNull(generatorId, "generatorId");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(outageBuffer, "outageBuffer");
        if (bufferCapacity < 1) {
            throw new IllegalArgumentException("The event buffer needs a capacity of at least 1, not "
                    + bufferCapacity);
        }
    }

    /**
     * The defaults for a run: the whole load, default topics, the system clocks, a buffer of
     * {@value EventPublisher#DEFAULT_CAPACITY} events, system samples on, progress discarded.
     *
     * @param bootstrap Kafka bootstrap servers
     * @param runId     the run id
     * @return the configuration
     */
    public static GeneratorConfig of(String bootstrap, String runId) {
        String host = SystemSampler.hostName();
        return new GeneratorConfig(bootstrap, runId, Segment.WHOLE, Topics.DEFAULT, Map.of(), TimeSource.SYSTEM,
                host + "-" + ProcessHandle.current().pid(), EventPublisher.DEFAULT_CAPACITY, line -> { }, true,
                host, versionOf(), OutageBuffer.DEFAULT);
    }

    private static String versionOf() {
        String version = GeneratorConfig.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    /** This configuration for another run. */
    public GeneratorConfig withRunId(String value) {
        return new GeneratorConfig(bootstrap, value, segment, topics, kafkaProperties, timeSource, generatorId,
                bufferCapacity, progress, sampleSystem, host, version, outageBuffer);
    }

    /** This configuration with another segment. */
    public GeneratorConfig withSegment(Segment value) {
        return new GeneratorConfig(bootstrap, runId, value, topics, kafkaProperties, timeSource, generatorId,
                bufferCapacity, progress, sampleSystem, host, version, outageBuffer);
    }

    /** This configuration with other topic names. */
    public GeneratorConfig withTopics(Topics value) {
        return new GeneratorConfig(bootstrap, runId, segment, value, kafkaProperties, timeSource, generatorId,
                bufferCapacity, progress, sampleSystem, host, version, outageBuffer);
    }

    /** This configuration with extra Kafka client properties. */
    public GeneratorConfig withKafkaProperties(Map<String, String> value) {
        return new GeneratorConfig(bootstrap, runId, segment, topics, value, timeSource, generatorId,
                bufferCapacity, progress, sampleSystem, host, version, outageBuffer);
    }

    /** This configuration with another time source. */
    public GeneratorConfig withTimeSource(TimeSource value) {
        return new GeneratorConfig(bootstrap, runId, segment, topics, kafkaProperties, value, generatorId,
                bufferCapacity, progress, sampleSystem, host, version, outageBuffer);
    }

    /** This configuration with another generator id. */
    public GeneratorConfig withGeneratorId(String value) {
        return new GeneratorConfig(bootstrap, runId, segment, topics, kafkaProperties, timeSource, value,
                bufferCapacity, progress, sampleSystem, host, version, outageBuffer);
    }

    /** This configuration with another event buffer capacity. */
    public GeneratorConfig withBufferCapacity(int value) {
        return new GeneratorConfig(bootstrap, runId, segment, topics, kafkaProperties, timeSource, generatorId,
                value, progress, sampleSystem, host, version, outageBuffer);
    }

    /** This configuration with another progress sink. */
    public GeneratorConfig withProgress(Consumer<String> value) {
        return new GeneratorConfig(bootstrap, runId, segment, topics, kafkaProperties, timeSource, generatorId,
                bufferCapacity, value, sampleSystem, host, version, outageBuffer);
    }

    /** This configuration with system samples on or off. */
    public GeneratorConfig withSampleSystem(boolean value) {
        return new GeneratorConfig(bootstrap, runId, segment, topics, kafkaProperties, timeSource, generatorId,
                bufferCapacity, progress, value, host, version, outageBuffer);
    }

    /** This configuration with another version string. */
    public GeneratorConfig withVersion(String value) {
        return new GeneratorConfig(bootstrap, runId, segment, topics, kafkaProperties, timeSource, generatorId,
                bufferCapacity, progress, sampleSystem, host, value, outageBuffer);
    }

    /** This configuration with other bounds of what is held during a broker outage. */
    public GeneratorConfig withOutageBuffer(OutageBuffer value) {
        return new GeneratorConfig(bootstrap, runId, segment, topics, kafkaProperties, timeSource, generatorId,
                bufferCapacity, progress, sampleSystem, host, version, value);
    }
}
