package io.loadstream.aggregator.topology;

import static io.loadstream.schemas.fixtures.EventFixtures.control;
import static io.loadstream.schemas.fixtures.EventFixtures.ok;
import static io.loadstream.schemas.fixtures.EventFixtures.started;
import static io.loadstream.schemas.fixtures.EventFixtures.system;
import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.aggregator.AggregatorConfig;
import io.loadstream.events.ControlType;
import io.loadstream.events.EndpointTotals;
import io.loadstream.events.EndpointWindow;
import io.loadstream.events.HostRole;
import io.loadstream.events.RequestTiming;
import io.loadstream.events.RunControl;
import io.loadstream.events.SystemSample;
import io.loadstream.events.SystemSecond;
import io.loadstream.events.SystemWindow;
import io.loadstream.schemas.DeadLetters;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.EventSerdes;
import io.loadstream.schemas.Topics;
import io.loadstream.schemas.fixtures.EventFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedForward;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedPunctuator;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first stage alone, as Kafka's own examples test their processors: a {@link MockProcessorContext}, records
 * with explicit timestamps, the wall clock moved by hand and the punctuator fired by hand, and what the processor
 * sent to each named sink read from {@code context.forwarded(name)}.
 */
class AggregateProcessorTest {

    private static final Topics TOPICS = Topics.DEFAULT;
    private static final String RUN = "run-1";
    private static final String A = "GET /a";
    /** A window boundary (a whole minute), and now. */
    private static final long T0 = EventFixtures.nowMs();
    private static final Duration IDLE = Duration.ofSeconds(60);

    @TempDir
    Path stateDir;

    private MockProcessorContext<byte[], byte[]> context;
    private AggregateProcessor processor;
    /** Shared with the instance's other tasks, which the tests play by hand. */
    private final RunActivity activity = new RunActivity();
    private long offset;

    @BeforeEach
    void start() {
        context = new MockProcessorContext<>(new Properties(), new TaskId(0, 0), stateDir.toFile());
        LiveStateStore store = LiveStateStore.withoutChangelog(10_000, 2_000);
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        AggregatorConfig config = AggregatorConfig.defaults("127.0.0.1:1").withPartitions(1).withIdleTimeout(IDLE);
        processor = new AggregateProcessor(TOPICS, config, 1, activity);
        context.setCurrentSystemTimeMs(T0);
        processor.init(context);
    }

    @Test
    void closesAWindowWhenTheRunClockPassesItsEndPlusGraceAndSendsItsOutputsToTheirSinks() {
        // given: a run of 10 s windows with 2 s grace, and two requests in its first window
        send(started(RUN, T0, 10_000, 2_000), T0);
        send(ok(RUN, A, T0 + 100, 1_000));
        send(ok(RUN, A, T0 + 9_999, 3_000));

        // when: the clock reaches end + grace - 1 ms, the window stays open
        send(control(RUN, ControlType.HEARTBEAT, T0 + 11_999, 0, 1), T0 + 11_999);
        assertThat(windows()).isEmpty();

        // then: at end + grace, the window and the * share go each to their sink, after the changed totals
        send(control(RUN, ControlType.HEARTBEAT, T0 + 12_000, 0, 1), T0 + 12_000);
        List<EndpointWindow> windows = windows();
        assertThat(windows).hasSize(1);
        assertThat(windows.get(0).getWindowStartMs()).isEqualTo(T0);
        assertThat(windows.get(0).getStats().getCount()).isEqualTo(2);
        assertThat(key(context.forwarded(AggregatorTopology.WINDOWS).get(0)))
                .isEqualTo(EventKeys.windowKey(RUN, A, T0));
        assertThat(context.forwarded(AggregatorTopology.WINDOWS).get(0).record().timestamp()).isEqualTo(T0 + 12_000);
        assertThat(totals()).last().satisfies(t -> {
            assertThat(t.getComplete()).isFalse();
            assertThat(t.getStats().getCount()).isEqualTo(2);
        });
        StarPartial share = shares().get(shares().size() - 1);
        assertThat(share.closedUpToMs()).isEqualTo(T0 + 10_000);
        assertThat(share.complete()).isFalse();
        assertThat(share.windows()).containsOnlyKeys(T0);
        assertThat(share.totals().count()).isEqualTo(2);
        assertThat(context.forwarded()).allMatch(f -> f.childName().isPresent());
    }

