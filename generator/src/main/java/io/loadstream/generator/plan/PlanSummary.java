package io.loadstream.generator.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A few lines that describe a valid plan, for {@code validate} and the start of a run. Secrets never show. */
public final class PlanSummary {

    private PlanSummary() {
    }

    /** The summary lines, without trailing newlines. */
    public static List<String> lines(Plan plan) {
        List<String> lines = new ArrayList<>();
        Load load = plan.load();
        lines.add("plan      " + plan.name() + " (" + plan.source() + ")");
        lines.add("target    " + plan.target());
        lines.add("load      " + load.executor().planName() + ", " + Durations.format(load.totalDuration())
                + shape(load));
        int steps = plan.scenarios().stream().mapToInt(s -> s.steps().size()).sum();
        lines.add("scenarios " + plan.scenarios().size() + " with " + steps + " steps:");
        int total = plan.totalWeight();
        for (Scenario scenario : plan.scenarios()) {
            lines.add(String.format(Locale.ROOT, "  %-24s weight %d (%.0f%%), %d steps", scenario.name(),
                    scenario.weight(), 100.0 * scenario.weight() / total, scenario.steps().size()));
        }
        long windowed = plan.thresholds().stream().filter(t -> !t.window().isZero()).count();
        long aborting = plan.thresholds().stream().filter(ThresholdDef::abortOnFail).count();
        lines.add("thresholds " + plan.thresholds().size() + (windowed > 0 ? ", " + windowed + " windowed" : "")
                + (aborting > 0 ? ", " + aborting + " abort on fail" : ""));
        return lines;
    }

    /**
     * The load in one line, for the report's header: executor, duration, shape and stages.
     *
     * @param load the plan's load
     * @return e.g. {@code ramping-vus, 1m30s, 2 stages, peak 50 VUs; stages 30s to 50, 1m to 0}
     */
    public static String load(Load load) {
        StringBuilder text = new StringBuilder(load.executor().planName()).append(", ")
                .append(Durations.format(load.totalDuration())).append(shape(load));
        if (!load.stages().isEmpty()) {
            text.append("; stages ");
            for (int i = 0; i < load.stages().size(); i++) {
                Stage stage = load.stages().get(i);
                text.append(i == 0 ? "" : ", ").append(Durations.format(stage.duration())).append(" to ")
                        .append(trim(stage.target()));
            }
        }
        return text.toString();
    }

    private static String shape(Load load) {
        return switch (load.executor()) {
            case CONSTANT_VUS -> ", " + load.vus() + " VUs";
            case RAMPING_VUS -> ", " + load.stages().size() + " stages, peak " + load.peakVus() + " VUs";
            case CONSTANT_ARRIVAL_RATE -> ", " + trim(load.rate()) + " iterations per "
                    + Durations.format(load.timeUnit()) + ", max " + load.maxVus() + " VUs";
            case RAMPING_ARRIVAL_RATE -> ", " + load.stages().size() + " stages, peak "
                    + trim(load.stages().stream().mapToDouble(Stage::target).max().orElse(0)) + " iterations per "
                    + Durations.format(load.timeUnit()) + ", max " + load.maxVus() + " VUs";
        };
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
