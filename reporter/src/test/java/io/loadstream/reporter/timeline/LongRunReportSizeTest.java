package io.loadstream.reporter.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.events.ControlType;
import io.loadstream.events.HostRole;
import io.loadstream.events.LatencyStats;
import io.loadstream.events.RunControl;
import io.loadstream.reporter.html.HtmlReport;
import io.loadstream.reporter.report.JsonReport;
import io.loadstream.reporter.report.ReportBuilder;
import io.loadstream.reporter.report.RunReport;
import io.loadstream.reporter.run.RunData;
import io.loadstream.reporter.run.TimelinePoint;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.fixtures.EventFixtures;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A long run compressed in time: 60 endpoints and many short windows (more than twice the whole-run steps, so the
 * step doubles) keep {@code report.html} under 10 MB and {@code performance_report.json} under 20 MB, with at most
 * {@link BoundedTimeline#DEFAULT_MAX_STEPS} steps per endpoint. {@code -Dloadstream.longRunWindows=25920} replays the
 * window count of a 72 h run of 10 s windows (minutes of CPU; docs/REPORTS.md gives its figures).
 */
class LongRunReportSizeTest {

    private static final String RUN = "long-run";
    private static final int ENDPOINTS = 60;
    private static final long WINDOW_MS = 1_000;

    @Test
    void manyWindowsOfSixtyEndpointsKeepTheReportsUnderTheirBounds() throws Exception {
        int windows = Integer.getInteger("loadstream.longRunWindows", 700);
        long t0 = EventFixtures.nowMs() - windows * WINDOW_MS;
        RunData data = new RunData(RUN, 60_000);
        data.onControl(EventFixtures.control(RUN, ControlType.STARTED, t0, 0, 1));
        Random random = new Random(1);
        // A few distinct window shapes, reused: the bound is about points, not about histogram contents.
        LatencyStats[] shapes = new LatencyStats[8];
        for (int i = 0; i < shapes.length; i++) {
            shapes[i] = EventFixtures.stats(random.longs(200, 1_000, 50_000 + 40_000L * i).toArray(), 50);
        }
        for (int w = 0; w < windows; w++) {
            long start = t0 + w * WINDOW_MS;
            for (int e = 0; e < ENDPOINTS; e++) {
                data.onWindow(window("GET /api/service-" + e + "/items/{id}", start, shapes[(w + e) % shapes.length]));
            }
            data.onWindow(window(EventKeys.ALL_ENDPOINTS, start, shapes[w % shapes.length]));
            if (w % 10 == 0) {
                RunControl heartbeat = EventFixtures.control(RUN, ControlType.HEARTBEAT, start + 1, 0, 1);
                heartbeat.setActiveVus(50);
                data.onControl(heartbeat);
                data.onSystemWindow(EventFixtures.systemWindow(RUN, "target", HostRole.TARGET, start, WINDOW_MS,
                        40, 4_000_000_000L));
            }
        }
        data.onControl(EventFixtures.control(RUN, ControlType.FINISHED, t0 + windows * WINDOW_MS, 0, 1));

        RunReport report = ReportBuilder.build(data, List.of(), List.of(), List.of(), true);
        int jsonBytes = JsonReport.text(report).getBytes(StandardCharsets.UTF_8).length;
        int htmlBytes = HtmlReport.render(report).getBytes(StandardCharsets.UTF_8).length;

        Map<String, Long> stepsPerEndpoint = report.timeline().stream()
                .collect(Collectors.groupingBy(TimelinePoint::endpoint, Collectors.counting()));
        assertThat(stepsPerEndpoint).hasSize(ENDPOINTS + 1);
        assertThat(stepsPerEndpoint.values()).allSatisfy(n -> assertThat(n)
                .isLessThanOrEqualTo(BoundedTimeline.DEFAULT_MAX_STEPS));
        assertThat(report.resolution().stepMs()).isGreaterThan(WINDOW_MS);
        assertThat(report.resolution().recent()).hasSize((ENDPOINTS + 1) * BoundedTimeline.DEFAULT_RECENT_WINDOWS);
        assertThat(report.timeline().stream().filter(p -> p.endpoint().equals(EventKeys.ALL_ENDPOINTS))
                .mapToLong(TimelinePoint::requests).sum()).isEqualTo(200L * windows);
        assertThat(report.system()).hasSizeLessThanOrEqualTo(BoundedTimeline.DEFAULT_MAX_STEPS);
        assertThat(jsonBytes).as("performance_report.json bytes").isLessThan(20_000_000);
        assertThat(htmlBytes).as("report.html bytes").isLessThan(10_000_000);
        System.getLogger(getClass().getName()).log(System.Logger.Level.INFO, "{0} windows x {1} endpoints: "
                + "JSON {2} bytes, HTML {3} bytes, step {4} ms", windows, ENDPOINTS + 1, jsonBytes, htmlBytes,
                report.resolution().stepMs());
    }

    private static io.loadstream.events.EndpointWindow window(String endpoint, long start, LatencyStats stats) {
        return io.loadstream.events.EndpointWindow.newBuilder().setRunId(RUN).setEndpoint(endpoint)
                .setWindowStartMs(start).setWindowEndMs(start + WINDOW_MS).setStats(stats)
                .setThroughputRps(stats.getCount()).build();
    }

}
