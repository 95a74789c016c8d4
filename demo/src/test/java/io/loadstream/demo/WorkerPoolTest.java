package io.loadstream.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The worker pool on its own: FIFO service, at most N jobs at once, and a bounded queue. */
class WorkerPoolTest {

    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    @Test
    void servesInArrivalOrderAndRefusesJobsBeyondTheQueue() throws Exception {
        // given: one worker and room for two waiting jobs
        WorkerPool pool = new WorkerPool(1, 2, timer);
        List<Integer> done = new CopyOnWriteArrayList<>();
        CountDownLatch allDone = new CountDownLatch(3);
        long serviceNanos = TimeUnit.MILLISECONDS.toNanos(300);

        // when: four jobs at once
        boolean[] accepted = new boolean[4];
        for (int i = 0; i < 4; i++) {
            int job = i;
            accepted[i] = pool.submit(serviceNanos, () -> {
                done.add(job);
                allDone.countDown();
            });
        }
        int busyAfterSubmit = pool.busy();
        int queuedAfterSubmit = pool.queued();

        // then: one in service, two waiting, the fourth refused; they finish in order, one at a time
        assertThat(accepted).containsExactly(true, true, true, false);
        assertThat(busyAfterSubmit).isEqualTo(1);
        assertThat(queuedAfterSubmit).isEqualTo(2);
        assertThat(allDone.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(done).containsExactly(0, 1, 2);
        // The last completion runs just before its worker is released.
        await().atMost(Duration.ofSeconds(60)).until(() -> pool.busy() == 0);
        assertThat(pool.queued()).isZero();
    }

    @Test
    void eachJobEndsAfterTheJobsAheadOfItInTheQueueAndItsOwnServiceTime() {
        // given: two workers whose timer runs on a virtual clock, and eight jobs of 200 ms arriving at once
        ManualTimer clock = new ManualTimer();
        try {
            WorkerPool pool = new WorkerPool(2, 100, clock);
            long serviceNanos = TimeUnit.MILLISECONDS.toNanos(200);
            Map<Integer, Long> endedAtNanos = new ConcurrentHashMap<>();
            for (int i = 0; i < 8; i++) {
                int job = i;
                assertThat(pool.submit(serviceNanos, () -> endedAtNanos.put(job, clock.nowNanos))).isTrue();
            }

            // when
            clock.runAll();

            // then: served two at a time in arrival order, job k waited k / 2 service times in the queue
            for (int k = 0; k < 8; k++) {
                assertThat(endedAtNanos.get(k)).as("job %d", k).isEqualTo((k / 2 + 1) * serviceNanos);
            }
            assertThat(pool.busy()).isZero();
        } finally {
            clock.shutdownNow();
        }
    }

    /**
     * A timer on a virtual clock: {@link #schedule(Runnable, long, TimeUnit)} only records the task, and
     * {@link #runAll()} runs the recorded tasks in the order of their due time, moving the clock to each. It starts
     * no thread (the worker pool calls nothing else).
     */
    private static final class ManualTimer extends ScheduledThreadPoolExecutor {

        private record Task(long dueNanos, long order, Runnable command) {
        }

        private final PriorityQueue<Task> tasks = new PriorityQueue<>(
                (a, b) -> a.dueNanos() != b.dueNanos() ? Long.compare(a.dueNanos(), b.dueNanos())
                        : Long.compare(a.order(), b.order()));
        private long nowNanos;
        private long scheduled;

        ManualTimer() {
            super(1);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            tasks.add(new Task(nowNanos + unit.toNanos(delay), scheduled++, command));
            return null;
        }

        void runAll() {
            while (!tasks.isEmpty()) {
                Task next = tasks.poll();
                nowNanos = next.dueNanos();
                next.command().run();
            }
        }
    }
}
