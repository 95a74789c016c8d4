package io.loadstream.reporter.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.loadstream.reporter.alert.DeliveryFailure;
import io.loadstream.reporter.html.HtmlReport;
import io.loadstream.reporter.html.HtmlReportTest;
import io.loadstream.schemas.fixtures.EventFixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The notifications that alert subscribers did not get, in the JSON ({@code alert_delivery}) and the HTML. */
class AlertDeliveryInTheReportTest {

    @Test
    void everyGivenUpNotificationIsCountedAndNamedInBothReports() {
        RunReport sample = HtmlReportTest.sampleReport();
        long at = EventFixtures.nowMs();
        List<DeliveryFailure> failures = List.of(
                new DeliveryFailure("http://127.0.0.1:9/hook", 2, "HTTP status 503", at,
                        "Gave up 2 alert notification(s) to http://127.0.0.1:9/hook <after 600 s>"),
                new DeliveryFailure("http://127.0.0.1:9/hook", 1, "its firing was not delivered", at + 1_000,
                        "Did not send 'x resolved' to http://127.0.0.1:9/hook: its firing was not delivered"));
        RunReport report = new RunReport(sample.run(), sample.summary(), sample.endpoints(), sample.thresholds(),
                sample.slowEndpoints(), sample.errorEndpoints(), sample.bottlenecks(), sample.timeline(),
                sample.vus(), sample.system(), sample.alerts(), sample.drift(), sample.resolution(),
                sample.capacity(), sample.vusPerSecond(), sample.scenarios(), sample.checks(), sample.generatorCpu(),
                failures);

        JsonNode delivery = JsonReport.toJson(report).path("alert_delivery");
        String html = HtmlReport.render(report);

        assertThat(delivery.path("delivery_failures").asLong()).isEqualTo(3);
        assertThat(delivery.path("failures")).hasSize(2);
        assertThat(delivery.path("failures").get(0).path("subscriber").asText()).isEqualTo("http://127.0.0.1:9/hook");
        assertThat(delivery.path("failures").get(0).path("last_problem").asText()).isEqualTo("HTTP status 503");
        assertThat(delivery.path("failures").get(1).path("notifications").asInt()).isEqualTo(1);
        assertThat(html).contains("3 alert notification(s) were not delivered")
                .contains("&lt;after 600 s&gt;").doesNotContain("<after 600 s>");
        // A run whose alerts all reached their subscribers says so with a zero.
        assertThat(JsonReport.toJson(sample).path("alert_delivery").path("delivery_failures").asLong()).isZero();
        assertThat(HtmlReport.render(sample)).doesNotContain("were not delivered");
    }
}