    @Test
    void theWallClockPunctuatorClosesAnIdleRunAtTheIdleTimeoutAndNotBefore() {
        // given: a run whose generator fell silent after one request
        send(started(RUN, T0, 10_000, 2_000), T0);
        send(ok(RUN, A, T0 + 1_000, 1_000));
        CapturedPunctuator tick = context.scheduledPunctuators().get(0);
        assertThat(tick.getType()).isEqualTo(PunctuationType.WALL_CLOCK_TIME);
        assertThat(tick.getInterval()).isEqualTo(Duration.ofMillis(AggregateProcessor.TICK_MS));

        // when: the punctuator fires just before the idle timeout, nothing closes (the instance's other tasks keep
        // reading records of other runs meanwhile: the broker answers)
        context.resetForwards();
        othersRead(T0 + 1_000, T0 + IDLE.toMillis());
        tick.getPunctuator().punctuate(T0 + IDLE.toMillis() - 1);
        assertThat(context.forwarded()).isEmpty();

        // then: at the idle timeout, the window and the complete totals come out
        tick.getPunctuator().punctuate(T0 + IDLE.toMillis());
        assertThat(windows()).singleElement().satisfies(w -> assertThat(w.getStats().getCount()).isEqualTo(1));
        assertThat(totals()).singleElement().satisfies(t -> assertThat(t.getComplete()).isTrue());
        assertThat(shares()).singleElement().satisfies(s -> assertThat(s.complete()).isTrue());
    }

    @Test
    void whileTheWholeInstanceReadsNothingARunIsNotIdleAndAfterwardsItGetsOneIdlePeriodForItsHeldRecords() {
        // given: a run read at T0, then a broker outage: the instance reads nothing at all for 100 s
        send(started(RUN, T0, 10_000, 2_000), T0);
        send(ok(RUN, A, T0 + 1_000, 1_000));
        CapturedPunctuator tick = context.scheduledPunctuators().get(0);
        context.resetForwards();

        // when: the idle timeout passes during the silence, the run stays open
        tick.getPunctuator().punctuate(T0 + IDLE.toMillis());
        tick.getPunctuator().punctuate(T0 + 100_000);
        assertThat(context.forwarded()).isEmpty();

        // then: reading resumes (another run's record at another task); this run's held records have one idle
        // period to arrive, and it closes as idle only after that
        long resumed = T0 + 100_000;
        othersRead(resumed, resumed + IDLE.toMillis());
        tick.getPunctuator().punctuate(resumed + IDLE.toMillis() - 1);
        assertThat(context.forwarded()).isEmpty();
        tick.getPunctuator().punctuate(resumed + IDLE.toMillis());
        assertThat(totals()).singleElement().satisfies(t -> assertThat(t.getComplete()).isTrue());
    }

    @Test
    void aSilenceLongerThanTheLongestOutageClosesTheRunAsIdle() {
        // given: a run read at T0 (its records carry later times), and then nothing read by the instance at all
        send(started(RUN, T0, 10_000, 2_000), T0);
        send(ok(RUN, A, T0 + 1_000, 1_000));
        CapturedPunctuator tick = context.scheduledPunctuators().get(0);
        context.resetForwards();
        long lastRead = T0;

        // when / then: held just before the idle timeout plus the longest silence, closed at it (its generators
        // may all be gone)
        tick.getPunctuator().punctuate(lastRead + IDLE.toMillis() + RunActivity.MAX_SILENCE_MS - 1);
        assertThat(context.forwarded()).isEmpty();
        tick.getPunctuator().punctuate(lastRead + IDLE.toMillis() + RunActivity.MAX_SILENCE_MS);
        assertThat(totals()).singleElement().satisfies(t -> assertThat(t.getComplete()).isTrue());
    }

