package io.loadstream.generator.plan;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * A load-test plan, parsed and validated: immutable, every field present (defaults applied).
 *
 * @param name       the plan's name, used in reports and run ids
 * @param target     the base URL that step paths are resolved against
 * @param defaults   request defaults shared by every step
 * @param load       the executor and its schedule
 * @param scenarios  the weighted user flows; at least one
 * @param thresholds the thresholds, in plan order; may be empty
 * @param report     report and windowing settings
 * @param data       the plan-wide data feeder, or null when the plan has none
 * @param source     the file the plan came from, for messages
 */
public record Plan(String name, URI target, Defaults defaults, Load load, List<Scenario> scenarios,
                   List<ThresholdDef> thresholds, ReportSettings report, DataSource data, String source) {

    /** Copies the lists, so the plan stays immutable. */
    public Plan {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(defaults, "defaults");
        Objects.requireNonNull(load, "load");
        scenarios = List.copyOf(scenarios);
        thresholds = List.copyOf(thresholds);
        Objects.requireNonNull(report, "report");
    }

    /** The sum of the scenario weights, at least 1. */
    public int totalWeight() {
        return scenarios.stream().mapToInt(Scenario::weight).sum();
    }
}
