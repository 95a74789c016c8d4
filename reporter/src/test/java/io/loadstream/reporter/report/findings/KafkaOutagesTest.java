package io.loadstream.reporter.report.findings;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.reporter.report.RunReport;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A broker outage that a generator rode out is a kafka_unreachable finding with its own figures. */
class KafkaOutagesTest {

    /** 14:03:12.120 UTC on the day the test runs: the sentence shows the time of day only. */
    private static final long STARTED_MS = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.DAYS)
            .plusSeconds(14 * 3600 + 3 * 60 + 12).plusMillis(120).toEpochMilli();

    @Test
    void namesTheStartTheLengthAndWhatWasBufferedAndLost() {
        RunReport.KafkaOutage outage = new RunReport.KafkaOutage("gen-1", STARTED_MS, 35_200, 8_412, 0);

        List<Finding> findings = KafkaOutages.findings(List.of(outage));

        assertThat(findings).hasSize(1);
        RunReport.Bottleneck finding = findings.get(0).bottleneck();
        assertThat(finding.kind()).isEqualTo("kafka_unreachable");
        assertThat(finding.endpoint()).isEqualTo("*");
        assertThat(finding.evidence()).isEqualTo(
                "Kafka unreachable from 14:03:12 UTC for 35 s (generator gen-1); 8,412 events buffered, 0 lost.");
        assertThat(finding.figures()).containsEntry("started_ms", (double) STARTED_MS)
                .containsEntry("duration_s", 35.2).containsEntry("events_buffered", 8_412.0)
                .containsEntry("events_lost", 0.0);
        assertThat(findings.get(0).advice()).startsWith("Nothing was lost");
    }

    @Test
    void anOutagePastTheBoundsAdvisesRaisingThem() {
        RunReport.KafkaOutage outage = new RunReport.KafkaOutage("gen-2", STARTED_MS, 4_500, 120_000, 17);

        Finding finding = KafkaOutages.findings(List.of(outage)).get(0);

        assertThat(finding.bottleneck().evidence()).contains("for 4.5 s").contains("17 lost");
        assertThat(finding.advice()).contains("--outage-memory-events").contains("--journal-max-mib");
    }

    @Test
    void noOutageNoFinding() {
        assertThat(KafkaOutages.findings(List.of())).isEmpty();
    }
}
