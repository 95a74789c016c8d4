package io.loadstream.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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
        assertThat(allDone.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(done).containsExactly(0, 1, 2);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (pool.busy() > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(pool.busy()).isZero();
        assertThat(pool.queued()).isZero();
    }
}
