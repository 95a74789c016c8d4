package io.loadstream.generator.executor;

import io.loadstream.generator.Segment;
import io.loadstream.generator.plan.Plan;
import io.loadstream.generator.time.EpochClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.jetty.client.HttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a plan's load with its executor, in this process's segment, until the schedule ends or {@link #abort}
 * is called. The common part of the closed-model ({@link ClosedModelDriver}) and open-model
 * ({@link OpenModelDriver}) executors: VUs, counters, the watermark and the graceful stop.
 *
 * <p>At the end of the schedule no iteration starts any more; iterations under way may finish within the
 * plan's {@code graceful_stop}. Then every request still in flight is cut and recorded as a {@code TIMEOUT}: no
 * request that was sent goes unrecorded. After {@link #abort}, the same happens within at most
 * {@value #ABORT_GRACE_MS} ms.
 */
public abstract class LoadDriver implements VirtualUser.Owner {

    /** How long requests in flight may go on after an abort before they are cut, in milliseconds. */
    public static final long ABORT_GRACE_MS = 1_000;
    /** How long to wait for cut requests to be recorded, in milliseconds. */
    static final long CUT_WAIT_MS = 5_000;
    /** Control loops check for an abort at least this often, in nanoseconds. */
    static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private static final Logger LOG = LoggerFactory.getLogger(LoadDriver.class);

    final LoadContext context;
    final Plan plan;
    final Segment segment;
    final List<VirtualUser> allVus = new CopyOnWriteArrayList<>();
    final LongAdder iterationsStarted = new LongAdder();
    final LongAdder droppedIterations = new LongAdder();
    final AtomicInteger busy = new AtomicInteger();
    private final Object idleLock = new Object();
    volatile boolean noNewIterations;
    volatile boolean noNewSteps;
    volatile String abortReason;
    /** The open model's next due time (watermark); IDLE otherwise. */
    volatile long schedulerSlot = VirtualUser.IDLE;
    private volatile long startNanos;
    private long lastWatermark = Long.MIN_VALUE;
    private Thread thread;

    LoadDriver(LoadContext context, Plan plan, Segment segment) {
        this.context = context;
        this.plan = plan;
        this.segment = segment;
    }

    /**
     * Creates the driver for a plan's executor.
     *
     * @param plan        the plan
     * @param segment     this process's share of the load
     * @param runId       the run id, written into every event
     * @param generatorId this generator's id, written into every event
     * @param client      the started HTTP client
     * @param sink        where every request's timing goes
     * @param clock       the run's clock
     * @param timer       runs think times and continuations; one thread is enough
     * @return the driver, not started
     */
    public static LoadDriver create(Plan plan, Segment segment, String runId, String generatorId, HttpClient client,
                                    RequestSink sink, EpochClock clock, ScheduledExecutorService timer) {
        LoadContext context = new LoadContext(plan, segment, runId, generatorId, client, sink, clock, timer);
        return plan.load().executor().openModel()
                ? new OpenModelDriver(context, plan, segment)
                : new ClosedModelDriver(context, plan, segment);
    }

    /**
     * The most VUs a load may use at once in a segment: sizes the HTTP connection pool before the driver exists.
     *
     * @param load    the plan's load
     * @param segment this process's share
     * @return VUs, at least 1
     */
    public static int peakVus(io.loadstream.generator.plan.Load load, Segment segment) {
        return load.executor().openModel() ? segment.shareAtLeastOne(load.maxVus())
                : Math.max(1, VuSchedule.of(load, segment).peakVus());
    }

    /** Starts the load on its own thread. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("Already started");
        }
        startNanos = context.clock.source().nanoTime();
        thread = new Thread(this::runAndStop, "loadstream-executor");
        thread.setDaemon(true);
        thread.start();
    }

    /** The nanosecond time at which the load started. */
    public long startNanos() {
        return startNanos;
    }

    /** The planned length of the load, without the graceful stop. */
    public abstract Duration plannedDuration();

    /** The most VUs this segment may use; sizes the connection pool. */
    public abstract int peakVus();

    /**
     * Waits until the load has ended: schedule done (or aborted), every iteration ended or cut, every request
     * recorded.
     *
     * @param timeout how long to wait at most
     * @return whether the load has ended
     * @throws InterruptedException when interrupted while waiting
     */
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        Thread running;
        synchronized (this) {
            running = thread;
        }
        if (running == null) {
            return true;
        }
        running.join(Math.max(1, timeout.toMillis()));
        return !running.isAlive();
    }

    /**
     * Stops the load early: no new iteration or step starts; requests in flight get up to
     * {@value #ABORT_GRACE_MS} ms before they are cut and recorded as timeouts. Returns at once; the first reason
     * given is kept.
     *
     * @param reason why, for the FINISHED record
     */
    public void abort(String reason) {
        synchronized (this) {
            if (abortReason == null) {
                abortReason = reason;
            }
        }
        noNewIterations = true;
        Thread running = thread;
        if (running != null) {
            LockSupport.unpark(running);
        }
    }

    /** The reason given to {@link #abort}, or null. */
    public String abortReason() {
        return abortReason;
    }

    /** VUs in an iteration now (for the closed model, every running VU). */
    public int activeVus() {
        return busy.get();
    }

    /** Iterations per scenario, as JSON for the FINISHED record ({@link ScenarioCounts#toJson()}). */
    public String scenarioCountsJson() {
        return context.scenarioCounts.toJson();
    }

    /** Iterations started so far. */
    public long iterationsStarted() {
        return iterationsStarted.sum();
    }

    /** Iterations the open model could not start for lack of a free VU, so far. */
    public long droppedIterations() {
        return droppedIterations.sum();
    }

    /**
     * The watermark: no request recorded from now on will have an intended start before it. It is the earlier
     * of now and the intended start of the oldest request in flight (or due), and never goes back.
     *
     * @return a nanosecond time of the run's time source
     */
    public synchronized long watermarkNanos() {
        long watermark = context.clock.source().nanoTime();
        for (VirtualUser vu : allVus) {
            long slot = vu.watermarkSlot;
            if (slot == VirtualUser.PENDING) {
                return lastWatermark == Long.MIN_VALUE ? startNanos : lastWatermark;
            }
            watermark = Math.min(watermark, slot);
        }
        watermark = Math.min(watermark, schedulerSlot);
        lastWatermark = Math.max(lastWatermark, watermark);
        return lastWatermark;
    }

    /** Runs the schedule; returns when it has ended or {@link #abortReason} is set. */
    abstract void runSchedule();

    private void runAndStop() {
        try {
            runSchedule();
        } catch (RuntimeException e) {
            LOG.error("The executor failed; stopping the load", e);
            abort("executor failed: " + e.getMessage());
        } finally {
            schedulerSlot = VirtualUser.IDLE;
            stopGracefully();
        }
    }

    private void stopGracefully() {
        noNewIterations = true;
        long graceMs = abortReason != null ? Math.min(ABORT_GRACE_MS, plan.load().gracefulStop().toMillis())
                : plan.load().gracefulStop().toMillis();
        if (abortReason != null) {
            noNewSteps = true;
        }
        awaitIdle(graceMs, true);
        noNewSteps = true;
        for (VirtualUser vu : allVus) {
            vu.cut(abortReason != null ? "run aborted while the request was in flight"
                    : "still in flight at the end of the graceful stop");
        }
        if (!awaitIdle(CUT_WAIT_MS, false)) {
            LOG.warn("{} iterations did not end within {} ms of being cut", busy.get(), CUT_WAIT_MS);
        }
    }

    /**
     * Waits until no VU is in an iteration, at most {@code millis}. With {@code shortenOnAbort}, an abort that
     * arrives meanwhile stops new steps and shortens the wait to {@value #ABORT_GRACE_MS} ms.
     */
    private boolean awaitIdle(long millis, boolean shortenOnAbort) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        boolean shortened = abortReason != null;
        synchronized (idleLock) {
            while (busy.get() > 0) {
                if (shortenOnAbort && !shortened && abortReason != null) {
                    shortened = true;
                    noNewSteps = true;
                    deadline = Math.min(deadline, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ABORT_GRACE_MS));
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    idleLock.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 50)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /** Called by a VU when it starts an iteration. */
    void iterationStarting() {
        busy.incrementAndGet();
        iterationsStarted.increment();
    }

    /** Called once per {@link #iterationStarting()} when the iteration ends; wakes the graceful stop at zero. */
    void iterationDone(boolean started) {
        if (!started) {
            iterationsStarted.decrement();
        }
        if (busy.decrementAndGet() == 0) {
            synchronized (idleLock) {
                idleLock.notifyAll();
            }
        }
    }

    @Override
    public boolean noNewIterations() {
        return noNewIterations;
    }

    @Override
    public boolean noNewSteps() {
        return noNewSteps;
    }

    /** Parks the control thread until {@code deadlineNanos} of the run's time source, or an abort. */
    void parkUntil(long deadlineNanos) {
        while (abortReason == null) {
            long left = deadlineNanos - context.clock.source().nanoTime();
            if (left <= 0) {
                return;
            }
            LockSupport.parkNanos(Math.min(left, MAX_PARK_NANOS));
        }
    }

    /** A VU seed: distinct per VU and segment, so that segments do not draw the same numbers. */
    long seedFor(int vuId) {
        return 0x9E3779B97F4A7C15L * (segment.index() + 1) + vuId * 0xBF58476D1CE4E5B9L + System.nanoTime();
    }
}
