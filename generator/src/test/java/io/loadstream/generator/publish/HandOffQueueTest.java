package io.loadstream.generator.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The request loop's hand-off to the publisher thread: exact counts and order under real concurrency. */
class HandOffQueueTest {

    private static final int PRODUCERS = 4;
    private static final int PER_PRODUCER = 50_000;

    /** An element that says which producer offered it and its sequence number in that producer. */
    private record Item(int producer, int sequence) {
    }

    @Test
    void holdsExactlyItsCapacityEvenWhenThatIsNoPowerOfTwo() {
        HandOffQueue<Integer> queue = new HandOffQueue<>(3);

        assertThat(queue.offer(1)).isTrue();
        assertThat(queue.offer(2)).isTrue();
        assertThat(queue.offer(3)).isTrue();
        assertThat(queue.offer(4)).isFalse();
        assertThat(queue.size()).isEqualTo(3);

        List<Integer> taken = new ArrayList<>();
        assertThat(queue.drain(taken::add, 1)).isEqualTo(1);
        assertThat(queue.offer(5)).isTrue();
        assertThat(queue.offer(6)).isFalse();
        assertThat(queue.drain(taken::add, 100)).isEqualTo(3);
        assertThat(taken).containsExactly(1, 2, 3, 5);
        assertThat(queue.isEmpty()).isTrue();
        assertThat(queue.drain(taken::add, 100)).isZero();
    }

    @Test
    void wrapsAroundItsArrayManyTimesKeepingOrder() {
        HandOffQueue<Integer> queue = new HandOffQueue<>(5);
        List<Integer> taken = new ArrayList<>();
        int next = 0;
        for (int round = 0; round < 1_000; round++) {
            while (queue.offer(next)) {
                next++;
            }
            queue.drain(taken::add, 1 + round % 5);
        }
        queue.drain(taken::add, Integer.MAX_VALUE);

        assertThat(taken).hasSize(next);
        for (int i = 0; i < next; i++) {
            assertThat(taken.get(i)).isEqualTo(i);
        }
    }

    @Test
    void refusesNullAndImpossibleCapacities() {
        assertThatThrownBy(() -> new HandOffQueue<Integer>(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("capacity");
        assertThatThrownBy(() -> new HandOffQueue<Integer>(1).offer(null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void concurrentProducersLoseNothingAndKeepEachProducersOrder() throws Exception {
        // given: a queue far smaller than what is offered, so that producers meet a full queue very often
        HandOffQueue<Item> queue = new HandOffQueue<>(1_000);
        ExecutorService threads = Executors.newFixedThreadPool(PRODUCERS);
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean producing = new AtomicBoolean(true);
        try {
            // when: producers offer every item until it is taken (a refused offer is retried), while one consumer
            // drains in batches of varying size
            List<Future<Integer>> refusals = new ArrayList<>();
            for (int p = 0; p < PRODUCERS; p++) {
                int producer = p;
                refusals.add(threads.submit(() -> {
                    start.await();
                    int refused = 0;
                    for (int i = 0; i < PER_PRODUCER; i++) {
                        Item item = new Item(producer, i);
                        while (!queue.offer(item)) {
                            refused++;
                            Thread.yield();
                        }
                    }
                    return refused;
                }));
            }
            int[] nextExpected = new int[PRODUCERS];
            long[] received = {0};
            boolean[] inOrder = {true};
            start.countDown();
            Thread consumer = new Thread(() -> {
                int batch = 1;
                while (producing.get() || !queue.isEmpty()) {
                    queue.drain(item -> {
                        inOrder[0] &= item.sequence() == nextExpected[item.producer()];
                        nextExpected[item.producer()] = item.sequence() + 1;
                        received[0]++;
                    }, batch);
                    batch = batch % 700 + 1;
                }
            }, "hand-off-consumer");
            consumer.start();
            for (Future<Integer> refusal : refusals) {
                refusal.get(120, TimeUnit.SECONDS);
            }
            producing.set(false);
            consumer.join(TimeUnit.SECONDS.toMillis(120));

            // then: every item arrived exactly once, each producer's items in the order offered
            assertThat(consumer.isAlive()).isFalse();
            assertThat(received[0]).isEqualTo((long) PRODUCERS * PER_PRODUCER);
            assertThat(inOrder[0]).isTrue();
            for (int p = 0; p < PRODUCERS; p++) {
                assertThat(nextExpected[p]).isEqualTo(PER_PRODUCER);
            }
            assertThat(queue.isEmpty()).isTrue();
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void offersThatFindTheQueueFullAreExactlyTheOnesNotDelivered() throws Exception {
        // given: producers that never retry, as the request loop does (a refused timing is counted as dropped)
        HandOffQueue<Item> queue = new HandOffQueue<>(64);
        ExecutorService threads = Executors.newFixedThreadPool(PRODUCERS);
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean producing = new AtomicBoolean(true);
        try {
            List<Future<Integer>> accepted = new ArrayList<>();
            for (int p = 0; p < PRODUCERS; p++) {
                int producer = p;
                accepted.add(threads.submit(() -> {
                    start.await();
                    int ok = 0;
                    for (int i = 0; i < PER_PRODUCER; i++) {
                        if (queue.offer(new Item(producer, i))) {
                            ok++;
                        }
                    }
                    return ok;
                }));
            }
            long[] received = {0};
            start.countDown();
            Thread consumer = new Thread(() -> {
                while (producing.get() || !queue.isEmpty()) {
                    queue.drain(item -> received[0]++, 32);
                }
            }, "hand-off-consumer");
            consumer.start();

            // when: every producer has offered all its items
            long acceptedTotal = 0;
            for (Future<Integer> ok : accepted) {
                acceptedTotal += ok.get(120, TimeUnit.SECONDS);
            }
            producing.set(false);
            consumer.join(TimeUnit.SECONDS.toMillis(120));

            // then: what the consumer received is exactly what the producers were told was accepted
            assertThat(consumer.isAlive()).isFalse();
            assertThat(received[0]).isEqualTo(acceptedTotal);
            assertThat(acceptedTotal).isPositive().isLessThanOrEqualTo((long) PRODUCERS * PER_PRODUCER);
        } finally {
            threads.shutdownNow();
        }
    }
}
