package io.loadstream.generator.publish;

import io.loadstream.schemas.Topics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The way out of the generator to Kafka, which rides out a broker outage (see {@link OutageBuffer}). Every record
 * goes to the producer while fewer than {@code memoryEvents} are unacknowledged and nothing waits in the journal;
 * otherwise, and when the producer refuses a record (it blocked {@code max.block.ms}), it goes to the
 * {@link SpillJournal}, and so does every later record until the journal has been sent: the order of the records
 * is the order of {@link #send} calls. Publisher thread only, except the counters.
 *
 * <p>The normal path costs one decrement and one comparison per record; the producer's acknowledgements are
 * looked at once per {@link #poll} (every drained batch, or every 5 ms).
 *
 * <p>An outage is a stretch of at least {@value #UNREACHABLE_MS} ms in which records wait and none is acknowledged
 * ({@value #FIRST_ACK_MS} ms before the first acknowledgement), or that starts with a refused record; it ends with the
 * next acknowledgement, and is kept as a {@link KafkaOutage}.
 *
 * <p><b>Unsettled timings.</b> The outbox counts the timings it has taken and not yet settled (acknowledged, failed
 * or dropped) per {@value #BUCKET_MS} ms of their record timestamp, so that {@link #oldestUnsettledTimingMs} tells
 * how far a control record's watermark may go: the producer keeps the order of records within a partition only,
 * and after a broker hiccup a heartbeat on the control topic reached the broker before timings handed over earlier
 * on the requests topic; the aggregator read it first and counted those timings late. A control record stamped no
 * later than the oldest unsettled timing cannot overtake one. The counts sit in a ring of {@value #RING_BUCKETS}
 * buckets (about 109 minutes); timings further apart than that share a bucket, which can only hold the watermark
 * back, never let it pass a timing. Each bucket has its own producer callback, made once, so a timing costs no
 * allocation here: one increment when taken and one decrement when settled.
 */
final class Outbox {

    /** Record kinds, which name the topic and what a loss is counted as. */
    static final int TIMING = 0;
    /** A control record. */
    static final int CONTROL = 1;
    /** A system sample. */
    static final int SAMPLE = 2;
    /** How long records must wait unacknowledged before the broker counts as unreachable, in milliseconds. */
    static final long UNREACHABLE_MS = 5_000;
    /**
     * The same before the broker's first acknowledgement, in milliseconds: the first one waits for metadata and a
     * cold JVM, and took 5 to 10 s on a loaded machine, which is no outage.
     */
    static final long FIRST_ACK_MS = 30_000;
    /** Outages kept in detail; later ones are merged into the last. */
    static final int MAX_OUTAGES = 50;
    private static final int REPLAY_BATCH = 4_096;
    /** While unreachable and nothing waits in the producer, one journal record is tried this often. */
    private static final long PROBE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Width of a bucket of unsettled timings, in milliseconds of their record timestamp. */
    static final long BUCKET_MS = 100;
    /** Buckets in the ring of unsettled timings (a power of two). */
    static final int RING_BUCKETS = 1 << 16;
    private static final int RING_MASK = RING_BUCKETS - 1;
    private static final long NO_BUCKET = Long.MIN_VALUE;
    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

    private final Producer<byte[], byte[]> producer;
    private final String[] topicOf;
    private final int memoryEvents;
    private final SpillJournal journal;
    private final LongSupplier nanoTime;
    private final LongSupplier wallMs;
    private final LongAdder settled = new LongAdder();
    private final LongAdder published = new LongAdder();
    private final LongAdder[] dropped = {new LongAdder(), new LongAdder(), new LongAdder()};
    private final Callback[] callbacks = new Callback[3];
    /** Unsettled timings per bucket of their timestamp (ring index); decremented by the producer's I/O thread. */
    private final AtomicIntegerArray unsettledTimings = new AtomicIntegerArray(RING_BUCKETS);
    /** The callback of the timings of each ring index, made when first needed. Publisher thread. */
    private final Callback[] timingCallbacks = new Callback[RING_BUCKETS];
    /** The oldest bucket that may hold an unsettled timing, and the newest that ever did. Publisher thread. */
    private long lowBucket = NO_BUCKET;
    private long highBucket = NO_BUCKET;
    private final AtomicBoolean[] warnedLoss = {new AtomicBoolean(), new AtomicBoolean(), new AtomicBoolean()};
    /** Timings acknowledged per partition; written only by the producer's I/O thread, read after a flush. */
    private volatile long[] timingsPerPartition = new long[0];
    private volatile List<KafkaOutage> outages = List.of();

    /** Records the producer took. */
    private long handed;
    /** Records that may still go to the producer before the acknowledgements are looked at again. */
    private long room;
    private long submitted;
    private long lastSettled;
    private long lastProgressNanos;
    private long lastProbeNanos;
    /** The oldest backlog record, taken from the journal but refused by the producer; null when none. */
    private Held held;
    private long outageStartNanos = -1;
    private long outageStartMs;
    private long outageBufferedAtStart;
    private long outageSubmittedAtStart;
    private long outageDroppedAtStart;
    private boolean warnedFull;
    /**
     * The publisher thread while it is inside producer.send, else null. Written and compared by the publisher
     * thread; the producer's I/O thread only compares it with itself, which never matches.
     */
    private Thread sendingThread;
    /** Set by a callback that send() called at once with a retriable failure: the producer did not take it. */
    private boolean refusedInSend;

    private record Held(int kind, int partition, long timestampMs, byte[] key, byte[] value) {
    }

    /**
     * Creates the outbox.
     *
     * @param producer    the producer; not closed here
     * @param topics      the topic names
     * @param buffer      the bounds of what is held during an outage
     * @param journalName the journal file's name
     * @param nanoTime    a monotonic clock, nanoseconds
     * @param wallMs      the wall clock, epoch milliseconds
     */
    Outbox(Producer<byte[], byte[]> producer, Topics topics, OutageBuffer buffer, String journalName,
           LongSupplier nanoTime, LongSupplier wallMs) {
        this.producer = producer;
        this.topicOf = new String[] {topics.requests(), topics.control(), topics.system()};
        this.memoryEvents = buffer.memoryEvents();
        this.room = memoryEvents;
        this.journal = new SpillJournal(buffer.journalDirectory(), journalName, buffer.journalMaxBytes());
        this.nanoTime = nanoTime;
        this.wallMs = wallMs;
        this.lastProgressNanos = nanoTime.getAsLong();
        // A timing takes its bucket's callback (timingCallback) instead.
        callbacks[CONTROL] = callback(CONTROL, -1);
        callbacks[SAMPLE] = callback(SAMPLE, -1);
    }

    /** The producer callback of records of this kind; for a timing, {@code ringIndex} is its bucket's index. */
    private Callback callback(int kind, int ringIndex) {
        return (metadata, exception) -> {
            if (exception instanceof RetriableException && Thread.currentThread() == sendingThread) {
                // Called from within send() itself: the producer waited max.block.ms for the topic's metadata
                // or for buffer room, and gives the record back. It stays ours (trySend returns false).
                refusedInSend = true;
                return;
            }
            if (exception == null) {
                published.increment();
                if (kind == TIMING) {
                    countTiming(metadata.partition());
                }
            } else {
                dropped[kind].increment();
                // The first loss of each kind is worth a line: it makes the run's figures incomplete.
                if (!warnedLoss[kind].getAndSet(true)) {
                    LOG.warn("An event for {} was not delivered: {}", topicOf[kind], exception.toString());
                }
            }
            if (ringIndex >= 0) {
                unsettledTimings.decrementAndGet(ringIndex);
            }
            settled.increment();
        };
    }

    /**
     * Sends a record, or keeps it for later when the producer cannot take it now. Publisher thread only.
     *
     * @param kind        {@link #TIMING}, {@link #CONTROL} or {@link #SAMPLE}
     * @param partition   the partition, or -1 to let the producer choose
     * @param timestampMs the record timestamp, epoch milliseconds
     * @param key         the key
     * @param value       the value
     */
    void send(int kind, int partition, long timestampMs, byte[] key, byte[] value) {
        submitted++;
        if (kind == TIMING) {
            takeTiming(timestampMs);
        }
        if (held == null && journal.isEmpty() && (room > 0 || refreshRoom() > 0)) {
            if (trySend(kind, partition, timestampMs, key, value)) {
                return;
            }
            markRefused();
        }
        spill(kind, partition, timestampMs, key, value);
    }

    /**
     * Looks at the acknowledgements: starts or ends an outage, and sends from the journal what the producer has
     * room for. Publisher thread only; call often (every loop of the publisher thread).
     */
    void poll() {
        long now = nanoTime.getAsLong();
        long settledNow = settled.sum();
        boolean progress = settledNow != lastSettled;
        if (progress || handed == settledNow) {
            lastSettled = settledNow;
            lastProgressNanos = now;
            if (progress && outageStartNanos >= 0) {
                endOutage(now);
            }
        } else if (outageStartNanos < 0 && now - lastProgressNanos
                > TimeUnit.MILLISECONDS.toNanos(settledNow == 0 ? FIRST_ACK_MS : UNREACHABLE_MS)) {
            startOutage(lastProgressNanos, now);
        }
        room = memoryEvents - (handed - settledNow);
        if (held != null || !journal.isEmpty()) {
            replay(now, settledNow);
        }
    }

    /**
     * Sends the backlog as the broker allows, until it is empty, or until the broker has acknowledged nothing for
     * {@code patienceNanos}, or the thread is interrupted. Publisher thread only.
     *
     * @param patienceNanos how long to wait without any acknowledgement, in nanoseconds
     * @return whether the backlog is empty
     */
    boolean drainBacklog(long patienceNanos) {
        long start = nanoTime.getAsLong();
        while (true) {
            poll();
            if (held == null && journal.isEmpty()) {
                return true;
            }
            long waited = nanoTime.getAsLong() - Math.max(start, lastProgressNanos);
            if (waited > patienceNanos || Thread.currentThread().isInterrupted()) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    /**
     * The watermark that a control record may carry now so that no timing taken before it is left behind: the
     * start of the oldest bucket that holds an unsettled timing, or {@link Long#MAX_VALUE} when every timing is
     * settled. Publisher thread only.
     *
     * @return epoch milliseconds, or {@link Long#MAX_VALUE}
     */
    long oldestUnsettledTimingMs() {
        if (lowBucket == NO_BUCKET) {
            return Long.MAX_VALUE;
        }
        for (int steps = 0; lowBucket < highBucket && steps < RING_BUCKETS
                && unsettledTimings.get(ringIndex(lowBucket)) == 0; steps++) {
            lowBucket++;
        }
        return unsettledTimings.get(ringIndex(lowBucket)) == 0 ? Long.MAX_VALUE : lowBucket * BUCKET_MS;
    }

    /** Counts a record of this kind as lost (refused before it reached the outbox, or not encodable). */
    void countDropped(int kind) {
        dropped[kind].increment();
    }

    /** Records the broker acknowledged. */
    long published() {
        return published.sum();
    }

    /** Records of one kind lost so far. */
    long dropped(int kind) {
        return dropped[kind].sum();
    }

    /** Records of every kind lost so far. */
    long droppedTotal() {
        return dropped[TIMING].sum() + dropped[CONTROL].sum() + dropped[SAMPLE].sum();
    }

    /** Records waiting in the journal now (publisher thread; an estimate elsewhere). */
    long journaled() {
        return journal.size() + (held == null ? 0 : 1);
    }

    /** Every record that ever went to the journal. */
    long journaledTotal() {
        return journal.appendedTotal();
    }

    /** The outages that have ended, oldest first (any thread). */
    List<KafkaOutage> outages() {
        return outages;
    }

    /** Timings acknowledged on each partition of the requests topic (index = partition). */
    long[] timingsPerPartition() {
        return timingsPerPartition.clone();
    }

    /** Counts what is still in the journal as lost and deletes it. Publisher thread, at the end. */
    void discardBacklog() {
        if (held != null) {
            drop(held.kind(), held.timestampMs());
            held = null;
        }
        if (!journal.isEmpty()) {
            LOG.warn("{} events in the outage journal could not be sent before the end; counted as dropped",
                    journal.size());
            journal.take((kind, partition, timestampMs, key, value) -> {
                drop(kind, timestampMs);
                return true;
            }, Integer.MAX_VALUE);
        }
        journal.close();
    }

    private long refreshRoom() {
        room = memoryEvents - (handed - settled.sum());
        return room;
    }

    /** Hands a record to the producer; false when it refused it for now (it stays ours to keep). */
    private boolean trySend(int kind, int partition, long timestampMs, byte[] key, byte[] value) {
        refusedInSend = false;
        sendingThread = Thread.currentThread();
        try {
            producer.send(new ProducerRecord<>(topicOf[kind], partition < 0 ? null : partition, timestampMs, key,
                    value), kind == TIMING ? timingCallback(timestampMs) : callbacks[kind]);
            if (refusedInSend) {
                LOG.debug("The producer gave a record back: the broker's metadata did not come within max.block.ms");
                return false;
            }
            handed++;
            room--;
            return true;
        } catch (TimeoutException e) {
            // Metadata or buffer memory (BufferExhaustedException) did not come within max.block.ms: the broker is
            // away, keep the record.
            LOG.debug("The producer could not take a record now: {}", e.toString());
            return false;
        } catch (RuntimeException e) {
            // Never deliverable (too large, producer closed): waiting would not help.
            drop(kind, timestampMs);
            LOG.warn("The producer refused an event for {}: {}", topicOf[kind], e.toString());
            return true;
        } finally {
            sendingThread = null;
        }
    }

    private void spill(int kind, int partition, long timestampMs, byte[] key, byte[] value) {
        if (journal.append(kind, partition, timestampMs, key, value)) {
            return;
        }
        drop(kind, timestampMs);
        if (!warnedFull) {
            warnedFull = true;
            LOG.warn("The outage journal is full or cannot be written ({}); further events are counted as dropped",
                    journal.lastFailure().map(Throwable::toString).orElse("its size limit"));
        }
    }

    private void replay(long now, long settledNow) {
        int limit;
        if (outageStartNanos >= 0) {
            // Unreachable: add nothing while records wait; when none does, try one now and then.
            if (handed > settledNow || now - lastProbeNanos < PROBE_INTERVAL_NANOS) {
                return;
            }
            lastProbeNanos = now;
            limit = 1;
        } else {
            limit = (int) Math.min(REPLAY_BATCH, Math.max(0, room));
        }
        if (limit == 0) {
            return;
        }
        if (held != null) {
            if (!trySend(held.kind(), held.partition(), held.timestampMs(), held.key(), held.value())) {
                markRefused();
                return;
            }
            held = null;
            limit--;
        }
        if (limit > 0) {
            journal.take((kind, partition, timestampMs, key, value) -> {
                if (trySend(kind, partition, timestampMs, key, value)) {
                    return true;
                }
                held = new Held(kind, partition, timestampMs, key, value);
                markRefused();
                return false;
            }, limit);
        }
    }

    private void markRefused() {
        if (outageStartNanos < 0) {
            long now = nanoTime.getAsLong();
            startOutage(now, now);
        }
    }

    private void startOutage(long sinceNanos, long now) {
        outageStartNanos = sinceNanos;
        outageStartMs = wallMs.getAsLong() - TimeUnit.NANOSECONDS.toMillis(now - sinceNanos);
        outageBufferedAtStart = handed - settled.sum() + journaled();
        outageSubmittedAtStart = submitted;
        outageDroppedAtStart = droppedTotal();
        LOG.warn("Kafka is unreachable (nothing acknowledged for {} s, or an event refused): holding events, up to "
                + "{} in memory, then in a journal on disk", TimeUnit.NANOSECONDS.toSeconds(now - sinceNanos),
                memoryEvents);
    }

    private void endOutage(long now) {
        KafkaOutage outage = new KafkaOutage(outageStartMs, TimeUnit.NANOSECONDS.toMillis(now - outageStartNanos),
                outageBufferedAtStart + submitted - outageSubmittedAtStart, droppedTotal() - outageDroppedAtStart);
        outageStartNanos = -1;
        List<KafkaOutage> list = new ArrayList<>(outages);
        if (list.size() == MAX_OUTAGES) {
            KafkaOutage last = list.remove(list.size() - 1);
            outage = new KafkaOutage(last.startedMs(), outage.startedMs() + outage.durationMs() - last.startedMs(),
                    last.eventsBuffered() + outage.eventsBuffered(), last.eventsLost() + outage.eventsLost());
        }
        list.add(outage);
        outages = List.copyOf(list);
        LOG.warn("Kafka acknowledges again after {} ms; {} events were held, {} lost", outage.durationMs(),
                outage.eventsBuffered(), outage.eventsLost());
    }

    /** Counts a timing taken: it is unsettled until the producer reports its outcome or it is dropped. */
    private void takeTiming(long timestampMs) {
        long bucket = Math.floorDiv(timestampMs, BUCKET_MS);
        if (lowBucket == NO_BUCKET || bucket < lowBucket) {
            lowBucket = bucket;
        }
        if (highBucket == NO_BUCKET || bucket > highBucket) {
            highBucket = bucket;
        }
        unsettledTimings.incrementAndGet(ringIndex(bucket));
    }

    private Callback timingCallback(long timestampMs) {
        int index = ringIndex(Math.floorDiv(timestampMs, BUCKET_MS));
        Callback callback = timingCallbacks[index];
        if (callback == null) {
            callback = callback(TIMING, index);
            timingCallbacks[index] = callback;
        }
        return callback;
    }

    /** Counts a record that the outbox took as lost, and settles it. */
    private void drop(int kind, long timestampMs) {
        dropped[kind].increment();
        if (kind == TIMING) {
            unsettledTimings.decrementAndGet(ringIndex(Math.floorDiv(timestampMs, BUCKET_MS)));
        }
    }

    private static int ringIndex(long bucket) {
        return (int) (bucket & RING_MASK);
    }

    private void countTiming(int partition) {
        long[] counts = timingsPerPartition;
        if (partition >= counts.length) {
            counts = Arrays.copyOf(counts, partition + 1);
        }
        counts[partition]++;
        timingsPerPartition = counts;
    }
}
