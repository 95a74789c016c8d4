package io.loadstream.generator.executor;

import io.loadstream.generator.Segment;
import io.loadstream.generator.plan.Plan;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code constant-vus} and {@code ramping-vus}: the closed model. A control loop follows the {@link VuSchedule}
 * every {@value #TICK_MS} ms: it starts VUs up to the target, and asks the VUs above it to stop after their
 * current iteration (k6's graceful ramp-down). Each VU loops over iterations without pause between them; the
 * intended start of each request is its actual start.
 */
final class ClosedModelDriver extends LoadDriver {

    /** How often the control loop compares the running VUs with the schedule, in milliseconds. */
    static final long TICK_MS = 10;

    private final VuSchedule schedule;
    /** VUs told to run, in start order; the control thread's own. */
    private final List<VirtualUser> running = new ArrayList<>();
    /** VUs that have stopped and may be started again; the control thread's own. */
    private final ArrayDeque<VirtualUser> dormant = new ArrayDeque<>();
    /** VUs that have stopped since the last tick. */
    private final ConcurrentLinkedQueue<VirtualUser> stopped = new ConcurrentLinkedQueue<>();

    ClosedModelDriver(LoadContext context, Plan plan, Segment segment) {
        super(context, plan, segment);
        this.schedule = VuSchedule.of(plan.load(), segment);
    }

    @Override
    public Duration plannedDuration() {
        return Duration.ofNanos(schedule.durationNanos());
    }

    @Override
    public int peakVus() {
        return Math.max(1, schedule.peakVus());
    }

    @Override
    void runSchedule() {
        long start = startNanos();
        long tick = TimeUnit.MILLISECONDS.toNanos(TICK_MS);
        long next = start;
        while (abortReason == null) {
            long elapsed = context.clock.source().nanoTime() - start;
            if (elapsed >= schedule.durationNanos()) {
                return;
            }
            adjust(schedule.targetVus(elapsed));
            next += tick;
            parkUntil(Math.min(next, start + schedule.durationNanos()));
        }
    }

    private void adjust(int target) {
        for (VirtualUser vu; (vu = stopped.poll()) != null; ) {
            if (!vu.exhausted) {
                dormant.push(vu);
            }
        }
        while (running.size() < target) {
            VirtualUser vu = dormant.poll();
            if (vu == null) {
                int id = allVus.size();
                vu = new VirtualUser(id, context, this, seedFor(id));
                allVus.add(vu);
            }
            vu.stopAfterIteration = false;
            running.add(vu);
            iterationStarting();
            vu.startIteration(-1);
        }
        while (running.size() > target) {
            running.remove(running.size() - 1).stopAfterIteration = true;
        }
    }

    @Override
    public void iterationEnded(VirtualUser vu, boolean started) {
        if (started && !vu.stopAfterIteration && !noNewIterations && !vu.exhausted) {
            // The next iteration at once: the VU stays busy, so the count does not dip between iterations.
            iterationsStarted.increment();
            vu.startIteration(-1);
            return;
        }
        iterationDone(started);
        stopped.add(vu);
    }
}
