package io.loadstream.generator.publish;

import io.loadstream.events.RequestTiming;
import io.loadstream.events.RunControl;
import io.loadstream.events.SystemSample;
import io.loadstream.generator.executor.RequestSink;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.EventSerdes;
import io.loadstream.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.PartitionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a run's events without ever blocking the request loop. Request timings go into a bounded, lock-free
 * buffer ({@link #requestCompleted}, which never waits: a {@link HandOffQueue}); one publisher thread drains it in
 * batches, encodes each timing and hands it to the Kafka producer. A timing that finds the buffer full, that the
 * producer refuses, or that the broker does not acknowledge, is counted in {@link #dropped()}: never lost silently.
 *
 * <p>Control records go through the same thread ({@link #submitControl}): it first reads the watermark, then
 * sends every timing buffered so far, then the control record to every partition of the control topic with the
 * watermark as its timestamp, lowered to the oldest timing the broker has not acknowledged yet
 * ({@link Outbox#oldestUnsettledTimingMs}). So a control record's watermark never passes a timing recorded before it
 * that is not in the log yet, whichever partition or topic reaches the broker first.
 *
 * <p>The requests topic receives timings and nothing else.
 */
public final class EventPublisher implements RequestSink, AutoCloseable {

    /** Default capacity of the buffer between the request loop and the producer, in events. */
    public static final int DEFAULT_CAPACITY = 131_072;
    /** Largest batch taken from the buffer at once. */
    private static final int DRAIN_BATCH = 4_096;
    /** Samples waiting for the publisher thread at most (an hour's worth). */
    private static final int MAX_QUEUED_SAMPLES = 3_600;
    /** How long a flush waits for the broker to acknowledge anything while the outage journal is not sent, in s. */
    private static final long BACKLOG_WAIT_S = 50;
    /** How long the publisher thread sleeps when it found less than a full batch, in nanoseconds (5 ms). */
    private static final long PAUSE_NANOS = 5_000_000;

    private static final Logger LOG = LoggerFactory.getLogger(EventPublisher.class);

    /** Work for the publisher thread, run after it has sent every buffered timing. */
    @FunctionalInterface
    public interface ControlAction {
        /**
         * Runs on the publisher thread.
         *
         * @param publisher     this publisher, to send records with
         * @param watermarkMs   the watermark read before the buffer was drained, epoch milliseconds
         */
        void run(EventPublisher publisher, long watermarkMs);
    }

    private record Pending(ControlAction action, CompletableFuture<Void> done) {
    }

    private final Producer<byte[], byte[]> producer;
    private final Topics topics;
    private final String runId;
    private final LongSupplier watermarkMs;
    private final HandOffQueue<RequestTiming> buffer;
    private final ConcurrentLinkedQueue<Pending> controls = new ConcurrentLinkedQueue<>();
    /** System samples from the sampler thread, sent by the publisher thread so that they share the outbox. */
    private final ConcurrentLinkedQueue<SystemSample> samples = new ConcurrentLinkedQueue<>();
    private final AtomicInteger samplesQueued = new AtomicInteger();
    private final TimingEncoder timingEncoder = new TimingEncoder();
    private final Map<String, byte[]> keys = new HashMap<>();
    /** Timings the buffer refused because it was full (the accepted ones are the buffer's own count). */
    private final LongAdder refused = new LongAdder();
    private final Outbox outbox;
    /** Partitions of the control topic, read once: during an outage the producer may not answer. */
    private int[] controlPartitions;
    /** Sends one drained timing; made once, so that a drain allocates nothing. */
    private final Consumer<RequestTiming> sendTiming = this::sendTiming;
    /** Sees every timing taken from the buffer, on the publisher thread, before it is sent. */
    private final Consumer<RequestTiming> onTaken;
    private final Thread thread;
    private volatile boolean closing;

    /**
     * Creates the publisher and starts its thread.
     *
     * @param producer    the producer (byte-array keys and values); this publisher closes it
     * @param topics      the topic names
     * @param runId       the run id, the start of every key
     * @param capacity    buffer capacity in events, at least 1
     * @param watermarkMs the run's watermark in epoch milliseconds, read before control records are sent
     */
    public EventPublisher(Producer<byte[], byte[]> producer, Topics topics, String runId, int capacity,
                          LongSupplier watermarkMs) {
        this(producer, topics, runId, capacity, watermarkMs, event -> { }, OutageBuffer.DEFAULT);
    }

    /**
     * Creates the publisher and starts its thread.
     *
     * @param producer    the producer (byte-array keys and values); this publisher closes it
     * @param topics      the topic names
     * @param runId       the run id, the start of every key
     * @param capacity    buffer capacity in events, at least 1
     * @param watermarkMs the run's watermark in epoch milliseconds, read before control records are sent
     * @param onTaken     called on the publisher thread (one thread) with every timing taken from the buffer,
     *                    before it is sent: where statistics are recorded once, off the request loop
     * @param outage      what is held while the broker cannot take records, before a loss is counted
     */
    public EventPublisher(Producer<byte[], byte[]> producer, Topics topics, String runId, int capacity,
                          LongSupplier watermarkMs, Consumer<RequestTiming> onTaken, OutageBuffer outage) {
        if (capacity < 1) {
            throw new IllegalArgumentException("The event buffer needs a capacity of at least 1, not " + capacity);
        }
        this.producer = producer;
        this.topics = topics;
        this.runId = EventKeys.validateRunId(runId);
        this.watermarkMs = watermarkMs;
        this.onTaken = onTaken;
        this.buffer = new HandOffQueue<>(capacity);
        this.outbox = new Outbox(producer, topics, outage, "journal-" + runId + "-" + ProcessHandle.current().pid()
                + ".bin", System::nanoTime, System::currentTimeMillis);
        this.thread = new Thread(this::loop, "loadstream-publisher");
        thread.setDaemon(true);
        thread.start();
    }

    /** Buffers a timing; never waits. When the buffer is full, the timing is counted as dropped. */
    @Override
    public void requestCompleted(RequestTiming event) {
        if (!buffer.offer(event)) {
            refused.increment();
            outbox.countDropped(Outbox.TIMING);
        }
    }

    /** Timings handed to this publisher so far. */
    public long offered() {
        return buffer.accepted() + refused.sum();
    }

    /** Records (timings, control, samples) the broker has acknowledged so far. */
    public long published() {
        return outbox.published();
    }

    /** Records that could not be delivered so far: buffer full, refused by the producer, or not acknowledged. */
    public long dropped() {
        return outbox.droppedTotal();
    }

    /** Request timings that could not be delivered so far (a part of {@link #dropped()}). */
    public long timingsDropped() {
        return outbox.dropped(Outbox.TIMING);
    }

    /** System samples that could not be delivered so far (a part of {@link #dropped()}). */
    public long samplesDropped() {
        return outbox.dropped(Outbox.SAMPLE);
    }

    /** The broker outages this publisher rode out so far, oldest first (any thread). */
    public List<KafkaOutage> outages() {
        return outbox.outages();
    }

    /** Records that went to the outage journal on disk so far (publisher thread; an estimate elsewhere). */
    public long journaledTotal() {
        return outbox.journaledTotal();
    }

    /**
     * Timings the broker acknowledged on each partition of the requests topic so far (index = partition). Exact for
     * everything sent before a {@link #flushProducer()} that returned.
     */
    public List<Long> timingsPerPartition() {
        long[] counts = outbox.timingsPerPartition();
        List<Long> list = new ArrayList<>(counts.length);
        for (long count : counts) {
            list.add(count);
        }
        return list;
    }

    /** Timings waiting in the buffer now. */
    public int buffered() {
        return buffer.size();
    }

    /**
     * Runs an action on the publisher thread once every timing buffered before this call has been sent.
     *
     * @param action the action
     * @return completes when the action has run (exceptionally when it failed)
     */
    public CompletableFuture<Void> submitControl(ControlAction action) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!thread.isAlive()) {
            done.completeExceptionally(new IllegalStateException("The publisher is closed"));
            return done;
        }
        controls.add(new Pending(action, done));
        return done;
    }

    /**
     * Sends a control record to every partition of the control topic, keyed by run id, with the given record
     * timestamp. Call from a {@link ControlAction}.
     *
     * @param record      the record
     * @param timestampMs the record timestamp, epoch milliseconds (the watermark)
     */
    public void sendControl(RunControl record, long timestampMs) {
        byte[] key = EventKeys.runKey(runId).getBytes(StandardCharsets.UTF_8);
        byte[] value = EventSerdes.runControl().serialize(topics.control(), record);
        if (controlPartitions == null) {
            List<PartitionInfo> partitions = producer.partitionsFor(topics.control());
            controlPartitions = partitions.stream().mapToInt(PartitionInfo::partition).toArray();
        }
        for (int partition : controlPartitions) {
            outbox.send(Outbox.CONTROL, partition, timestampMs, key, value);
        }
    }

    /**
     * Sends a system sample, keyed by run and host. Any thread may call it; the publisher thread sends it. At most
     * {@value #MAX_QUEUED_SAMPLES} wait at once; a sample past that is counted as dropped.
     *
     * @param sample the sample
     */
    public void sendSample(SystemSample sample) {
        if (samplesQueued.incrementAndGet() > MAX_QUEUED_SAMPLES) {
            samplesQueued.decrementAndGet();
            outbox.countDropped(Outbox.SAMPLE);
            return;
        }
        samples.add(sample);
    }

    /**
     * Waits until the producer has sent everything handed to it, the outage journal first (giving up when the
     * broker acknowledges nothing for {@value #BACKLOG_WAIT_S} s); call from a {@link ControlAction}.
     */
    public void flushProducer() {
        sendSamples();
        if (!outbox.drainBacklog(TimeUnit.SECONDS.toNanos(BACKLOG_WAIT_S))) {
            LOG.warn("The broker acknowledged nothing for {} s: the outage journal's {} events are not sent",
                    BACKLOG_WAIT_S, outbox.journaled());
            return;
        }
        producer.flush();
    }

    private void sendSamples() {
        for (SystemSample sample; (sample = samples.poll()) != null; ) {
            samplesQueued.decrementAndGet();
            byte[] key = EventKeys.hostKey(sample.getRunId(), sample.getHost()).getBytes(StandardCharsets.UTF_8);
            byte[] value = EventSerdes.systemSample().serialize(topics.system(), sample);
            outbox.send(Outbox.SAMPLE, -1, sample.getTimestampMs(), key, value);
        }
    }

    private void loop() {
        while (true) {
            outbox.poll();
            sendSamples();
            Pending control = controls.peek();
            if (control != null) {
                runControl(control);
                continue;
            }
            int drained = buffer.drain(sendTiming, DRAIN_BATCH);
            if (drained == DRAIN_BATCH) {
                continue;
            }
            if (closing && buffer.isEmpty() && controls.isEmpty()) {
                break;
            }
            // Sleep instead of waiting on the buffer: a waiting consumer would have every requestCompleted wake
            // it (a thread hand-off per request); sleeping, it takes what a pause accumulated in one batch.
            LockSupport.parkNanos(PAUSE_NANOS);
            if (Thread.currentThread().isInterrupted()) {
                break;
            }
        }
        // Anything a forced close left behind is counted, not lost silently.
        buffer.drain(ignored -> outbox.countDropped(Outbox.TIMING), Integer.MAX_VALUE);
        for (SystemSample ignored; (ignored = samples.poll()) != null; ) {
            outbox.countDropped(Outbox.SAMPLE);
        }
        outbox.discardBacklog();
        for (Pending pending; (pending = controls.poll()) != null; ) {
            pending.done().completeExceptionally(new IllegalStateException("The publisher was closed"));
        }
    }

    private void runControl(Pending control) {
        try {
            long watermark = watermarkMs.getAsLong();
            // Every timing whose hand-off ended before the watermark was read goes out before the control record.
            // One still being handed off may follow it: its VU's watermark slot held its intended start until the
            // hand-off returned, so the watermark is not past it.
            int drained;
            do {
                drained = buffer.drain(sendTiming, DRAIN_BATCH);
            } while (drained > 0);
            // Not past a timing the broker has not acknowledged yet: the control record may reach the broker
            // before it (the producer keeps order within a partition only), and the aggregator would count it late.
            watermark = Math.min(watermark, outbox.oldestUnsettledTimingMs());
            control.action().run(this, watermark);
            control.done().complete(null);
        } catch (RuntimeException e) {
            LOG.warn("A control record could not be sent: {}", e.toString());
            control.done().completeExceptionally(e);
        } finally {
            controls.poll();
        }
    }

    private void sendTiming(RequestTiming event) {
        onTaken.accept(event);
        byte[] key = keys.computeIfAbsent(event.getEndpoint(),
                endpoint -> EventKeys.requestKey(runId, endpoint).getBytes(StandardCharsets.UTF_8));
        byte[] value;
        try {
            value = timingEncoder.encode(event);
        } catch (RuntimeException e) {
            outbox.countDropped(Outbox.TIMING);
            LOG.debug("A timing could not be encoded: {}", e.toString());
            return;
        }
        outbox.send(Outbox.TIMING, -1, event.getIntendedStartUs() / 1000, key, value);
    }

    /**
     * Sends every buffered timing, waits for the producer to deliver everything, then stops the thread and
     * closes the producer. What is still undelivered after {@code timeout} is counted as dropped.
     *
     * @param timeout how long to wait for the flush
     */
    public void close(Duration timeout) {
        CompletableFuture<Void> flushed = submitControl((publisher, watermark) -> publisher.flushProducer());
        closing = true;
        try {
            flushed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("The event producer did not flush within {} ms: {}", timeout.toMillis(), e.toString());
        }
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
            try {
                // It counts what it still holds as dropped, then ends.
                thread.join(timeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        producer.close(Duration.ofSeconds(5));
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