    @Test
    void aRunThatAnotherTaskOfTheInstanceStillReadsIsNotClosedAsIdleHere() {
        // given: a run quiet at this task after one request, while another task keeps reading its requests
        send(started(RUN, T0, 10_000, 2_000), T0);
        send(ok(RUN, A, T0 + 1_000, 1_000));
        CapturedPunctuator tick = context.scheduledPunctuators().get(0);
        activity.seen(RUN, T0 + IDLE.toMillis() - 1);
        othersRead(T0 + 1_000, T0 + 2 * IDLE.toMillis());

        // when: the idle timeout passes here
        context.resetForwards();
        tick.getPunctuator().punctuate(T0 + IDLE.toMillis());

        // then: nothing closes while the other task read the run within the timeout; once it too falls silent for
        // the timeout, the run closes here
        assertThat(context.forwarded()).isEmpty();
        tick.getPunctuator().punctuate(T0 + 2 * IDLE.toMillis());
        assertThat(totals()).singleElement().satisfies(t -> assertThat(t.getComplete()).isTrue());
    }

    @Test
    void finishedWithoutPerPartitionCountsClosesTheRunAfterAQuietPeriodOfWallClock() {
        send(started(RUN, T0, 10_000, 2_000), T0);
        send(ok(RUN, A, T0 + 100, 1_000));
        RunControl finished = control(RUN, ControlType.FINISHED, T0 + 1_000, 0, 1);
        finished.setRequestsSent(2);
        send(finished, T0 + 1_000);
        context.setCurrentSystemTimeMs(T0 + 2_000);
        send(ok(RUN, A, T0 + 200, 1_000));
        CapturedPunctuator tick = context.scheduledPunctuators().get(0);

        tick.getPunctuator().punctuate(T0 + 2_000 + RunState.FINISH_QUIET_MS - 1);
        assertThat(totals()).as("a request less than the quiet period ago").isEmpty();

        tick.getPunctuator().punctuate(T0 + 2_000 + RunState.FINISH_QUIET_MS);
        assertThat(totals()).singleElement().satisfies(t -> {
            assertThat(t.getComplete()).isTrue();
            assertThat(t.getStats().getCount()).isEqualTo(2);
        });
    }

    @Test
    void finishedWithPerPartitionCountsClosesTheRunWithTheLastRequestExpectedWithoutAPunctuation() {
        send(started(RUN, T0, 10_000, 2_000), T0);
        send(ok(RUN, A, T0 + 100, 1_000));
        RunControl finished = control(RUN, ControlType.FINISHED, T0 + 1_000, 0, 1);
        finished.setRequestsSent(2);
        finished.setRequestsPerPartition(List.of(2L));
        send(finished, T0 + 1_000);
        assertThat(totals()).isEmpty();

        send(ok(RUN, A, T0 + 200, 1_000));

        assertThat(totals()).singleElement().satisfies(t -> {
            assertThat(t.getComplete()).isTrue();
            assertThat(t.getStats().getCount()).isEqualTo(2);
        });
        // and: later records of the closed run are ignored, not a new run
        context.resetForwards();
        send(ok(RUN, A, T0 + 300, 1_000));
        context.scheduledPunctuators().get(0).getPunctuator().punctuate(T0 + 10 * IDLE.toMillis());
        assertThat(context.forwarded()).isEmpty();
    }

