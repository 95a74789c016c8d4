package io.loadstream.reporter.report.findings;

import io.loadstream.reporter.report.RunReport;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code kafka_unreachable} findings: one per broker outage a generator rode out, as its FINISHED record (or
 * last heartbeat) reports it, e.g. "Kafka unreachable from 14:03:12 UTC for 35 s (generator g-1); 8,412 events
 * buffered, 0 lost." Not a pattern in the latencies: the generators measured these outages themselves.
 */
public final class KafkaOutages {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private KafkaOutages() {
    }

    /**
     * The findings, in the order of the outages.
     *
     * @param outages the run's outages, in time order
     * @return one finding each; empty when there was none
     */
    public static List<Finding> findings(List<RunReport.KafkaOutage> outages) {
        List<Finding> findings = new ArrayList<>();
        for (RunReport.KafkaOutage o : outages) {
            findings.add(new Finding(new RunReport.Bottleneck(FindingKind.KAFKA_UNREACHABLE.wireName(), "*",
                    sentence(o), figures(o)), o.eventsLost() > 0
                    ? "The generator's outage bounds were too small for it: raise --outage-memory-events or "
                    + "--journal-max-mib, or keep the broker up (docs/OPERATIONS.md, \"Broker outages\")."
                    : "Nothing was lost: the generator held its events and sent them, in order, when the broker "
                    + "was back. Windows of that time may have closed before their events arrived."));
        }
        return findings;
    }

    /** "Kafka unreachable from 14:03:12 UTC for 35 s (generator g-1); 8,412 events buffered, 0 lost." */
    public static String sentence(RunReport.KafkaOutage o) {
        return String.format(Locale.ROOT, "Kafka unreachable from %s UTC for %s (generator %s); %,d events "
                        + "buffered, %,d lost.", CLOCK.format(Instant.ofEpochMilli(o.startedMs())),
                seconds(o.durationMs()), o.generator(), o.eventsBuffered(), o.eventsLost());
    }

    private static String seconds(long ms) {
        return ms >= 10_000 ? String.format(Locale.ROOT, "%d s", Math.round(ms / 1000.0))
                : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    private static Map<String, Double> figures(RunReport.KafkaOutage o) {
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("started_ms", (double) o.startedMs());
        figures.put("duration_s", o.durationMs() / 1000.0);
        figures.put("events_buffered", (double) o.eventsBuffered());
        figures.put("events_lost", (double) o.eventsLost());
        return figures;
    }
}
