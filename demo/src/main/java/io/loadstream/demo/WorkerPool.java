package io.loadstream.demo;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A bounded pool of simulated workers. A job holds one worker for its service time, then runs its completion;
 * jobs that find every worker busy wait in a FIFO queue, so their latency is queue wait plus service time. No
 * thread sleeps: a timer completes each job when its service time is up, so the pool can be far larger than the
 * server's thread pool.
 */
final class WorkerPool {

    private final int workers;
    private final int maxQueued;
    private final ScheduledExecutorService timer;
    private final Queue<Job> queue = new ArrayDeque<>();
    private int busy;

    /**
     * @param workers   how many jobs are served at once, at least 1
     * @param maxQueued how many jobs may wait; more are refused
     * @param timer     the timer that ends each job's service time
     */
    WorkerPool(int workers, int maxQueued, ScheduledExecutorService timer) {
        this.workers = workers;
        this.maxQueued = maxQueued;
        this.timer = timer;
    }

    /**
     * Starts a job now if a worker is free, queues it otherwise.
     *
     * @param serviceNanos how long the job holds its worker, ns
     * @param completion   what to do when the service time is up (e.g. write the response); must not block
     * @return false when the queue is full and the job was refused
     */
    boolean submit(long serviceNanos, Runnable completion) {
        Job job = new Job(serviceNanos, completion);
        synchronized (this) {
            if (busy >= workers) {
                if (queue.size() >= maxQueued) {
                    return false;
                }
                queue.add(job);
                return true;
            }
            busy++;
        }
        serve(job);
        return true;
    }

    /** How many jobs wait for a worker now. */
    synchronized int queued() {
        return queue.size();
    }

    /** How many workers are busy now. */
    synchronized int busy() {
        return busy;
    }

    private void serve(Job job) {
        timer.schedule(() -> {
            try {
                job.completion().run();
            } finally {
                release();
            }
        }, job.serviceNanos(), TimeUnit.NANOSECONDS);
    }

    private void release() {
        Job next;
        synchronized (this) {
            next = queue.poll();
            if (next == null) {
                busy--;
                return;
            }
        }
        // The freed worker goes straight to the oldest waiting job.
        serve(next);
    }

    private record Job(long serviceNanos, Runnable completion) {
    }
}
