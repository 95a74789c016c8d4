package io.loadstream.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.loadstream.events.ControlType;
import io.loadstream.events.KafkaOutage;
import io.loadstream.events.RequestTiming;
import io.loadstream.events.RunControl;
import io.loadstream.generator.plan.Plan;
import io.loadstream.generator.publish.ControlOrderProbe;
import io.loadstream.generator.publish.OutageBuffer;
import io.loadstream.schemas.EventSerdes;
import io.loadstream.schemas.Topics;
import io.loadstream.testkit.RestartableBroker;
import io.loadstream.testkit.TestKafka;
import io.loadstream.testkit.TopicReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generator rides out a broker crash: the broker is killed ({@code kill -9}) during the load and started again
 * on the same port and data 25 s of load later (bench/broker-outage.sh runs the same with 3 minutes at 1,000/s).
 * Nothing is lost: every request is on the topic, FINISHED names the outage with its figures, the journal was used
 * and is gone, and the load went on as planned during the outage.
 */
@ExtendWith(LoopbackExtension.class)
class GeneratorBrokerOutageTest {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GeneratorBrokerOutageTest.class);
    /** Planned requests per second; bench/broker-outage.sh sets a higher one. */
    private static final double RATE_PER_S = Double.parseDouble(System.getProperty("loadstream.outage.rate", "250"));
    /** Seconds of load while the broker is down; bench/broker-outage.sh sets a longer one. */
    private static final long OUTAGE_S = Long.getLong("loadstream.outage.seconds", 25);
    /** Seconds of load before the kill. */
    private static final long BEFORE_S = 8;
    /**
     * The whole load: before, during, and after (the restart and the journal's delivery), with room for a loaded
     * machine that reaches the planned rate late: the kill and the restart wait for requests, not for time.
     */
    private static final Duration LOAD = Duration.ofSeconds(BEFORE_S * 2 + OUTAGE_S + 30);
    /** Requests the target sees before the broker is killed. */
    private static final long BEFORE_KILL = (long) (RATE_PER_S * BEFORE_S);
    /** Requests the target sees while the broker is down, before it is started again. */
    private static final long DURING_OUTAGE = (long) (RATE_PER_S * OUTAGE_S);
    /** Unacknowledged records held in memory: small, so that most of the outage goes through the journal. */
    private static final int MEMORY_EVENTS = 1_000;

    @Test
    void ridesOutABrokerCrashWithNothingLostAndTheLoadUnchanged(Loopback target, @TempDir Path dir)
            throws Exception {
        // given
        Path journalDir = dir.resolve("journal");
        try (RestartableBroker broker = RestartableBroker.start(dir.resolve("broker"))) {
            TestKafka kafka = broker.kafka();
            GeneratorConfig config = Loopback.config(kafka, "outage")
                    .withOutageBuffer(OutageBuffer.DEFAULT.withMemoryEvents(MEMORY_EVENTS)
                            .withJournalDirectory(journalDir))
                    .withKafkaProperties(Map.of(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG,
                            ControlOrderProbe.class.getName()))
                    .withProgress(line -> LOG.warn("progress: {}", line));
            Plan plan = Plans.plan(target.url(), Plans.constantRate(RATE_PER_S, LOAD, 20, 200),
                    Plans.get("/fixed?ms=5"));
            // Watches, inside the generator's producer, every control record against the timings not yet acknowledged.
            ControlOrderProbe.Figures order = ControlOrderProbe.of("loadstream-generator-" + config.runId() + "-0");
            CompletableFuture<GeneratorResult> running = CompletableFuture.supplyAsync(() -> {
                try {
                    return new Generator(config).run(plan);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            });

            // when: killed after 8 s of load, started again after 25 s more
            await().atMost(Duration.ofSeconds(90)).until(() -> target.server().arrived.get() >= BEFORE_KILL);
            broker.kill();
            LOG.warn("broker killed");
            long killedAt = target.server().arrived.get();
            await().atMost(Duration.ofSeconds(OUTAGE_S * 2 + 90))
                    .until(() -> target.server().arrived.get() >= killedAt + DURING_OUTAGE);
            LOG.warn("restarting the broker");
            broker.restart();
            LOG.warn("broker restarted");
            GeneratorResult result = running.get(LOAD.toSeconds() + 180, TimeUnit.SECONDS);

            // then: nothing lost, every request on the topic
            Topics topics = config.topics();
            assertThat(result.eventsDropped()).isZero();
            List<RequestTiming> timings = TopicReader.values(
                    TopicReader.readAll(kafka, topics.requests(), result.requestsSent()),
                    bytes -> EventSerdes.requestTiming().deserialize(topics.requests(), bytes));
            assertThat(timings).hasSize((int) result.requestsSent());

            // and FINISHED names the outage: at least the 25 s of load, everything made during it buffered
            List<ConsumerRecord<byte[], byte[]>> control = TopicReader.readAll(kafka, topics.control(), 0);
            RunControl finished = control.stream()
                    .map(r -> EventSerdes.runControl().deserialize(topics.control(), r.value()))
                    .filter(c -> c.getType() == ControlType.FINISHED).findFirst().orElseThrow();
            assertThat(finished.getEventsDropped()).isZero();
            assertThat(finished.getTimingsDropped()).isZero();
            assertThat(finished.getEventsJournaled()).isPositive();
            KafkaOutage outage = finished.getKafkaOutages().stream()
                    .max(Comparator.comparingLong(KafkaOutage::getDurationMs)).orElseThrow();
            assertThat(outage.getDurationMs()).isGreaterThanOrEqualTo(TimeUnit.SECONDS.toMillis(OUTAGE_S) * 8 / 10);
            assertThat(outage.getEventsBuffered()).isGreaterThanOrEqualTo(DURING_OUTAGE);
            assertThat(outage.getEventsLost()).isZero();

            // and the control records of each partition are in the order they were sent (watermarks never go back)
            control.stream().collect(java.util.stream.Collectors.groupingBy(ConsumerRecord::partition))
                    .values().forEach(records -> assertThat(records.stream().map(ConsumerRecord::timestamp)
                            .toList()).isSorted());

            // and the load went on as planned while the broker was down: every planned iteration is accounted for
            // (a cold JVM on a loaded machine may drop some at the start, for lack of a free VU), and the requests
            // planned for the outage were sent during it, not after it (a request loop waiting on Kafka would
            // have sent them late, or dropped them)
            long planned = Math.round(RATE_PER_S * LOAD.toSeconds());
            assertThat(result.requestsSent() + result.droppedIterations()).isBetween(planned - 1, planned + 1);
            long fromUs = (outage.getStartedMs() + 1_000) * 1_000;
            long toUs = (outage.getStartedMs() + outage.getDurationMs() - 1_000) * 1_000;
            long sentDuring = timings.stream()
                    .filter(t -> t.getActualStartUs() >= fromUs && t.getActualStartUs() < toUs).count();
            long plannedDuring = timings.stream()
                    .filter(t -> t.getIntendedStartUs() >= fromUs && t.getIntendedStartUs() < toUs).count();
            double ratePerS = sentDuring / ((toUs - fromUs) / 1e6);
            LOG.warn("figures: {} requests sent, {} on the topic, {} dropped; outage {} ms, {} events buffered, {} "
                    + "journaled, {} lost; {} requests/s sent during the outage ({} sent, {} planned; plan {}/s)",
                    result.requestsSent(),
                    timings.size(), result.eventsDropped(), outage.getDurationMs(), outage.getEventsBuffered(),
                    finished.getEventsJournaled(), outage.getEventsLost(), String.format("%.1f", ratePerS),
                    sentDuring, plannedDuring, RATE_PER_S);
            assertThat(sentDuring).isGreaterThanOrEqualTo(plannedDuring * 9 / 10);

            // and every timing handed to the producer had its outcome reported, and no control record (heartbeats
            // during the outage, through the journal and after it) carried a watermark past a timing not yet
            // acknowledged: the aggregator cannot count one of them late because a heartbeat overtook it
            LOG.warn("control order: {}", order);
            assertThat(order.timingsSettled()).isEqualTo(order.timingsSent());
            assertThat(order.controlsWithTimingsBefore()).as(order.toString()).isPositive();
            assertThat(order.controlsAfterUnsettled()).as(order.toString()).isZero();

            // and the journal is gone once sent
            try (Stream<Path> left = Files.exists(journalDir) ? Files.list(journalDir) : Stream.empty()) {
                assertThat(left).isEmpty();
            }
        }
    }
}
