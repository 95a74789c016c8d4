package io.loadstream.schemas;

/**
 * The keys of the {@code attributes} map of a {@code RunControl} record, defined once for the generator that writes
 * them and the aggregator and reporter that read them. A generator sets them on its STARTED record; readers treat
 * a missing key as unknown. docs/EVENTS.md lists them.
 */
public final class ControlAttributes {

    /** Host name of the generator. */
    public static final String HOST = "host";
    /** loadstream version of the generator, e.g. {@code 0.1.0}. */
    public static final String VERSION = "version";
    /**
     * JSON object from scenario name to the array of the endpoint names of its steps, e.g.
     * {@code {"browse":["GET /a","GET /b/{id}"]}}.
     */
    public static final String SCENARIOS = "scenarios";
    /**
     * The plan's load in one line: executor, duration, shape and stages, e.g. {@code ramping-vus, 1m30s, 2 stages,
     * peak 50 VUs; stages 30s to 50, 1m to 0}.
     */
    public static final String LOAD = "load";
    /**
     * JSON object from endpoint name to the array of the checks of the steps that name it (steps without a check are
     * left out), each in words, e.g. {@code {"POST /api/posts":["status 201, body contains \"id\""]}}.
     */
    public static final String CHECKS = "checks";
    /**
     * On FINISHED: JSON object from scenario name to this generator's iterations of it, e.g.
     * {@code {"browse":{"weight":3,"iterations":120,"completed":119,"iteration_ms_mean":812.4,
     * "iteration_ms_max":2010.5}}}.
     */
    public static final String SCENARIO_STATS = "scenario_stats";
    /**
     * On FINISHED: JSON object of the CPU the generator's own threads used during the load, told apart from its
     * process (which in {@code run} also holds the aggregator and the reporter), e.g. {@code {"threads_cpu_ms":4210,
     * "process_cpu_ms":9120,"span_ms":30000,"processors":2}}; {@code threads_cpu_ms} is -1 when the JVM does not
     * measure thread CPU time, {@code process_cpu_ms} -1 when it does not measure the process's.
     */
    public static final String GENERATOR_CPU = "generator_cpu";

    private ControlAttributes() {
    }
}