    @Test
    void aRecordThatDoesNotDecodeGoesUnchangedToTheDeadLetterSinkWithTheSharedHeaders() {
        // given: a foreign record with a header of its own, at offset 41 of partition 0
        byte[] key = "bad-key".getBytes(StandardCharsets.UTF_8);
        byte[] value = "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8);
        RecordHeaders headers = new RecordHeaders(List.of(new RecordHeader("trace", new byte[] {1})));
        offset = 41;

        // when
        context.setRecordMetadata(TOPICS.requests(), 0, offset);
        processor.process(new Record<>(key, value, T0, headers));

        // then
        List<CapturedForward<? extends byte[], ? extends byte[]>> dead =
                context.forwarded(AggregatorTopology.DEAD_LETTERS);
        assertThat(dead).hasSize(1);
        Record<? extends byte[], ? extends byte[]> letter = dead.get(0).record();
        assertThat(letter.key()).isEqualTo(key);
        assertThat(letter.value()).isEqualTo(value);
        assertThat(letter.timestamp()).isEqualTo(T0);
        assertThat(letter.headers().lastHeader("trace").value()).containsExactly(1);
        assertThat(DeadLetters.read(letter.headers(), DeadLetters.REASON)).isEqualTo("BAD_HEADER");
        assertThat(DeadLetters.read(letter.headers(), DeadLetters.SOURCE)).isEqualTo(TOPICS.requests() + "/0@41");
        assertThat(DeadLetters.read(letter.headers(), DeadLetters.CONSUMER)).isEqualTo(EventDecoder.CONSUMER);
        assertThat(context.forwarded()).hasSize(1);
    }

    @Test
    void tombstonesIllegalRunIdsEmptyNamesAndKeylessRecordsGoToTheDeadLetterSink() {
        context.setRecordMetadata(TOPICS.control(), 0, offset++);
        processor.process(new Record<>(RUN.getBytes(StandardCharsets.UTF_8), null, T0));
        send(ok("", A, T0, 1_000));
        send(ok("no spaces allowed", A, T0, 1_000));
        send(ok(RUN, "", T0, 1_000));
        send(system(RUN, "", T0, 10.0, 100));
        context.setRecordMetadata(TOPICS.requests(), 0, offset++);
        processor.process(new Record<>(null, EventSerdes.requestTiming().serialize(TOPICS.requests(),
                ok(RUN, A, T0, 1_000)), T0));

        assertThat(context.forwarded(AggregatorTopology.DEAD_LETTERS).stream()
                .map(f -> DeadLetters.read(f.record().headers(), DeadLetters.REASON)).toList())
                .containsExactly("NULL_VALUE", "INVALID_RUN_ID", "INVALID_RUN_ID", "EMPTY_ENDPOINT", "EMPTY_HOST",
                        "NULL_KEY");
        assertThat(context.forwarded()).hasSize(6);
    }

    @Test
    void systemSamplesGoToTheSystemWindowsSinkWhenTheRunClockClosesTheirWindow() {
        send(started(RUN, T0, 10_000, 2_000), T0);
        send(system(RUN, "gen-host", T0 + 1_000, 10.0, 100));
        send(system(RUN, "gen-host", T0 + 2_000, 30.0, 300));
        send(control(RUN, ControlType.HEARTBEAT, T0 + 12_000, 0, 1), T0 + 12_000);

        List<SystemWindow> windows = context.forwarded(AggregatorTopology.SYSTEM_WINDOWS).stream()
                .map(f -> EventSerdes.systemWindow().deserialize(TOPICS.systemWindows(), f.record().value()))
                .toList();
        assertThat(windows).singleElement().satisfies(w -> {
            assertThat(w.getSamples()).isEqualTo(2);
            assertThat(w.getCpuMean()).isEqualTo(20.0);
        });
        // and: a sample for the closed window is dropped
        context.resetForwards();
        send(system(RUN, "gen-host", T0 + 3_000, 50.0, 500));
        send(control(RUN, ControlType.FINISHED, T0 + 13_000, 0, 1), T0 + 13_000);
        context.scheduledPunctuators().get(0).getPunctuator().punctuate(T0 + RunState.FINISH_QUIET_MS);
        assertThat(context.forwarded(AggregatorTopology.SYSTEM_WINDOWS)).isEmpty();
    }

