package io.loadstream.generator.system;

import io.loadstream.events.HostRole;
import io.loadstream.generator.publish.KafkaSettings;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.EventSerdes;
import io.loadstream.schemas.TopicSetup;
import io.loadstream.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The system sampler on its own, for the machine under test ({@code loadstream agent}): a {@code SystemSample}
 * every second on the system topic, with the host's figures and, when asked, a watched process's, until the run
 * ends (when a run-end callback is given) or {@link #close()}. Samples that cannot be delivered are counted.
 */
public final class SystemAgent implements AutoCloseable {

    private final Producer<byte[], byte[]> producer;
    private final SamplerLoop loop;
    private final RunEndWatcher runEnd;
    private final LongAdder sent = new LongAdder();
    private final LongAdder dropped = new LongAdder();

    /**
     * Creates the topics if missing and starts sampling.
     *
     * @param bootstrap       Kafka bootstrap servers
     * @param runId           the run the samples belong to
     * @param role            what this host does in the run
     * @param topics          the topic names
     * @param kafkaProperties extra Kafka client properties
     * @throws IllegalArgumentException when the run id is illegal
     * @throws IllegalStateException    when Kafka cannot be reached
     */
    public SystemAgent(String bootstrap, String runId, HostRole role, Topics topics,
                       Map<String, String> kafkaProperties) {
        this(bootstrap, runId, role, topics, kafkaProperties, null, null);
    }

    /**
     * Creates the topics if missing and starts sampling, with a watched process, following the run's end.
     *
     * @param bootstrap       Kafka bootstrap servers
     * @param runId           the run the samples belong to
     * @param role            what this host does in the run
     * @param topics          the topic names
     * @param kafkaProperties extra Kafka client properties
     * @param watched         the process to report besides the host, or null for none
     * @param onRunEnd        called once when every generator of the run has finished, after sampling stopped;
     *                        null to sample until {@link #close()}
     * @throws IllegalArgumentException when the run id is illegal
     * @throws IllegalStateException    when Kafka cannot be reached
     */
    public SystemAgent(String bootstrap, String runId, HostRole role, Topics topics,
                       Map<String, String> kafkaProperties, WatchedProcess watched, Runnable onRunEnd) {
        EventKeys.validateRunId(runId);
        TopicSetup.DEFAULT.ensure(KafkaSettings.admin(bootstrap, kafkaProperties), topics);
        String host = SystemSampler.hostName();
        this.producer = new KafkaProducer<>(KafkaSettings.producer(bootstrap, "loadstream-agent-" + runId,
                kafkaProperties));
        byte[] key = EventKeys.hostKey(runId, host).getBytes(StandardCharsets.UTF_8);
        SystemSampler sampler = new SystemSampler(runId, host, role, null, System::currentTimeMillis, Path.of("."),
                watched);
        this.loop = new SamplerLoop(sampler, sample -> {
            byte[] value = EventSerdes.systemSample().serialize(topics.system(), sample);
            try {
                producer.send(new ProducerRecord<>(topics.system(), null, sample.getTimestampMs(), key, value),
                        (metadata, exception) -> (exception == null ? sent : dropped).increment());
            } catch (RuntimeException e) {
                dropped.increment();
            }
        });
        this.runEnd = onRunEnd == null ? null : new RunEndWatcher(KafkaSettings.controlConsumer(bootstrap,
                "loadstream-agent-" + runId + "-control", kafkaProperties), topics.control(), runId,
                System.currentTimeMillis(), () -> {
                    stopSampling();
                    onRunEnd.run();
                });
    }

    /** Samples the broker has acknowledged so far. */
    public long sent() {
        return sent.sum();
    }

    /** Samples that could not be delivered so far. */
    public long dropped() {
        return dropped.sum();
    }

    /** Stops sampling and flushes what was taken. */
    @Override
    public void close() {
        if (runEnd != null) {
            runEnd.close();
        }
        stopSampling();
    }

    private synchronized void stopSampling() {
        loop.close();
        producer.close(Duration.ofSeconds(10));
    }
}
