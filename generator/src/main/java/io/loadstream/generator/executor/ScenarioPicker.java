package io.loadstream.generator.executor;

import io.loadstream.generator.plan.Scenario;
import java.util.List;
import java.util.SplittableRandom;

/** Picks a scenario per iteration, in proportion to the weights. Immutable and thread-safe. */
public final class ScenarioPicker {

    private final List<Scenario> scenarios;
    private final int[] cumulative;
    private final int total;

    /**
     * Creates a picker.
     *
     * @param scenarios the scenarios, at least one, each with a weight of at least 1
     * @throws IllegalArgumentException when there is no scenario or a weight is below 1
     */
    public ScenarioPicker(List<Scenario> scenarios) {
        if (scenarios.isEmpty()) {
            throw new IllegalArgumentException("A plan needs at least one scenario");
        }
        this.scenarios = List.copyOf(scenarios);
        this.cumulative = new int[scenarios.size()];
        int sum = 0;
        for (int i = 0; i < scenarios.size(); i++) {
            int weight = scenarios.get(i).weight();
            if (weight < 1) {
                throw new IllegalArgumentException("Scenario " + scenarios.get(i).name() + " has weight " + weight
                        + "; weights must be at least 1");
            }
            sum += weight;
            cumulative[i] = sum;
        }
        this.total = sum;
    }

    /**
     * Picks a scenario.
     *
     * @param random the VU's random source
     * @return the index of the scenario in the plan
     */
    public int pick(SplittableRandom random) {
        if (cumulative.length == 1) {
            return 0;
        }
        int draw = random.nextInt(total);
        for (int i = 0; i < cumulative.length; i++) {
            if (draw < cumulative[i]) {
                return i;
            }
        }
        return cumulative.length - 1;
    }

    /** The scenarios, in plan order. */
    public List<Scenario> scenarios() {
        return scenarios;
    }
}
