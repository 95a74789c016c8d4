package io.loadstream.aggregator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.aggregator.stats.Accumulator;
import io.loadstream.events.ControlType;
import io.loadstream.events.HostRole;
import io.loadstream.events.RunControl;
import io.loadstream.events.SystemSample;
import io.loadstream.events.SystemWindow;
import io.loadstream.schemas.Topics;
import io.loadstream.schemas.fixtures.EventFixtures;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.Test;

/** What the store writes before each commit is what a restart rebuilds. */
class LiveStateRoundTripTest {

    @Test
    void restoredStateEqualsTheLiveStateAtTheLastDrain() throws Exception {
        // given: a run of 1 s windows with 10,000 requests over three endpoints, drained now and then
        LiveState state = new LiveState("0_0", 1_000, 0);
        Map<String, byte[]> stored = new HashMap<>();
        ByteBuffer scratch = ByteBuffer.allocate(Accumulator.scratchCapacity());
        RunState run = state.open("r", 0);
        for (int i = 0; i < 10_000; i++) {
            state.endpoint(run, "GET /" + (i % 3)).record(EventFixtures.ok("r", "GET /x", i, 1_000 + i), i,
                    i / 1000 * 1000L, false);
            if (i % 777 == 0) {
                apply(state, stored, scratch);
            }
        }
        // and: both segments finished, expecting more requests than were read, so that the run stays open
        Emitter out = Emitter.aggregate(new MockProcessorContext<>(), Topics.DEFAULT, 0, 1);
        run.control(finished("gen-1", 0, 6_000), 0, 0, 1, 0, out);
        run.control(finished("gen-2", 1, 5_000), 0, 0, 1, 0, out);
        apply(state, stored, scratch);

        // when
        LiveState restored = LiveState.restore(stored.values(), "0_0", 10_000, 2_000);

        // then
        RunState again = restored.run("r");
        assertThat(again.requestsRead()).isEqualTo(10_000);
        assertThat(again.endpoints.get("GET /1").windows).hasSize(10);
        assertThat(again.finishing()).isTrue();
        assertThat(again.windowSizeMs()).isEqualTo(1_000);
        assertThat(written(again, scratch)).as("every field of the run").isEqualTo(written(run, scratch));
    }

    @Test
    void systemWindowsOfBothRolesOnOneHostSurviveARestartWithTheirSeconds() throws Exception {
        LiveState state = new LiveState("0_0", 10_000, 0);
        Map<String, byte[]> stored = new HashMap<>();
        ByteBuffer scratch = ByteBuffer.allocate(Accumulator.scratchCapacity());
        RunState run = state.open("r", 0);
        long now = EventFixtures.nowMs() / 10_000 * 10_000;
        SystemSample agent = EventFixtures.system("r", "box", now + 2_000, 70, 5);
        agent.setRole(HostRole.TARGET);
        run.recordSystem(EventFixtures.system("r", "box", now + 1_000, 30, 5));
        run.recordSystem(EventFixtures.system("r", "box", now + 2_000, 40, 5));
        run.recordSystem(agent);
        apply(state, stored, scratch);

        RunState again = LiveState.restore(stored.values(), "0_0", 10_000, 0).run("r");

        assertThat(again.systemWindows).containsOnlyKeys(new LiveState.SystemSeries("box", HostRole.GENERATOR),
                new LiveState.SystemSeries("box", HostRole.TARGET));
        SystemWindow generator = again.systemWindows.get(new LiveState.SystemSeries("box", HostRole.GENERATOR))
                .get(now).stats.toSystemWindow("r", "box", now, now + 10_000);
        assertThat(generator.getCpuMax()).isEqualTo(40);
        assertThat(generator.getSeconds()).hasSize(2);
    }

    @Test
    void aSystemWindowOfTheFirstStateFormatIsRestoredAndDeletedUnderItsOwnKey() throws Exception {
        // given: an entry as the first format wrote it: role ordinal, samples, then four (known, sum, max) figures
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte('S');
            out.writeUTF("r");
            out.writeUTF("box");
            out.writeLong(20_000);
            out.writeInt(HostRole.TARGET.ordinal());
            out.writeInt(2);
            for (double[] figure : new double[][] {{2, 100, 60}, {2, 20, 12}, {2, 2_000, 1_000}, {2, 400, 300}}) {
                out.writeInt((int) figure[0]);
                out.writeDouble(figure[1]);
                out.writeDouble(figure[2]);
            }
        }

        LiveState restored = LiveState.restore(List.of(bytes.toByteArray()), "0_0", 10_000, 0);
        LiveState.SystemEntry entry = restored.run("r").systemWindows
                .get(new LiveState.SystemSeries("box", HostRole.TARGET)).get(20_000L);
        SystemWindow window = entry.stats.toSystemWindow("r", "box", 20_000, 30_000);

        assertThat(window.getCpuMean()).isEqualTo(50);
        assertThat(window.getHeapUsedMaxBytes()).isEqualTo(300);
        assertThat(window.getSeconds()).isEmpty();
        assertThat(entry.key()).isEqualTo("S|r|box|20000");
    }

    private static RunControl finished(String source, int segment, long requests) {
        RunControl control = EventFixtures.control("r", ControlType.FINISHED, 0, segment, 2);
        control.setSource(source);
        control.setRequestsSent(requests);
        control.setRequestsPerPartition(List.of(requests));
        return control;
    }

    private static byte[] written(RunState run, ByteBuffer scratch) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            run.write(out, scratch);
        }
        return bytes.toByteArray();
    }

    private static void apply(LiveState state, Map<String, byte[]> stored, ByteBuffer scratch) {
        for (LiveState.Change change : state.drainChanges(scratch)) {
            if (change.value() == null) {
                stored.remove(change.key());
            } else {
                stored.put(change.key(), change.value());
            }
        }
    }
}
