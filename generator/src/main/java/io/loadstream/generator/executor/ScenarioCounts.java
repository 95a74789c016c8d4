package io.loadstream.generator.executor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loadstream.generator.plan.Scenario;
import java.util.List;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * Iterations per scenario, for the report's scenarios section: how many started and completed, and how long the
 * completed ones took (from the iteration's intended start to the end of its last step, think times included).
 * Thread-safe: the VUs count from their own threads.
 */
public final class ScenarioCounts {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> names;
    private final int[] weights;
    private final LongAdder[] started;
    private final LongAdder[] completed;
    private final LongAdder[] durationNanos;
    private final LongAccumulator[] maxNanos;

    /**
     * Starts at zero.
     *
     * @param scenarios the plan's scenarios, in plan order
     */
    public ScenarioCounts(List<Scenario> scenarios) {
        int n = scenarios.size();
        names = scenarios.stream().map(Scenario::name).toList();
        weights = scenarios.stream().mapToInt(Scenario::weight).toArray();
        started = new LongAdder[n];
        completed = new LongAdder[n];
        durationNanos = new LongAdder[n];
        maxNanos = new LongAccumulator[n];
        for (int i = 0; i < n; i++) {
            started[i] = new LongAdder();
            completed[i] = new LongAdder();
            durationNanos[i] = new LongAdder();
            maxNanos[i] = new LongAccumulator(Math::max, 0);
        }
    }

    void started(int scenario) {
        started[scenario].increment();
    }

    void completed(int scenario, long nanos) {
        completed[scenario].increment();
        durationNanos[scenario].add(Math.max(0, nanos));
        maxNanos[scenario].accumulate(Math.max(0, nanos));
    }

    /**
     * The counts as JSON, the {@code scenario_stats} attribute of FINISHED: {@code {"name": {"weight": 3,
     * "iterations": 120, "completed": 119, "iteration_ms_mean": 812.4, "iteration_ms_max": 2010.5}, ...}}.
     *
     * @return a JSON object, scenarios in plan order
     */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        for (int i = 0; i < names.size(); i++) {
            ObjectNode n = root.putObject(names.get(i));
            long done = completed[i].sum();
            n.put("weight", weights[i]);
            n.put("iterations", started[i].sum());
            n.put("completed", done);
            n.put("iteration_ms_mean", done == 0 ? 0 : durationNanos[i].sum() / 1e6 / done);
            n.put("iteration_ms_max", maxNanos[i].get() / 1e6);
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the scenario counts as JSON", e);
        }
    }
}
