package io.loadstream.reporter.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loadstream.events.RunControl;
import io.loadstream.reporter.run.RunData;
import io.loadstream.reporter.stats.Stats;
import io.loadstream.reporter.threshold.Scope;
import io.loadstream.schemas.ControlAttributes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report's scenarios section: the load in one line (executor and stages), the iterations of each scenario that
 * the generators counted (their FINISHED {@code scenario_stats}, summed), and the requests and errors of the
 * endpoints its steps name. Immutable.
 *
 * @param load       the plan's load (executor, duration, shape, stages); empty when the generator did not say
 * @param iterations iterations started in all, over every scenario; -1 when no generator reported them
 * @param rows       one per scenario, in plan order
 */
public record Scenarios(String load, long iterations, List<Row> rows) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Copies the list.
     */
    public Scenarios {
        rows = List.copyOf(rows);
    }

    /**
     * One scenario.
     *
     * @param name            the scenario's name
     * @param weight          its weight in the plan
     * @param weightShare     its weight over the sum of weights, 0..1: the share of iterations it should get
     * @param iterations      iterations started; -1 unknown
     * @param iterationShare  its share of all iterations started, 0..1: the share it got; NaN unknown
     * @param completed       iterations that ran to their last step; -1 unknown
     * @param iterationMeanMs mean duration of a completed iteration, from its intended start, think times included,
     *                        milliseconds; NaN unknown
     * @param iterationMaxMs  longest completed iteration, milliseconds; NaN unknown
     * @param requests        requests of the endpoints its steps name (other scenarios' requests to the same
     *                        endpoint count too)
     * @param errors          failed requests of those endpoints
     */
    public record Row(String name, int weight, double weightShare, long iterations, double iterationShare,
                      long completed, double iterationMeanMs, double iterationMaxMs, long requests, long errors) {
    }

    /**
     * Reads the section from a run.
     *
     * @param data what the reporter read
     * @return the section; its rows are empty when STARTED named no scenario
     */
    public static Scenarios of(RunData data) {
        String load = data.firstStarted().map(s -> s.getAttributes().getOrDefault(ControlAttributes.LOAD, ""))
                .orElse("");
        Map<String, long[]> counts = new LinkedHashMap<>();
        Map<String, double[]> durations = new LinkedHashMap<>();
        Map<String, Integer> weights = new LinkedHashMap<>();
        boolean reported = false;
        for (RunControl finished : data.finished()) {
            String json = finished.getAttributes().get(ControlAttributes.SCENARIO_STATS);
            if (json == null) {
                continue;
            }
            try {
                JsonNode root = JSON.readTree(json);
                reported = true;
                root.properties().forEach(e -> {
                    JsonNode n = e.getValue();
                    long done = n.path("completed").asLong();
                    long[] c = counts.computeIfAbsent(e.getKey(), k -> new long[2]);
                    c[0] += n.path("iterations").asLong();
                    c[1] += done;
                    double[] d = durations.computeIfAbsent(e.getKey(), k -> new double[2]);
                    d[0] += n.path("iteration_ms_mean").asDouble() * done;
                    d[1] = Math.max(d[1], n.path("iteration_ms_max").asDouble());
                    weights.put(e.getKey(), n.path("weight").asInt(1));
                });
            } catch (IOException e) {
                // A generator of another version: its counts are unknown, the others still add up.
                continue;
            }
        }
        List<String> names = new ArrayList<>(data.scenarios().keySet());
        counts.keySet().stream().filter(n -> !names.contains(n)).forEach(names::add);
        long allIterations = counts.values().stream().mapToLong(c -> c[0]).sum();
        int totalWeight = names.stream().mapToInt(n -> weights.getOrDefault(n, 1)).sum();
        List<Row> rows = new ArrayList<>();
        for (String name : names) {
            long[] c = counts.get(name);
            double[] d = durations.get(name);
            Stats stats = data.totalsOf(new Scope(Scope.Kind.SCENARIO, name));
            int weight = weights.getOrDefault(name, 1);
            rows.add(new Row(name, weight, !reported || totalWeight == 0 ? Double.NaN : (double) weight / totalWeight,
                    c == null ? -1 : c[0], c == null || allIterations == 0 ? Double.NaN : (double) c[0] / allIterations,
                    c == null ? -1 : c[1], c == null || c[1] == 0 ? Double.NaN : d[0] / c[1],
                    d == null ? Double.NaN : d[1], stats.count(), stats.errorCount()));
        }
        return new Scenarios(load, reported ? allIterations : -1, rows);
    }
}
