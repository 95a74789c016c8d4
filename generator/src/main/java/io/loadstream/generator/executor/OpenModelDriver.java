package io.loadstream.generator.executor;

import io.loadstream.generator.Segment;
import io.loadstream.generator.plan.Plan;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * {@code constant-arrival-rate} and {@code ramping-arrival-rate}: the open model. The control loop starts each
 * iteration when the {@link ArrivalSchedule} says it is due, on a free VU. The VUs given as
 * {@code pre_allocated_vus} exist from the start; more are created up to {@code max_vus}. When all
 * {@code max_vus} are busy, the iteration is dropped and counted ({@code dropped_iterations}), as k6 does.
 *
 * <p>The first request of an iteration counts its latency from the time the iteration was due, not from when it
 * was sent (coordinated-omission correction): a late control loop cannot hide a slow server.
 */
final class OpenModelDriver extends LoadDriver {

    private final ArrivalSchedule schedule;
    private final int maxVus;
    /** Free VUs; the most recently freed first, so that warm connections are reused. */
    private final ConcurrentLinkedDeque<VirtualUser> idle = new ConcurrentLinkedDeque<>();

    OpenModelDriver(LoadContext context, Plan plan, Segment segment) {
        super(context, plan, segment);
        this.schedule = ArrivalSchedule.of(plan.load(), segment);
        this.maxVus = segment.shareAtLeastOne(plan.load().maxVus());
        int preAllocated = Math.min(maxVus, segment.shareAtLeastOne(plan.load().preAllocatedVus()));
        for (int i = 0; i < preAllocated; i++) {
            idle.add(newVu());
        }
    }

    private VirtualUser newVu() {
        int id = allVus.size();
        VirtualUser vu = new VirtualUser(id, context, this, seedFor(id));
        allVus.add(vu);
        return vu;
    }

    @Override
    public Duration plannedDuration() {
        return Duration.ofNanos(schedule.durationNanos());
    }

    @Override
    public int peakVus() {
        return maxVus;
    }

    @Override
    void runSchedule() {
        long start = startNanos();
        for (long i = 0; abortReason == null; i++) {
            long offset = schedule.arrivalNanos(i);
            if (offset == ArrivalSchedule.NEVER) {
                // No arrival is due any more, but the load lasts to the schedule's end: the graceful stop counts
                // from there, not from the last arrival (k6), so the last iterations get all of it.
                schedulerSlot = VirtualUser.IDLE;
                parkUntil(start + schedule.durationNanos());
                return;
            }
            long due = start + offset;
            // Publish the due time first: the watermark must not pass an iteration that is due but not started.
            schedulerSlot = due;
            parkUntil(due);
            if (abortReason != null) {
                return;
            }
            VirtualUser vu = idle.pollFirst();
            if (vu == null && allVus.size() < maxVus) {
                vu = newVu();
            }
            if (vu == null) {
                droppedIterations.increment();
                continue;
            }
            vu.watermarkSlot = due;
            iterationStarting();
            vu.startIteration(due);
        }
    }

    @Override
    public void iterationEnded(VirtualUser vu, boolean started) {
        vu.watermarkSlot = VirtualUser.IDLE;
        iterationDone(started);
        idle.addFirst(vu);
    }
}
