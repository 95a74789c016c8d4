package io.loadstream.reporter.intake;

import io.loadstream.events.EndpointTotals;
import io.loadstream.events.EndpointWindow;
import io.loadstream.events.RunControl;
import io.loadstream.events.SystemWindow;
import io.loadstream.reporter.stats.Stats;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One record of the followed run, decoded: what {@link RecordRouter} makes of a Kafka record. Latency statistics
 * arrive decoded (their histogram read once, here), so that nothing downstream decodes them again.
 */
public sealed interface RunEvent permits RunEvent.Control, RunEvent.Window, RunEvent.Totals, RunEvent.HostWindow,
        RunEvent.Unreadable {

    /**
     * A control record: STARTED, HEARTBEAT, FINISHED or ABORT.
     *
     * @param control the record
     */
    record Control(RunControl control) implements RunEvent {
    }

    /**
     * A closed window of one endpoint, or of all ({@code *}).
     *
     * @param window the window
     * @param stats  its statistics, decoded
     */
    record Window(EndpointWindow window, Stats stats) implements RunEvent {
    }

    /**
     * Whole-run totals of one endpoint, or of all ({@code *}).
     *
     * @param totals the totals
     * @param stats  their statistics, decoded
     */
    record Totals(EndpointTotals totals, Stats stats) implements RunEvent {
    }

    /**
     * A system window of one host (CPU, memory).
     *
     * @param window the window
     */
    record HostWindow(SystemWindow window) implements RunEvent {
    }

    /**
     * A record of the run that does not decode: it goes to the dead-letter topic, unchanged.
     *
     * @param reason  short upper-case code: an {@code EventDecodingException.Reason} name, or
     *                {@link RecordRouter#UNREADABLE} for statistics that do not hold together (a histogram that does
     *                not decode, say)
     * @param message what went wrong, for people
     * @param record  the record as read
     */
    record Unreadable(String reason, String message, ConsumerRecord<String, byte[]> record) implements RunEvent {
    }
}
