package io.loadstream.generator.executor;

import io.loadstream.generator.Segment;
import io.loadstream.generator.plan.Executor;
import io.loadstream.generator.plan.Load;
import io.loadstream.generator.plan.Stage;
import java.util.List;

/**
 * How many VUs a closed-model executor ({@code constant-vus}, {@code ramping-vus}) runs at each moment, for one
 * segment. A pure function of the elapsed time, so it is tested without clocks. Immutable.
 *
 * <p>{@code ramping-vus} moves linearly from the previous target (or {@code start_vus}) to each stage's target
 * over the stage's duration; the VU count at a moment is that line rounded to the nearest whole VU, then this
 * segment's share of it ({@link Segment#share(int)}).
 */
public final class VuSchedule {

    private final Executor executor;
    private final int constantVus;
    private final double startVus;
    private final List<Stage> stages;
    private final long durationNanos;
    private final Segment segment;

    private VuSchedule(Load load, Segment segment) {
        this.executor = load.executor();
        this.constantVus = load.vus();
        this.startVus = load.startVus();
        this.stages = load.stages();
        this.durationNanos = load.totalDuration().toNanos();
        this.segment = segment;
    }

    /**
     * The schedule of a closed-model load.
     *
     * @param load    a {@code constant-vus} or {@code ramping-vus} load
     * @param segment this process's share
     * @return the schedule
     * @throws IllegalArgumentException when the load is an arrival-rate executor
     */
    public static VuSchedule of(Load load, Segment segment) {
        if (load.executor().openModel()) {
            throw new IllegalArgumentException(load.executor().planName() + " is an arrival-rate executor");
        }
        return new VuSchedule(load, segment);
    }

    /** How long the load lasts, in nanoseconds (without the graceful stop). */
    public long durationNanos() {
        return durationNanos;
    }

    /**
     * The VUs this segment runs at a moment.
     *
     * @param elapsedNanos nanoseconds since the load started
     * @return VUs, 0 before the start and from the end on
     */
    public int targetVus(long elapsedNanos) {
        if (elapsedNanos < 0 || elapsedNanos >= durationNanos) {
            return 0;
        }
        return segment.share(totalVus(elapsedNanos));
    }

    /** The most VUs this segment ever runs. */
    public int peakVus() {
        if (executor == Executor.CONSTANT_VUS) {
            return segment.share(constantVus);
        }
        long peak = Math.round(startVus);
        for (Stage stage : stages) {
            peak = Math.max(peak, Math.round(stage.target()));
        }
        return segment.share((int) peak);
    }

    private int totalVus(long elapsedNanos) {
        if (executor == Executor.CONSTANT_VUS) {
            return constantVus;
        }
        double from = startVus;
        long stageStart = 0;
        for (Stage stage : stages) {
            long length = stage.duration().toNanos();
            if (elapsedNanos < stageStart + length) {
                double fraction = (double) (elapsedNanos - stageStart) / length;
                return (int) Math.round(from + (stage.target() - from) * fraction);
            }
            from = stage.target();
            stageStart += length;
        }
        return (int) Math.round(from);
    }
}
