package io.loadstream.reporter.report.findings;

/**
 * The documented list of finding kinds, written as {@code kind} in {@code bottlenecks[]} of
 * {@code performance_report.json}; scripts may rely on these names. docs/REPORTS.md describes when each is given.
 */
public enum FindingKind {
    /** The whole server (or an endpoint) pauses at a regular interval: GC, a lock, a scheduled job. */
    PERIODIC_STALL("periodic_stall"),
    /** An endpoint with a fast and a slow mode: cache misses, a slow dependency on some requests. */
    BIMODAL("bimodal"),
    /** Latency follows concurrency past a capacity while throughput stays flat: requests queue. */
    QUEUEING("queueing"),
    /** Latency grows with time at a steady load (a soak's leak or growing state). */
    DRIFT("drift"),
    /** Errors that appear only above some load. */
    ERRORS_UNDER_LOAD("errors_under_load"),
    /** Errors at any load. */
    ERRORS("errors"),
    /** An endpoint above the slow-endpoint limit that no more specific pattern explains. */
    SLOW("slow"),
    /** The generator's own CPU was saturated: its timings are unreliable. */
    GENERATOR_SATURATED("generator_saturated"),
    /** A host's CPU or memory was saturated. */
    HOST_SATURATED("host_saturated"),
    /** A generator could not reach Kafka for a while: what it held then, and what (if anything) it lost. */
    KAFKA_UNREACHABLE("kafka_unreachable");

    private final String wireName;

    FindingKind(String wireName) {
        this.wireName = wireName;
    }

    /** The name in the report, e.g. {@code periodic_stall}. */
    public String wireName() {
        return wireName;
    }
}
