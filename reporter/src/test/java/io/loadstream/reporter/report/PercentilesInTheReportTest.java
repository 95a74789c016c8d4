package io.loadstream.reporter.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loadstream.events.ControlType;
import io.loadstream.reporter.html.HtmlReport;
import io.loadstream.reporter.run.RunData;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.fixtures.EventFixtures;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * A percentile read from a histogram bucket is the bucket's highest equivalent value, which can lie above the
 * exact largest latency. The report clamps every percentile to the exact extremes, in JSON, console, HTML and the
 * timeline alike.
 */
class PercentilesInTheReportTest {

    private static final String RUN = "clamp-run";
    private static final String POSTS = "GET /api/sns/posts";
    /** The largest latency of the real run where {@code p99_ms} came out as 462.079 above {@code max_ms} 462.013. */
    private static final long MAX_US = 462_013;

    @Test
    void aPercentileInTheBucketOfTheMaximumIsTheExactMaximumInJsonConsoleAndHtml() throws Exception {
        // given: 50 requests up to 462.013 ms, so that p99 falls on the largest, whose bucket reads 462.079 ms
        Histogram bucket = new Histogram(3);
        assertThat(bucket.highestEquivalentValue(MAX_US)).isEqualTo(462_079);
        long[] latenciesUs = EventFixtures.spread(50, 20_000, MAX_US);
        long startMs = EventFixtures.nowMs();
        RunData data = new RunData(RUN, 60_000);
        data.onControl(EventFixtures.control(RUN, ControlType.STARTED, startMs, 0, 1));
        data.onTotals(EventFixtures.totals(RUN, POSTS, startMs, startMs + 9_999, latenciesUs, 0, true));
        data.onTotals(EventFixtures.totals(RUN, EventKeys.ALL_ENDPOINTS, startMs, startMs + 9_999, latenciesUs, 0,
                true));
        data.onWindow(EventFixtures.window(RUN, POSTS, startMs, 10_000, latenciesUs, 0));
        data.onWindow(EventFixtures.window(RUN, EventKeys.ALL_ENDPOINTS, startMs, 10_000, latenciesUs, 0));
        data.onControl(EventFixtures.control(RUN, ControlType.FINISHED, startMs + 10_000, 0, 1));

        // when
        RunReport report = ReportBuilder.build(data, List.of(), List.of(), List.of(), true);
        JsonNode json = new ObjectMapper().readTree(JsonReport.text(report));
        String console = ConsoleSummary.render(report, List.of());
        String html = HtmlReport.render(report);

        // then: p99 and p99.9 are the exact maximum, never above it
        JsonNode posts = json.at("/endpoint_metrics").get(POSTS);
        assertThat(posts.get("max_ms").asDouble()).isEqualTo(462.013);
        assertThat(posts.get("p99_ms").asDouble()).isEqualTo(462.013);
        assertThat(posts.get("p999_ms").asDouble()).isEqualTo(462.013);
        assertThat(json.at("/summary/p99_ms").asDouble()).isEqualTo(462.013);
        assertThat(json.at("/summary/max_ms").asDouble()).isEqualTo(462.013);
        assertThat(console).contains("p(99)=462.01ms").contains("max=462.01ms").doesNotContain("462.08");
        assertThat(html).doesNotContain("462.08");
        // the timeline, which the HTML charts draw, too: every window's p99 at most its max
        assertThat(json.at("/timeline")).hasSize(2).allSatisfy(point -> {
            assertThat(point.get("p99_ms").asDouble()).isEqualTo(462.013).isLessThanOrEqualTo(point.get("max_ms")
                    .asDouble());
            assertThat(point.get("p95_ms").asDouble()).isLessThanOrEqualTo(point.get("p99_ms").asDouble());
        });
    }
}
