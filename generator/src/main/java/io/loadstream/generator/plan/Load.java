package io.loadstream.generator.plan;

import java.time.Duration;
import java.util.List;

/**
 * The executor and its schedule, from the plan's {@code load}. Fields that an executor does not use hold 0 or
 * an empty list.
 *
 * @param executor        which executor
 * @param vus             constant-vus: number of VUs
 * @param duration        constant-vus and constant-arrival-rate: how long the load lasts
 * @param startVus        ramping-vus: VUs at the start (default 0)
 * @param stages          ramping executors: the stages, in order
 * @param rate            constant-arrival-rate: iterations per {@code timeUnit}
 * @param startRate       ramping-arrival-rate: iterations per {@code timeUnit} at the start (default 0)
 * @param timeUnit        arrival-rate executors: the period that {@code rate} counts per (default 1 s)
 * @param preAllocatedVus arrival-rate executors: VUs created before the start (default: max VUs)
 * @param maxVus          arrival-rate executors: the most VUs that may be busy at once; when all are busy, an
 *                        iteration due to start is dropped and counted
 * @param gracefulStop    how long iterations in flight at the end may run on before they are cut (default 30 s)
 */
public record Load(Executor executor, int vus, Duration duration, int startVus, List<Stage> stages, double rate,
                   double startRate, Duration timeUnit, int preAllocatedVus, int maxVus, Duration gracefulStop) {

    /** Copies the stages. */
    public Load {
        stages = List.copyOf(stages);
    }

    /** The planned length of the load, without the graceful stop. */
    public Duration totalDuration() {
        if (executor == Executor.RAMPING_VUS || executor == Executor.RAMPING_ARRIVAL_RATE) {
            return stages.stream().map(Stage::duration).reduce(Duration.ZERO, Duration::plus);
        }
        return duration;
    }

    /** The most VUs this load can use at once: the peak of the stages, the constant count, or max VUs. */
    public int peakVus() {
        return switch (executor) {
            case CONSTANT_VUS -> vus;
            case RAMPING_VUS -> (int) Math.ceil(Math.max(startVus,
                    stages.stream().mapToDouble(Stage::target).max().orElse(0)));
            case CONSTANT_ARRIVAL_RATE, RAMPING_ARRIVAL_RATE -> maxVus;
        };
    }
}
