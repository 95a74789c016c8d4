package io.loadstream.aggregator.stats;

import io.loadstream.events.ErrorClass;
import io.loadstream.events.LatencyStats;
import io.loadstream.events.RequestTiming;
import io.loadstream.schemas.LatencyHistograms;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Live, mutable statistics of a set of requests (one window or a whole run of one endpoint): counts, errors by
 * class, status counts, bytes, min, max, mean, and three HdrHistograms in microseconds: latency, service time, and
 * time to first byte (of the requests that received a response: a timing whose {@code time_to_first_byte_us} is
 * negative was not measured and is left out of that histogram).
 *
 * <p>Recording a request costs up to three {@code recordValue} calls and a few additions: no serialization. Merging two
 * accumulators adds their histograms, so percentiles of the merge are exact to the histogram's precision (3
 * significant digits); percentiles are never averaged.
 *
 * <p>Histograms have loadstream's layout ({@link LatencyHistograms}: 1 µs to one hour, 3 significant digits);
 * larger values are recorded as one hour, and negative ones as 0. Not thread-safe: one Streams task owns each
 * instance.
 */
public final class Accumulator {

    private static final ErrorClass[] ERROR_CLASSES = ErrorClass.values();
    /**
     * State format: 1 had the latency and service-time histograms; 2 adds the check counts (after the late events)
     * and the time-to-first-byte histogram (last).
     */
    private static final int FORMAT_VERSION = 2;
    private static final int FORMAT_WITHOUT_TTFB = 1;

    private long count;
    private long errorCount;
    private final long[] errorsByClass = new long[ERROR_CLASSES.length];
    private int[] statusCodes = new int[4];
    private long[] statusCounts = new long[4];
    private int statusSize;
    private long bytesSent;
    private long bytesReceived;
    private long minUs = Long.MAX_VALUE;
    private long maxUs = Long.MIN_VALUE;
    private long sumUs;
    private long firstEventMs = Long.MAX_VALUE;
    private long lastEventMs = Long.MIN_VALUE;
    private long lateEvents;
    private long checksPassed;
    private long checksFailed;
    private final Histogram latency;
    private final Histogram serviceTime;
    private final Histogram timeToFirstByte;

    /** Creates an empty accumulator. */
    public Accumulator() {
        this(LatencyHistograms.newHistogram(), LatencyHistograms.newHistogram(), LatencyHistograms.newHistogram());
    }

    private Accumulator(Histogram latency, Histogram serviceTime, Histogram timeToFirstByte) {
        this.latency = latency;
        this.serviceTime = serviceTime;
        this.timeToFirstByte = timeToFirstByte;
    }

    /**
     * Records one request.
     *
     * @param timing  the request
     * @param eventMs its event time (intended start), epoch milliseconds
     */
    public void record(RequestTiming timing, long eventMs) {
        long latencyUs = Math.max(0, timing.getLatencyUs());
        count++;
        ErrorClass error = timing.getErrorClass();
        if (error != ErrorClass.NONE) {
            errorCount++;
            errorsByClass[error.ordinal()]++;
        }
        addStatus(timing.getStatus(), 1);
        bytesSent += timing.getBytesSent();
        bytesReceived += timing.getBytesReceived();
        if (latencyUs < minUs) {
            minUs = latencyUs;
        }
        if (latencyUs > maxUs) {
            maxUs = latencyUs;
        }
        sumUs += latencyUs;
        if (eventMs < firstEventMs) {
            firstEventMs = eventMs;
        }
        if (eventMs > lastEventMs) {
            lastEventMs = eventMs;
        }
        Boolean checkPassed = timing.getCheckPassed();
        if (checkPassed != null) {
            if (checkPassed) {
                checksPassed++;
            } else {
                checksFailed++;
            }
        }
        latency.recordValue(LatencyHistograms.clampUs(latencyUs));
        serviceTime.recordValue(LatencyHistograms.clampUs(timing.getServiceTimeUs()));
        long firstByteUs = timing.getTimeToFirstByteUs();
        if (firstByteUs >= 0) {
            timeToFirstByte.recordValue(LatencyHistograms.clampUs(firstByteUs));
        }
    }

    /** Counts one event that arrived after its window had closed (it is recorded here too). */
    public void countLate() {
        lateEvents++;
    }

