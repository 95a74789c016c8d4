package io.loadstream.generator.publish;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A bounded, lock-free queue for many producers and exactly one consumer: the hand-off from the request loop's
 * threads to the publisher thread. {@link #offer} never blocks and never waits for the consumer: it claims a slot
 * with one compare-and-set on the producer index and publishes the element with a release store; when the queue
 * is full it returns {@code false} at once. The consumer ({@link #drain}) reads without any lock.
 *
 * <p>Why not {@code ArrayBlockingQueue}: its one lock is held by {@code drainTo} for a whole batch, so a request
 * callback that completes meanwhile parks until the drain ends (a context switch on the selector thread, which
 * is the generator's bottleneck), and every offer also signals a condition. Here producers and the consumer
 * never wait for each other.
 *
 * <p>Order: elements of one producer thread are consumed in the order that thread offered them; elements of
 * different threads in the order their slots were claimed. Limits: at most {@code capacity} elements are held at
 * once, exactly (the backing array is the next power of two, the bound is the capacity given); {@link #drain} and
 * {@link #size} may be called only from the one consumer thread (size from any thread is an estimate).
 *
 * <p>{@link #drain} never waits either: it stops at a slot that a producer has claimed but not yet filled, and the
 * next drain starts there.
 *
 * @param <E> the element type; null elements are refused
 */
final class HandOffQueue<E> {

    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Object[].class);

    private final Object[] slots;
    private final int mask;
    private final int capacity;
    /** The next slot a producer claims; only ever incremented, by compare-and-set. */
    private final AtomicLong producerIndex = new AtomicLong();
    /** The next slot the consumer reads; written by the consumer only (release), read by producers. */
    private final AtomicLong consumerIndex = new AtomicLong();
    /**
     * A producer's cached bound (consumer index + capacity) below which a slot is surely free, so that offers
     * rarely read the consumer's index (another core's cache line). Racy by design: a stale value is only lower.
     */
    private volatile long producerLimit;

    /**
     * Creates an empty queue.
     *
     * @param capacity the most elements held at once, 1 to 2^30
     * @throws IllegalArgumentException when the capacity is out of range
     */
    HandOffQueue(int capacity) {
        if (capacity < 1 || capacity > (1 << 30)) {
            throw new IllegalArgumentException("The hand-off queue needs a capacity from 1 to 2^30, not " + capacity);
        }
        int size = Integer.highestOneBit(capacity);
        if (size < capacity) {
            size <<= 1;
        }
        this.slots = new Object[size];
        this.mask = size - 1;
        this.capacity = capacity;
        this.producerLimit = capacity;
    }

    /**
     * Adds an element unless the queue is full; never blocks. Any thread.
     *
     * @param element the element, not null
     * @return false when the queue held {@code capacity} elements
     */
    boolean offer(E element) {
        if (element == null) {
            throw new IllegalArgumentException("The hand-off queue takes no null element");
        }
        long index;
        do {
            index = producerIndex.get();
            if (index >= producerLimit) {
                long limit = consumerIndex.get() + capacity;
                if (index >= limit) {
                    return false;
                }
                producerLimit = limit;
            }
        } while (!producerIndex.compareAndSet(index, index + 1));
        // The consumer spins on a claimed slot until this release store makes the element visible.
        SLOTS.setRelease(slots, (int) index & mask, element);
        return true;
    }

    /**
     * Hands up to {@code limit} elements, in order, to {@code action}, and removes them. Consumer thread only.
     *
     * @param action receives each element
     * @param limit  most elements to take, at least 1
     * @return how many were taken
     */
    int drain(Consumer<? super E> action, int limit) {
        long index = consumerIndex.get();
        long end = producerIndex.get();
        int taken = 0;
        while (taken < limit && index < end) {
            int slot = (int) index & mask;
            Object element = SLOTS.getAcquire(slots, slot);
            if (element == null) {
                // Claimed by a producer that has not stored it yet. Not waited for: on an oversubscribed machine
                // that producer may have been descheduled between its two steps, and spinning here would take the
                // CPU it needs. The next drain takes it, still in order.
                break;
            }
            SLOTS.setOpaque(slots, slot, null);
            index++;
            // Frees the slot for producers; the element is handed on after, so the action may take its time.
            consumerIndex.lazySet(index);
            taken++;
            @SuppressWarnings("unchecked")
            E typed = (E) element;
            action.accept(typed);
        }
        return taken;
    }

    /** Elements held now: exact on the consumer thread when no producer is offering, else an estimate. */
    int size() {
        long size = producerIndex.get() - consumerIndex.get();
        return (int) Math.max(0, Math.min(capacity, size));
    }

    /** Elements accepted by {@link #offer} so far, exactly (any thread; those offered concurrently may be missed). */
    long accepted() {
        return producerIndex.get();
    }

    /** Whether no element is held (see {@link #size}). */
    boolean isEmpty() {
        return size() == 0;
    }

    /** The most elements held at once. */
    int capacity() {
        return capacity;
    }
}
