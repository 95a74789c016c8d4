package io.loadstream.reporter.run;

import io.loadstream.events.EndpointTotals;
import io.loadstream.events.RunControl;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether the report counted every request that the generators sent: each generator's FINISHED says how many
 * requests it sent and how many events it could not publish, the aggregator's {@code *} totals how many it counted.
 * Final totals that arrived are not enough: a retention cut, a record skipped as bad or a generator's dropped
 * events leave totals that are final and short, and such a run is not complete.
 */
public final class RequestCount {

    private RequestCount() {
    }

    /**
     * The problem with the run's count, if any.
     *
     * @param finished the FINISHED record of each segment
     * @param all      the final {@code *} totals
     * @return a sentence with both figures and the likely cause; empty when they agree, or when the generators did
     *         not say what they sent (writers before {@code requests_sent}, which say 0)
     */
    public static Optional<String> problem(Collection<RunControl> finished, EndpointTotals all) {
        long sent = finished.stream().mapToLong(RunControl::getRequestsSent).sum();
        // Request timings among the dropped events; a generator older than the breakdown says only the total.
        long dropped = finished.stream().mapToLong(c -> c.getTimingsDropped() + c.getSamplesDropped() > 0
                ? c.getTimingsDropped() : c.getEventsDropped()).sum();
        long counted = all.getStats().getCount();
        if (sent == counted || sent == 0 && counted > 0) {
            return Optional.empty();
        }
        String figures = String.format(Locale.ROOT, "The generators sent %,d requests; the report counts %,d",
                sent, counted);
        if (counted > sent) {
            return Optional.of(figures + " (" + String.format(Locale.ROOT, "%,d", counted - sent) + " more): another "
                    + "generator may have used the same run id. The report is marked incomplete.");
        }
        long missing = sent - counted;
        String cause = dropped >= missing
                ? "the generators dropped events they could not publish (" + String.format(Locale.ROOT, "%,d", dropped)
                        + " request events dropped, Kafka unreachable past the generators' outage bounds)"
                : "records are missing from the requests topic: deleted by its retention before the aggregator read "
                        + "them, or set aside as bad records (see the dead-letter topic)";
        return Optional.of(figures + " (" + String.format(Locale.ROOT, "%,d", missing) + " missing); likely cause: "
                + cause + ". The report is marked incomplete.");
    }
}