    /**
     * Adds everything in {@code other} to this accumulator; {@code other} is unchanged.
     *
     * @param other the statistics to add
     */
    public void merge(Accumulator other) {
        count += other.count;
        errorCount += other.errorCount;
        for (int i = 0; i < errorsByClass.length; i++) {
            errorsByClass[i] += other.errorsByClass[i];
        }
        for (int i = 0; i < other.statusSize; i++) {
            addStatus(other.statusCodes[i], other.statusCounts[i]);
        }
        bytesSent += other.bytesSent;
        bytesReceived += other.bytesReceived;
        minUs = Math.min(minUs, other.minUs);
        maxUs = Math.max(maxUs, other.maxUs);
        sumUs += other.sumUs;
        firstEventMs = Math.min(firstEventMs, other.firstEventMs);
        lastEventMs = Math.max(lastEventMs, other.lastEventMs);
        lateEvents += other.lateEvents;
        checksPassed += other.checksPassed;
        checksFailed += other.checksFailed;
        latency.add(other.latency);
        serviceTime.add(other.serviceTime);
        timeToFirstByte.add(other.timeToFirstByte);
    }

    private void addStatus(int status, long n) {
        for (int i = 0; i < statusSize; i++) {
            if (statusCodes[i] == status) {
                statusCounts[i] += n;
                return;
            }
        }
        if (statusSize == statusCodes.length) {
            statusCodes = Arrays.copyOf(statusCodes, statusSize * 2);
            statusCounts = Arrays.copyOf(statusCounts, statusSize * 2);
        }
        statusCodes[statusSize] = status;
        statusCounts[statusSize] = n;
        statusSize++;
    }

    /** @return number of requests recorded */
    public long count() {
        return count;
    }

    /** @return number of requests whose error class is not NONE */
    public long errorCount() {
        return errorCount;
    }

    /** @return requests whose check passed (see {@code RequestTiming.check_passed}) */
    public long checksPassed() {
        return checksPassed;
    }

    /** @return requests whose check failed */
    public long checksFailed() {
        return checksFailed;
    }

    /** @return events counted as late (after their window closed) */
    public long lateEvents() {
        return lateEvents;
    }

    /** @return earliest event time, epoch ms; {@code Long.MAX_VALUE} when empty */
    public long firstEventMs() {
        return firstEventMs;
    }

    /** @return latest event time, epoch ms; {@code Long.MIN_VALUE} when empty */
    public long lastEventMs() {
        return lastEventMs;
    }

    /** @return smallest latency, µs; {@code Long.MAX_VALUE} when empty */
    public long minUs() {
        return minUs;
    }

    /** @return largest latency, µs; {@code Long.MIN_VALUE} when empty */
    public long maxUs() {
        return maxUs;
    }

    /** @return the live latency histogram (µs); callers must not change it */
    public Histogram latency() {
        return latency;
    }

    /** @return the live service-time histogram (µs); callers must not change it */
    public Histogram serviceTime() {
        return serviceTime;
    }

    /** @return the live time-to-first-byte histogram (µs) of the requests that received a response; callers must
     *          not change it */
    public Histogram timeToFirstByte() {
        return timeToFirstByte;
    }

    /**
     * Returns these statistics as the Avro {@link LatencyStats}, histograms in the wire encoding of
     * {@link LatencyHistograms#encode}.
     *
     * @return a new record
     */
    public LatencyStats toLatencyStats() {
        Map<String, Long> errors = new HashMap<>();
        for (int i = 0; i < errorsByClass.length; i++) {
            if (errorsByClass[i] > 0) {
                errors.put(ERROR_CLASSES[i].name(), errorsByClass[i]);
            }
        }
        Map<String, Long> statuses = new HashMap<>();
        for (int i = 0; i < statusSize; i++) {
            statuses.put(Integer.toString(statusCodes[i]), statusCounts[i]);
        }
        return LatencyStats.newBuilder()
                .setCount(count)
                .setErrorCount(errorCount)
                .setErrorsByClass(errors)
                .setStatusCounts(statuses)
                .setBytesSent(bytesSent)
                .setBytesReceived(bytesReceived)
                .setMinUs(count == 0 ? 0 : minUs)
                .setMaxUs(count == 0 ? 0 : maxUs)
                .setMeanUs(count == 0 ? 0.0 : (double) sumUs / count)
                .setHistogram(LatencyHistograms.encode(latency))
                .setServiceTimeHistogram(LatencyHistograms.encode(serviceTime))
                .setChecksPassed(checksPassed)
                .setChecksFailed(checksFailed)
                .setTtfbHistogram(LatencyHistograms.encode(timeToFirstByte))
                .build();
    }

