package io.loadstream.cli;

import io.loadstream.generator.publish.OutageBuffer;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * How much a generator holds while Kafka is unreachable before it counts a loss: events in memory, then a journal
 * on disk (docs/OPERATIONS.md, "Broker outages").
 */
final class OutageOptions {

    @Option(names = "--outage-memory-events", paramLabel = "N", defaultValue = "100000",
            description = "Unacknowledged events held in memory while Kafka does not answer, before later ones go "
                    + "to the journal on disk (default: ${DEFAULT-VALUE}).")
    int memoryEvents;

    @Option(names = "--journal-dir", paramLabel = "DIR",
            description = "Where the outage journal is written, only when memory is full; deleted once sent "
                    + "(default: a new directory under the system's temporary directory).")
    Path journalDir;

    @Option(names = "--journal-max-mib", paramLabel = "MIB", defaultValue = "1024",
            description = "The largest the outage journal may grow, in MiB; 0 for none. Past it, events are "
                    + "counted as dropped (default: ${DEFAULT-VALUE}, about 8 million events).")
    long journalMaxMib;

    /**
     * The bounds, checked.
     *
     * @param spec the command, for the error
     * @return the bounds
     * @throws CommandLine.ParameterException (exit 104) when a bound is out of range
     */
    OutageBuffer buffer(CommandLine.Model.CommandSpec spec) {
        try {
            if (memoryEvents < 1 || memoryEvents > 10_000_000) {
                throw new IllegalArgumentException("--outage-memory-events must be between 1 and 10000000, was "
                        + memoryEvents);
            }
            if (journalMaxMib < 0 || journalMaxMib > (1L << 20)) {
                throw new IllegalArgumentException("--journal-max-mib must be between 0 and 1048576 (1 TiB), was "
                        + journalMaxMib);
            }
            OutageBuffer buffer = OutageBuffer.DEFAULT.withMemoryEvents(memoryEvents)
                    .withJournalMaxBytes(journalMaxMib << 20);
            return journalDir == null ? buffer : buffer.withJournalDirectory(journalDir);
        } catch (IllegalArgumentException e) {
            throw OptionChecks.of(spec).invalid(e.getMessage());
        }
    }
}
