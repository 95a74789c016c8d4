package io.loadstream.generator.plan;

import java.util.List;

/**
 * A weighted user flow: each iteration picks one scenario by weight and runs its steps in order.
 *
 * @param name   unique name within the plan
 * @param weight relative weight, at least 1
 * @param steps  the steps, at least one
 * @param data   the scenario's own data feeder, or null to use the plan's
 */
public record Scenario(String name, int weight, List<Step> steps, DataSource data) {

    /** Copies the steps. */
    public Scenario {
        steps = List.copyOf(steps);
    }
}
