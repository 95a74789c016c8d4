package io.loadstream.generator;

import static org.awaitility.Awaitility.await;

import io.loadstream.events.RequestTiming;
import io.loadstream.generator.executor.LoadDriver;
import io.loadstream.generator.http.HttpEngine;
import io.loadstream.generator.plan.Plan;
import io.loadstream.generator.time.EpochClock;
import io.loadstream.generator.time.ManualTimeSource;
import io.loadstream.schemas.fixtures.EventFixtures;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A plan's load driven by the production {@link LoadDriver} against a real server, on a clock that moves only
 * when the test moves it: a schedule is then checked exactly, whatever the load on the machine. Requests still
 * go over HTTP in real time; their timings read the manual clock, so a request sent and answered while the clock
 * stands still has a latency of 0.
 */
final class ManualClockLoad implements AutoCloseable {

    /** Longest wait for the driver to catch up with a move of the clock: generous, for a loaded machine. */
    static final Duration CATCH_UP = Duration.ofSeconds(60);

    private final ManualTimeSource time = new ManualTimeSource(EventFixtures.nowMs());
    private final EpochClock clock = new EpochClock(time);
    private final ConcurrentLinkedQueue<RequestTiming> events = new ConcurrentLinkedQueue<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final HttpEngine http;
    private final LoadDriver load;

    /** Creates the driver for the whole of {@code plan}, not started. */
    ManualClockLoad(Plan plan) {
        this.http = new HttpEngine(plan.defaults(), LoadDriver.peakVus(plan.load(), Segment.WHOLE),
                "loadstream-test");
        this.load = LoadDriver.create(plan, Segment.WHOLE, "manual-run", "gen-1", http.client(), events::add, clock,
                timer);
    }

    /** The driver. */
    LoadDriver load() {
        return load;
    }

    /** Starts the load at the clock's current reading. */
    void start() {
        load.start();
    }

    /** Moves the clock to {@code elapsedMs} after the load's start; never backwards. */
    void moveTo(long elapsedMs) {
        long target = load.startNanos() + elapsedMs * 1_000_000L;
        time.add(Duration.ofNanos(Math.max(0, target - time.nanoTime())));
    }

    /** Waits, polling every millisecond, until {@code condition} holds. */
    static void awaitQuickly(Callable<Boolean> condition) {
        await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(CATCH_UP).until(condition);
    }

    /** Every timing recorded so far. */
    List<RequestTiming> events() {
        return List.copyOf(events);
    }

    /** An epoch-microsecond timestamp of an event, as microseconds after the load's start. */
    long elapsedUs(long epochUs) {
        return epochUs - clock.epochMicros(load.startNanos());
    }

    /** Ends the load and waits for it. */
    @Override
    public void close() {
        load.abort("test ended");
        try {
            load.awaitEnd(CATCH_UP);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            http.close();
            timer.shutdownNow();
        }
    }
}
