package io.loadstream.aggregator;

import io.loadstream.events.EndpointTotals;
import io.loadstream.events.EndpointWindow;
import io.loadstream.events.RequestTiming;
import io.loadstream.events.RunControl;
import io.loadstream.events.SystemSample;
import io.loadstream.events.SystemWindow;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.EventSerdes;
import io.loadstream.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/** The production topology in a {@link TopologyTestDriver}, with typed topics. One partition, so one task. */
final class TopologyHarness implements AutoCloseable {

    static final Topics TOPICS = Topics.DEFAULT;

    final TopologyTestDriver driver;
    final TestInputTopic<String, RequestTiming> requests;
    final TestInputTopic<String, RunControl> control;
    final TestInputTopic<String, SystemSample> system;
    final TestInputTopic<byte[], byte[]> rawRequests;
    final TestOutputTopic<String, EndpointWindow> windows;
    final TestOutputTopic<String, EndpointTotals> totals;
    final TestOutputTopic<String, SystemWindow> systemWindows;
    final TestOutputTopic<byte[], byte[]> dlq;

    TopologyHarness(Path stateDir, Instant wallClock) {
        this(AggregatorConfig.defaults("127.0.0.1:1").withPartitions(1).withStateDir(stateDir), wallClock);
    }

    TopologyHarness(AggregatorConfig config, Instant wallClock) {
        Properties props = Aggregator.streamsConfig(config);
        driver = new TopologyTestDriver(Aggregator.buildTopology(TOPICS, config), props, wallClock);
        StringSerializer keys = new StringSerializer();
        requests = driver.createInputTopic(TOPICS.requests(), keys, EventSerdes.requestTiming());
        control = driver.createInputTopic(TOPICS.control(), keys, EventSerdes.runControl());
        system = driver.createInputTopic(TOPICS.system(), keys, EventSerdes.systemSample());
        rawRequests = driver.createInputTopic(TOPICS.requests(), new ByteArraySerializer(), new ByteArraySerializer());
        StringDeserializer keyReader = new StringDeserializer();
        windows = driver.createOutputTopic(TOPICS.windows(), keyReader, EventSerdes.endpointWindow());
        totals = driver.createOutputTopic(TOPICS.totals(), keyReader, EventSerdes.endpointTotals());
        systemWindows = driver.createOutputTopic(TOPICS.systemWindows(), keyReader, EventSerdes.systemWindow());
        dlq = driver.createOutputTopic(TOPICS.dlq(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    void send(RequestTiming request) {
        requests.pipeInput(EventKeys.requestKey(request.getRunId(), request.getEndpoint()), request,
                request.getIntendedStartUs() / 1000);
    }

    void send(RunControl record, long watermarkMs) {
        control.pipeInput(record.getRunId(), record, watermarkMs);
    }

    void send(SystemSample sample) {
        system.pipeInput(EventKeys.hostKey(sample.getRunId(), sample.getHost()), sample, sample.getTimestampMs());
    }

    /** Entries in the aggregator's changelogged live-state store now. */
    long storedLiveStateEntries() {
        return ((io.loadstream.aggregator.topology.LiveStateStore) driver.getStateStore(
                io.loadstream.aggregator.topology.LiveStateStore.NAME)).storedEntries();
    }

    /** Entries in the {@code *} merge store now. */
    long storedStarEntries() {
        return driver.getKeyValueStore("star-merge").approximateNumEntries();
    }

    void advanceWallClock(Duration by) {
        driver.advanceWallClockTime(by);
    }

    static <V> List<KeyValue<String, V>> drain(TestOutputTopic<String, V> topic) {
        List<KeyValue<String, V>> out = new ArrayList<>();
        for (TestRecord<String, V> record : topic.readRecordsToList()) {
            out.add(KeyValue.pair(record.key(), record.value()));
        }
        return out;
    }

    @Override
    public void close() {
        driver.close();
    }
}
