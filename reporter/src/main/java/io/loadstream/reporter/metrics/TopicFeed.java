package io.loadstream.reporter.metrics;

import io.loadstream.events.EndpointTotals;
import io.loadstream.events.EndpointWindow;
import io.loadstream.events.RunControl;
import io.loadstream.events.SystemWindow;
import io.loadstream.reporter.intake.RunEvent;
import io.loadstream.reporter.stats.Stats;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.EventSerdes;
import io.loadstream.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds a {@link RunObserver} (the live metrics) from the topics, for every run at once: what {@code aggregate
 * --metrics-port} serves, since the aggregator itself writes its windows in transactions that may be retried. It
 * reads the committed control, windows, totals and system windows from their end as of its start (live, not
 * history), shows each window once (a replay repeats them), and ends a run when its final {@code *} totals arrive.
 * A record that does not decode is skipped (the reporter of its run dead-letters it). One daemon thread.
 */
public final class TopicFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopicFeed.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Topics topics;
    private final RunObserver observer;
    /** Windows shown, per run, until the run ends: a replayed window is not counted twice. */
    private final Map<String, Set<String>> seen = new HashMap<>();
    private final Thread thread;
    private volatile boolean closed;

    /**
     * Starts reading.
     *
     * @param clientProperties Kafka client properties with at least {@code bootstrap.servers}
     * @param topics           the topic names
     * @param observer         what is shown each record
     */
    public TopicFeed(Properties clientProperties, Topics topics, RunObserver observer) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "loadstream-metrics-feed");
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.topics = topics;
        this.observer = observer;
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(topics.control(), topics.windows(), topics.totals(), topics.systemWindows())) {
            for (PartitionInfo info : consumer.partitionsFor(topic, METADATA_TIMEOUT)) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        // Resolves the end offsets now: records published after the constructor returns are all shown.
        partitions.forEach(p -> consumer.position(p, METADATA_TIMEOUT));
        this.thread = new Thread(this::loop, "loadstream-metrics-feed");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        try {
            while (!closed) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    take(record);
                }
            }
        } catch (WakeupException expected) {
            // close() woke the poll.
        } catch (RuntimeException e) {
            LOG.warn("The metrics feed stopped: {}", e.toString());
        } finally {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(2)));
        }
    }

    private void take(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return;
        }
        String topic = record.topic();
        try {
            if (topic.equals(topics.control())) {
                RunControl control = EventSerdes.runControl().deserialize(topic, record.value());
                observer.onEvent(new RunEvent.Control(control));
            } else if (topic.equals(topics.windows())) {
                EndpointWindow window = EventSerdes.endpointWindow().deserialize(topic, record.value());
                String key = window.getEndpoint() + "|" + window.getWindowStartMs();
                if (seen.computeIfAbsent(window.getRunId(), r -> new HashSet<>()).add(key)) {
                    observer.onEvent(new RunEvent.Window(window, Stats.of(window.getStats())));
                }
            } else if (topic.equals(topics.totals())) {
                EndpointTotals totals = EventSerdes.endpointTotals().deserialize(topic, record.value());
                observer.onEvent(new RunEvent.Totals(totals, Stats.of(totals.getStats())));
                if (totals.getComplete() && totals.getEndpoint().equals(EventKeys.ALL_ENDPOINTS)) {
                    seen.remove(totals.getRunId());
                    observer.runEnded(totals.getRunId());
                }
            } else if (topic.equals(topics.systemWindows())) {
                SystemWindow window = EventSerdes.systemWindow().deserialize(topic, record.value());
                observer.onEvent(new RunEvent.HostWindow(window));
            }
        } catch (RuntimeException e) {
            LOG.debug("Skipping a record of {} that does not decode: {}", topic, e.toString());
        }
    }

    /** Stops reading. */
    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
