package io.loadstream.reporter.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.events.ControlType;
import io.loadstream.events.EndpointWindow;
import io.loadstream.events.RunControl;
import io.loadstream.reporter.TestClock;
import io.loadstream.reporter.intake.RunEvent;
import io.loadstream.reporter.stats.Stats;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.fixtures.EventFixtures;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBucket;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The metrics of closed windows, against the raw latencies and counts the windows were built from. */
class RunMetricsTest {

    private static final long WINDOW = 10_000;
    private final long t0 = EventFixtures.nowMs() - 60_000;
    private final TestClock clock = TestClock.at(EventFixtures.nowMs());
    private final RunMetrics metrics = new RunMetrics(clock, Duration.ofMinutes(5));

    /** Latencies that lie well inside buckets (never within HdrHistogram's 0.1 % of a bound). */
    private static long[] latencies(String endpoint, int window) {
        return endpoint.equals("GET /fast") ? EventFixtures.spread(200 + window, 30_000, 40_000)
                : EventFixtures.concat(EventFixtures.spread(50, 60_000, 90_000),
                EventFixtures.spread(10 + window, 300_000, 2_000_000));
    }

    private void feed(String runId) {
        RunControl started = EventFixtures.control(runId, ControlType.STARTED, t0, 0, 1);
        started.setPlanName("shop");
        metrics.onEvent(new RunEvent.Control(started));
        for (int w = 0; w < 3; w++) {
            for (String endpoint : List.of("GET /fast", "POST /slow")) {
                EndpointWindow window = EventFixtures.window(runId, endpoint, t0 + w * WINDOW, WINDOW,
                        latencies(endpoint, w), endpoint.equals("POST /slow") ? 7 : 0);
                metrics.onEvent(new RunEvent.Window(window, Stats.of(window.getStats())));
            }
            EndpointWindow star = EventFixtures.window(runId, EventKeys.ALL_ENDPOINTS, t0 + w * WINDOW, WINDOW,
                    EventFixtures.concat(latencies("GET /fast", w), latencies("POST /slow", w)), 0);
            metrics.onEvent(new RunEvent.Window(star, Stats.of(star.getStats())));
        }
    }

    private MetricSnapshot snapshot(String name) {
        return metrics.collect().stream().filter(s -> s.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow();
    }

    /** Value of each counter series, by "endpoint|class label". */
    private Map<String, Double> counter(String name, String classLabel) {
        Map<String, Double> values = new HashMap<>();
        for (CounterSnapshot.CounterDataPointSnapshot point : ((CounterSnapshot) snapshot(name)).getDataPoints()) {
            assertThat(point.getLabels().get("plan")).isEqualTo("shop");
            values.put(point.getLabels().get("endpoint") + "|" + point.getLabels().get(classLabel), point.getValue());
        }
        return values;
    }

    @Test
    void requestAndErrorCountersAddUpTheClosedWindowsByStatusAndErrorClass() {
        feed("r1");

        long fast = 0;
        long slow = 0;
        long slowErrors = 0;
        for (int w = 0; w < 3; w++) {
            fast += latencies("GET /fast", w).length;
            slow += latencies("POST /slow", w).length;
            slowErrors += latencies("POST /slow", w).length / 7;
        }
        assertThat(counter("loadstream_requests", "status_class")).isEqualTo(Map.of(
                "GET /fast|2xx", (double) fast, "POST /slow|2xx", (double) (slow - slowErrors),
                "POST /slow|5xx", (double) slowErrors));
        assertThat(counter("loadstream_request_errors", "error_class"))
                .isEqualTo(Map.of("POST /slow|status", (double) slowErrors));
    }

    @Test
    void theLatencyHistogramHasTheRawCountsUnderEachBoundInSeconds() {
        feed("r1");

        HistogramSnapshot histogram = (HistogramSnapshot) snapshot("loadstream_request_duration_seconds");
        assertThat(histogram.getDataPoints()).extracting(p -> p.getLabels().get("endpoint"))
                .containsExactlyInAnyOrder("GET /fast", "POST /slow");
        for (HistogramSnapshot.HistogramDataPointSnapshot point : histogram.getDataPoints()) {
            String endpoint = point.getLabels().get("endpoint");
            long[] raw = EventFixtures.concat(latencies(endpoint, 0), latencies(endpoint, 1), latencies(endpoint, 2));
            long cumulative = 0;
            for (ClassicHistogramBucket bucket : point.getClassicBuckets()) {
                cumulative += bucket.getCount();
                double boundUs = bucket.getUpperBound() * 1_000_000;
                assertThat(cumulative).as(endpoint + " le " + bucket.getUpperBound())
                        .isEqualTo(Arrays.stream(raw).filter(v -> v <= boundUs).count());
            }
            assertThat(point.getCount()).isEqualTo(raw.length);
            assertThat(point.getSum()).isCloseTo(Arrays.stream(raw).sum() / 1e6,
                    org.assertj.core.data.Offset.offset(1e-6 * raw.length));
        }
    }

    @Test
    void theSeriesOfAnEndedRunGoAfterTheRetentionAndNoOtherRunsDo() {
        feed("r1");
        feed("r2");
        metrics.runEnded("r1");

        clock.add(Duration.ofMinutes(4));
        assertThat(runIds()).containsExactlyInAnyOrder("r1", "r2");
        clock.add(Duration.ofMinutes(1));
        assertThat(runIds()).containsExactly("r2");
    }

    private List<String> runIds() {
        return ((CounterSnapshot) snapshot("loadstream_requests")).getDataPoints().stream()
                .map(p -> p.getLabels().get("run_id")).distinct().toList();
    }

    @Test
    void theServedFamiliesAreTheDocumentedNames() {
        feed("r1");

        assertThat(metrics.collect().stream().map(s -> s.getMetadata().getName()).toList())
                .containsExactlyInAnyOrderElementsOf(RunMetrics.METRIC_NAMES);
    }

    @Test
    void statusClassesAreTheFirstDigit() {
        assertThat(RunMetrics.statusClass("204")).isEqualTo("2xx");
        assertThat(RunMetrics.statusClass("503")).isEqualTo("5xx");
        assertThat(RunMetrics.statusClass("other")).isEqualTo("other");
    }
}
