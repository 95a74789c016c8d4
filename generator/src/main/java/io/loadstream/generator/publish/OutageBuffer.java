package io.loadstream.generator.publish;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How much a generator holds while Kafka cannot take its records (a broker outage), before it counts a loss.
 * Immutable.
 *
 * <p>First the producer holds up to {@code memoryEvents} unacknowledged records in memory (its own buffer); past
 * that, and whenever the producer refuses a record, records go in order to a journal file on disk, of at most
 * {@code journalMaxBytes}. When the broker acknowledges again, the journal is sent, in order, before anything newer.
 * Only a record that finds both full is lost, and it is counted.
 *
 * @param memoryEvents     unacknowledged records the producer may hold before new ones go to the journal, 1 to
 *                         10,000,000 (the producer's own memory, {@code buffer.memory}, must hold them: 64 MiB
 *                         holds about 400,000 timings)
 * @param journalDirectory where the journal file is written, created on the first spill; empty: a directory
 *                         under {@code java.io.tmpdir}. The file is deleted once it has been sent
 * @param journalMaxBytes  the largest the journal file may grow, in bytes, 0 (no journal) to 2^40
 */
public record OutageBuffer(int memoryEvents, Optional<Path> journalDirectory, long journalMaxBytes) {

    /** 100,000 events in memory, then up to 1 GiB (about 8 million timings) in a temporary directory. */
    public static final OutageBuffer DEFAULT = new OutageBuffer(100_000, Optional.empty(), 1L << 30);

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException when a bound is out of range
     */
    public OutageBuffer {
        Objects.requireNonNull(journalDirectory, "journalDirectory");
        if (memoryEvents < 1 || memoryEvents > 10_000_000) {
            throw new IllegalArgumentException("The outage buffer holds 1 to 10,000,000 events in memory, not "
                    + memoryEvents);
        }
        if (journalMaxBytes < 0 || journalMaxBytes > (1L << 40)) {
            throw new IllegalArgumentException("The outage journal may hold 0 to 1 TiB, not " + journalMaxBytes
                    + " bytes");
        }
    }

    /** Returns a copy that holds {@code value} events in memory. */
    public OutageBuffer withMemoryEvents(int value) {
        return new OutageBuffer(value, journalDirectory, journalMaxBytes);
    }

    /** Returns a copy that writes its journal into {@code value}. */
    public OutageBuffer withJournalDirectory(Path value) {
        return new OutageBuffer(memoryEvents, Optional.of(value), journalMaxBytes);
    }

    /** Returns a copy whose journal holds at most {@code value} bytes. */
    public OutageBuffer withJournalMaxBytes(long value) {
        return new OutageBuffer(memoryEvents, journalDirectory, value);
    }
}
