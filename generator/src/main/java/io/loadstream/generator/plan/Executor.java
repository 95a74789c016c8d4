package io.loadstream.generator.plan;

/** The load executors, with k6's names and meanings. */
public enum Executor {
    /** Closed model: a fixed number of VUs loop over iterations for a duration. */
    CONSTANT_VUS("constant-vus", false),
    /** Closed model: the number of VUs follows the stages, linearly within each. */
    RAMPING_VUS("ramping-vus", false),
    /** Open model: iterations start at a fixed rate, whatever the response times, up to max VUs. */
    CONSTANT_ARRIVAL_RATE("constant-arrival-rate", true),
    /** Open model: the iteration start rate follows the stages, linearly within each. */
    RAMPING_ARRIVAL_RATE("ramping-arrival-rate", true);

    private final String planName;
    private final boolean openModel;

    Executor(String planName, boolean openModel) {
        this.planName = planName;
        this.openModel = openModel;
    }

    /** The name used in plan files, e.g. {@code ramping-vus}. */
    public String planName() {
        return planName;
    }

    /** Whether iterations start on a schedule (arrival rate) rather than when a VU is free. */
    public boolean openModel() {
        return openModel;
    }

    /** Finds an executor by its plan name, or null when there is none. */
    public static Executor byPlanName(String name) {
        for (Executor executor : values()) {
            if (executor.planName.equals(name)) {
                return executor;
            }
        }
        return null;
    }
}
