package io.loadstream.aggregator.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.loadstream.aggregator.stats.Accumulator;
import io.loadstream.events.ErrorClass;
import io.loadstream.events.RequestTiming;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the store writes before each commit is what a restart rebuilds. */
class LiveStateRoundTripTest {

    @Test
    void restoredStateEqualsTheLiveStateAtTheLastDrain() throws Exception {
        LiveState state = new LiveState();
        Map<String, byte[]> stored = new HashMap<>();
        ByteBuffer scratch = ByteBuffer.allocate(Accumulator.scratchCapacity());
        LiveState.RunState run = new LiveState.RunState("r", 1_000, 0);
        state.runs.put("r", run);
        state.markDirty(run);
        for (int i = 0; i < 10_000; i++) {
            LiveState.EndpointState endpoint = state.endpoint(run, "GET /" + (i % 3));
            endpoint.totals.record(timing(i), i);
            state.markDirty(endpoint);
            LiveState.WindowEntry window = endpoint.window(i / 1000 * 1000L, state);
            window.stats.record(timing(i), i);
            state.markDirty(window);
            if (i % 777 == 0) {
                apply(state, stored, scratch);
            }
        }
        run.finishing = true;
        run.expectedRequests.put("gen-1", 6_000L);
        run.expectedRequests.put("gen-2", 4_000L);
        state.markDirty(run);
        apply(state, stored, scratch);

        LiveState restored = LiveState.restore(stored.values(), new long[] {10_000, 2_000});

        long total = restored.runs.get("r").endpoints.values().stream().mapToLong(e -> e.totals.count()).sum();
        assertThat(total).isEqualTo(10_000);
        assertThat(restored.runs.get("r").endpoints.get("GET /1").windows).hasSize(10);
        assertThat(restored.runs.get("r").finishing).isTrue();
        assertThat(restored.runs.get("r").expectedRequests)
                .containsOnly(entry("gen-1", 6_000L), entry("gen-2", 4_000L));
        assertThat(restored.runs.get("r").expectedUnknown).isFalse();
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

    private static RequestTiming timing(int i) {
        return RequestTiming.newBuilder().setRunId("r").setGeneratorId("g").setScenario("s").setEndpoint("GET /x")
                .setMethod("GET").setStatus(200).setErrorClass(ErrorClass.NONE).setIntendedStartUs(i * 1000L)
                .setActualStartUs(i * 1000L).setLatencyUs(1_000 + i).setServiceTimeUs(1_000).setBytesSent(1)
                .setBytesReceived(1).setVu(0).build();
    }
}