    @Test
    void aGeneratorAndAnAgentOnOneHostKeepTwoSeriesWithTheirOwnSeconds() {
        // given: a generator and an agent on one host, sampling the same seconds
        send(started(RUN, T0, 10_000, 2_000), T0);
        for (int second = 1; second <= 3; second++) {
            send(system(RUN, "box", T0 + second * 1_000L, 20.0, 100));
            SystemSample agent = system(RUN, "box", T0 + second * 1_000L, 80.0, 900);
            agent.setRole(HostRole.TARGET);
            send(agent);
        }

        // when the run clock passes the window
        send(control(RUN, ControlType.HEARTBEAT, T0 + 12_000, 0, 1), T0 + 12_000);

        // then each role has its own window, key and per-second samples
        Map<String, SystemWindow> byKey = new HashMap<>();
        context.forwarded(AggregatorTopology.SYSTEM_WINDOWS).forEach(f -> byKey.put(
                new String(f.record().key(), StandardCharsets.UTF_8),
                EventSerdes.systemWindow().deserialize(TOPICS.systemWindows(), f.record().value())));
        assertThat(byKey).containsOnlyKeys(RUN + "|box|GENERATOR|" + T0, RUN + "|box|TARGET|" + T0);
        SystemWindow generator = byKey.get(RUN + "|box|GENERATOR|" + T0);
        assertThat(generator.getRole()).isEqualTo(HostRole.GENERATOR);
        assertThat(generator.getCpuMax()).isEqualTo(20.0);
        assertThat(generator.getSeconds()).extracting(SystemSecond::getTimestampMs)
                .containsExactly(T0 + 1_000, T0 + 2_000, T0 + 3_000);
        assertThat(byKey.get(RUN + "|box|TARGET|" + T0).getCpuMax()).isEqualTo(80.0);
        assertThat(byKey.get(RUN + "|box|TARGET|" + T0).getSeconds()).hasSize(3);
    }

    /** The instance's other tasks read a record (of other runs) each second from {@code fromMs} until {@code toMs}. */
    private void othersRead(long fromMs, long toMs) {
        for (long t = fromMs; t < toMs; t += 1_000) {
            activity.read(t);
        }
    }

    private void send(RequestTiming request) {
        context.setRecordMetadata(TOPICS.requests(), 0, offset++);
        // Not EventKeys.requestKey: it refuses the illegal names that some tests send.
        processor.process(new Record<>(bytes(request.getRunId() + EventKeys.SEPARATOR + request.getEndpoint()),
                EventSerdes.requestTiming().serialize(TOPICS.requests(), request),
                request.getIntendedStartUs() / 1000));
    }

    private void send(RunControl control, long watermarkMs) {
        context.setRecordMetadata(TOPICS.control(), 0, offset++);
        processor.process(new Record<>(bytes(control.getRunId()),
                EventSerdes.runControl().serialize(TOPICS.control(), control), watermarkMs));
    }

    private void send(SystemSample sample) {
        context.setRecordMetadata(TOPICS.system(), 0, offset++);
        processor.process(new Record<>(bytes(sample.getRunId()),
                EventSerdes.systemSample().serialize(TOPICS.system(), sample), sample.getTimestampMs()));
    }

    private List<EndpointWindow> windows() {
        return context.forwarded(AggregatorTopology.WINDOWS).stream()
                .map(f -> EventSerdes.endpointWindow().deserialize(TOPICS.windows(), f.record().value())).toList();
    }

    private List<EndpointTotals> totals() {
        return context.forwarded(AggregatorTopology.TOTALS).stream()
                .map(f -> EventSerdes.endpointTotals().deserialize(TOPICS.totals(), f.record().value())).toList();
    }

    private List<StarPartial> shares() {
        return context.forwarded(AggregatorTopology.STAR_SHARES).stream().map(f -> {
            try {
                return StarPartial.decode(f.record().value());
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        }).collect(Collectors.toList());
    }

    private static String key(CapturedForward<? extends byte[], ? extends byte[]> forward) {
        return new String(forward.record().key(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
