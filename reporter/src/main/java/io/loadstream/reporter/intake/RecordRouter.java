package io.loadstream.reporter.intake;

import io.loadstream.events.EndpointTotals;
import io.loadstream.events.EndpointWindow;
import io.loadstream.events.RunControl;
import io.loadstream.events.SystemWindow;
import io.loadstream.reporter.stats.PhaseStats;
import io.loadstream.reporter.stats.Stats;
import io.loadstream.schemas.DeadLetters;
import io.loadstream.schemas.EventDecodingException;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.EventSerdes;
import io.loadstream.schemas.Topics;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns the records the reporter reads into events of its run: records of other runs (and keyless ones) are
 * skipped, the others are decoded by topic, latency statistics included, and a record that does not decode
 * becomes {@link RunEvent.Unreadable}. Stateless and thread-safe.
 */
public final class RecordRouter {

    /** The reason of a record whose Avro decodes but whose statistics do not hold together. */
    public static final String UNREADABLE = "UNREADABLE";
    /**
     * The reason of a record keyed for this run whose event is of another run: taken as it is, another run's
     * window or totals would count in this run's figures (and its totals would never add up).
     */
    public static final String RUN_ID_MISMATCH = "RUN_ID_MISMATCH";

    private final String runId;
    private final Topics topics;

    /**
     * Creates a router for one run.
     *
     * @param runId  the run followed
     * @param topics the topic names, to tell the event types apart
     */
    public RecordRouter(String runId, Topics topics) {
        this.runId = runId;
        this.topics = topics;
    }

    /**
     * Decodes one record.
     *
     * @param record a record of the control, windows, totals or system-windows topic
     * @return the event; empty for a record of another run, without a key, or of another topic
     */
    public Optional<RunEvent> route(ConsumerRecord<String, byte[]> record) {
        if (!EventKeys.isOfRun(record.key(), runId)) {
            return Optional.empty();
        }
        String topic = record.topic();
        byte[] value = record.value();
        if (value == null) {
            // A tombstone decodes to null, which would reach the run's data as an event without content.
            return Optional.of(new RunEvent.Unreadable(DeadLetters.NULL_VALUE, DeadLetters.NULL_VALUE_MESSAGE,
                    record));
        }
        try {
            if (topic.equals(topics.control())) {
                RunControl control = EventSerdes.runControl().deserialize(topic, value);
                return ofThisRun(control.getRunId(), record, new RunEvent.Control(control));
            } else if (topic.equals(topics.windows())) {
                EndpointWindow window = EventSerdes.endpointWindow().deserialize(topic, value);
                return ofThisRun(window.getRunId(), record, new RunEvent.Window(window, Stats.of(window.getStats())));
            } else if (topic.equals(topics.totals())) {
                EndpointTotals totals = EventSerdes.endpointTotals().deserialize(topic, value);
                // Phase histograms that do not decode make the totals unreadable here, not the report fail later.
                PhaseStats.of(totals.getStats(), Stats.EMPTY);
                return ofThisRun(totals.getRunId(), record, new RunEvent.Totals(totals, Stats.of(totals.getStats())));
            } else if (topic.equals(topics.systemWindows())) {
                SystemWindow window = EventSerdes.systemWindow().deserialize(topic, value);
                return ofThisRun(window.getRunId(), record, new RunEvent.HostWindow(window));
            }
            return Optional.empty();
        } catch (EventDecodingException | IllegalArgumentException e) {
            String reason = e instanceof EventDecodingException d ? d.reason().name() : UNREADABLE;
            return Optional.of(new RunEvent.Unreadable(reason, e.getMessage(), record));
        }
    }

    private Optional<RunEvent> ofThisRun(CharSequence eventRunId, ConsumerRecord<String, byte[]> record,
                                         RunEvent event) {
        if (runId.contentEquals(eventRunId)) {
            return Optional.of(event);
        }
        return Optional.of(new RunEvent.Unreadable(RUN_ID_MISMATCH, "The key names run " + runId
                + " but the event is of run '" + eventRunId + "'", record));
    }
}