    /**
     * Writes this accumulator in loadstream's internal state format (for state stores and the {@code *} partials):
     * the fields, then both histograms in HdrHistogram's uncompressed encoding, which is faster than the compressed
     * wire encoding of {@link LatencyHistograms#encode} and still skips runs of empty buckets. (State, not wire: it is
     * read back only by {@link #readFrom(DataInput)}, into {@link LatencyHistograms}' layout.)
     *
     * @param out     where to write
     * @param scratch a reusable buffer of at least {@link #scratchCapacity()} bytes
     * @throws IOException when {@code out} fails
     */
    public void writeTo(DataOutput out, ByteBuffer scratch) throws IOException {
        out.writeByte(FORMAT_VERSION);
        out.writeLong(count);
        out.writeLong(errorCount);
        out.writeByte(errorsByClass.length);
        for (long n : errorsByClass) {
            out.writeLong(n);
        }
        out.writeShort(statusSize);
        for (int i = 0; i < statusSize; i++) {
            out.writeInt(statusCodes[i]);
            out.writeLong(statusCounts[i]);
        }
        out.writeLong(bytesSent);
        out.writeLong(bytesReceived);
        out.writeLong(minUs);
        out.writeLong(maxUs);
        out.writeLong(sumUs);
        out.writeLong(firstEventMs);
        out.writeLong(lastEventMs);
        out.writeLong(lateEvents);
        out.writeLong(checksPassed);
        out.writeLong(checksFailed);
        writeHistogram(out, latency, scratch);
        writeHistogram(out, serviceTime, scratch);
        writeHistogram(out, timeToFirstByte, scratch);
    }

    /**
     * Reads an accumulator written by {@link #writeTo(DataOutput, ByteBuffer)}.
     *
     * @param in where to read
     * @return a new accumulator; one of the first format (written before the time to first byte and the checks
     *         were kept) has an empty time-to-first-byte histogram and no check counted
     * @throws IOException when the data is truncated or of an unknown format
     */
    public static Accumulator readFrom(DataInput in) throws IOException {
        int version = in.readByte();
        if (version != FORMAT_VERSION && version != FORMAT_WITHOUT_TTFB) {
            throw new IOException("Unknown accumulator format " + version);
        }
        long count = in.readLong();
        long errorCount = in.readLong();
        int classes = in.readByte();
        long[] errors = new long[classes];
        for (int i = 0; i < classes; i++) {
            errors[i] = in.readLong();
        }
        int statuses = in.readShort();
        int[] codes = new int[Math.max(4, statuses)];
        long[] counts = new long[codes.length];
        for (int i = 0; i < statuses; i++) {
            codes[i] = in.readInt();
            counts[i] = in.readLong();
        }
        long bytesSent = in.readLong();
        long bytesReceived = in.readLong();
        long minUs = in.readLong();
        long maxUs = in.readLong();
        long sumUs = in.readLong();
        long first = in.readLong();
        long last = in.readLong();
        long late = in.readLong();
        boolean former = version == FORMAT_WITHOUT_TTFB;
        long passed = former ? 0 : in.readLong();
        long failed = former ? 0 : in.readLong();
        Histogram latency = readHistogram(in);
        Histogram serviceTime = readHistogram(in);
        Histogram firstByte = former ? LatencyHistograms.newHistogram() : readHistogram(in);
        Accumulator acc = new Accumulator(latency, serviceTime, firstByte);
        acc.count = count;
        acc.errorCount = errorCount;
        System.arraycopy(errors, 0, acc.errorsByClass, 0, Math.min(classes, acc.errorsByClass.length));
        acc.statusCodes = codes;
        acc.statusCounts = counts;
        acc.statusSize = statuses;
        acc.bytesSent = bytesSent;
        acc.bytesReceived = bytesReceived;
        acc.minUs = minUs;
        acc.maxUs = maxUs;
        acc.sumUs = sumUs;
        acc.firstEventMs = first;
        acc.lastEventMs = last;
        acc.lateEvents = late;
        acc.checksPassed = passed;
        acc.checksFailed = failed;
        return acc;
    }

    /** @return the scratch buffer size that {@link #writeTo(DataOutput, ByteBuffer)} needs, in bytes */
    public static int scratchCapacity() {
        return LatencyHistograms.newHistogram().getNeededByteBufferCapacity();
    }

    private static void writeHistogram(DataOutput out, Histogram histogram, ByteBuffer scratch) throws IOException {
        scratch.clear();
        int length = histogram.encodeIntoByteBuffer(scratch);
        out.writeInt(length);
        out.write(scratch.array(), scratch.arrayOffset(), length);
    }

    private static Histogram readHistogram(DataInput in) throws IOException {
        int length = in.readInt();
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        Histogram decoded = Histogram.decodeFromByteBuffer(ByteBuffer.wrap(bytes),
                LatencyHistograms.HIGHEST_TRACKABLE_US);
        if (LatencyHistograms.hasLayout(decoded)) {
            return decoded;
        }
        // State written with another layout (an older version): re-recorded, so that it merges with the rest.
        Histogram histogram = LatencyHistograms.newHistogram();
        histogram.add(decoded);
        return histogram;
    }
}
