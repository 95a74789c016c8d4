package io.loadstream.reporter.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loadstream.reporter.html.HtmlReportTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** performance_report.json has every key of the shape fixed in the design brief, with the right JSON types. */
class JsonReportShapeTest {

    private static final Map<String, List<String>> NUMBERS = Map.of(
            "/run", List.of("duration_s", "generators"),
            "/summary", List.of("total_requests", "total_errors", "error_rate", "throughput_rps", "avg_ms", "p50_ms",
                    "p95_ms", "p99_ms", "max_ms", "avg_cpu_percent", "peak_cpu_percent", "peak_memory_mb",
                    "slow_endpoint_count"));

    @Test
    void everyKeyOfTheDesignShapeIsThere() throws Exception {
        JsonNode report = new ObjectMapper().readTree(JsonReport.text(HtmlReportTest.sampleReport()));

        assertThat(report.fieldNames()).toIterable().contains("run", "summary", "endpoint_metrics", "thresholds",
                "slow_endpoints", "error_endpoints", "bottlenecks", "timeline");
        for (String key : List.of("id", "plan", "started_at", "ended_at")) {
            assertThat(report.at("/run/" + key).isTextual()).as("run.%s is text", key).isTrue();
        }
        NUMBERS.forEach((path, keys) -> keys.forEach(key ->
                assertThat(report.at(path + "/" + key).isNumber()).as("%s/%s is a number", path, key).isTrue()));
        assertThat(report.at("/summary/recommendations").isArray()).isTrue();
        assertThat(report.at("/summary/recommendations/0").isTextual()).isTrue();

        JsonNode endpoint = report.at("/endpoint_metrics").elements().next();
        for (String key : List.of("requests", "errors", "error_rate", "avg_ms", "min_ms", "max_ms", "p50_ms",
                "p90_ms", "p95_ms", "p99_ms", "p999_ms", "rps")) {
            assertThat(endpoint.get(key).isNumber()).as("endpoint %s is a number", key).isTrue();
        }
        JsonNode threshold = report.at("/thresholds/0");
        assertThat(threshold.get("metric").isTextual()).isTrue();
        assertThat(threshold.get("expression").isTextual()).isTrue();
        assertThat(threshold.get("scope").isTextual()).isTrue();
        assertThat(threshold.get("passed").isBoolean()).isTrue();
        assertThat(threshold.get("observed").isNumber()).isTrue();
        JsonNode point = report.at("/timeline/0");
        assertThat(point.get("window_start").isTextual()).isTrue();
        assertThat(point.get("endpoint").isTextual()).isTrue();
        for (String key : List.of("requests", "errors", "p95_ms")) {
            assertThat(point.get(key).isNumber()).as("timeline %s is a number", key).isTrue();
        }
        assertThat(report.at("/slow_endpoints").isArray()).isTrue();
        assertThat(report.at("/error_endpoints").isArray()).isTrue();
        assertThat(report.at("/bottlenecks").isArray()).isTrue();
    }

    @Test
    void timesAreMillisecondsWithoutExponents() throws Exception {
        String text = JsonReport.text(HtmlReportTest.sampleReport());

        assertThat(text).doesNotContainPattern("\\d[eE][+-]?\\d");
        JsonNode report = new ObjectMapper().readTree(text);
        double p95 = report.at("/summary/p95_ms").asDouble();
        assertThat(p95).isEqualTo(HtmlReportTest.sampleReport().summary().p95Ms(),
                org.assertj.core.api.Assertions.within(0.0005));
    }
}
