package io.loadstream.reporter.html;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.events.ControlType;
import io.loadstream.events.HostRole;
import io.loadstream.events.RunControl;
import io.loadstream.events.SystemSecond;
import io.loadstream.events.SystemWindow;
import io.loadstream.events.ThresholdSpec;
import io.loadstream.reporter.alert.Alerts;
import io.loadstream.reporter.report.ConsoleSummary;
import io.loadstream.reporter.report.JsonReport;
import io.loadstream.reporter.report.ReportBuilder;
import io.loadstream.reporter.report.RunReport;
import io.loadstream.reporter.run.RunData;
import io.loadstream.reporter.threshold.ThresholdEngine;
import io.loadstream.reporter.threshold.ThresholdOutcome;
import io.loadstream.reporter.threshold.ThresholdRule;
import io.loadstream.reporter.threshold.ThresholdRules;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.fixtures.EventFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The HTML report of a sample run: self-contained (no external reference of any kind) and escaped. The sample is
 * also written to {@code target/sample-report/} so that it can be opened or screenshotted in a browser.
 */
public class HtmlReportTest {

    private static final String RUN = "sample-run";
    private static final long T0 = 1_764_000_000_000L;
    private static final long WINDOW = 10_000;
    private static final String EVIL = "GET /api/<script>alert('x')</script>?q=\"&amp\"";

    /** A run of 2 minutes with a ramp, 10 endpoints, errors, a slow endpoint and a hostile endpoint name. */
    public static RunReport sampleReport() {
        RunData data = new RunData(RUN, 3_600_000);
        List<ThresholdSpec> specs = List.of(
                spec("http_req_duration", "p(95)<500", 0, 0, false),
                spec("http_req_failed", "rate<0.01", 0, 0, false),
                spec("http_req_duration{endpoint:GET /api/sns/analytics}", "p(95)<900", 30_000, 20_000, true),
                spec("http_reqs", "rate>50", 0, 0, false));
        RunControl started = EventFixtures.control(RUN, ControlType.STARTED, T0, 0, 1);
        started.setPlanName("softfactory <weekly> & co");
        started.setThresholds(specs);
        data.onControl(started);
        Map<String, long[]> shape = new LinkedHashMap<>();
        String[] endpoints = {"GET /api/review/campaigns", "GET /api/review/campaigns/{id}", "POST /api/sns/posts",
            "GET /api/sns/analytics", "GET /api/dashboard/kpis", "GET /api/users/me", "PUT /api/users/me",
            "GET /api/public/health", "GET /api/sns/posts/{id}/comments", EVIL};
        long[][] base = {{20, 120}, {15, 90}, {40, 260}, {300, 600}, {80, 220}, {10, 40}, {30, 90}, {2, 8},
            {25, 140}, {5, 30}};
        Random random = new Random(7);
        Map<String, List<long[]>> perEndpoint = new LinkedHashMap<>();
        List<long[]> everything = new ArrayList<>();
        int windows = 12;
        for (int w = 0; w < windows; w++) {
            long start = T0 + w * WINDOW;
            int vus = 10 + w * 8;
            List<long[]> all = new ArrayList<>();
            for (int e = 0; e < endpoints.length; e++) {
                // GET /api/sns/analytics queues from about 58 VUs: its latency climbs, its throughput stays flat.
                double load = e == 3 ? 1 + Math.max(0, w - 3) : 1 + w * 0.05;
                int n = e == 3 ? (w < 4 ? 40 + w * 10 : 80) : 40 + random.nextInt(40) + w * 6;
                long[] values = new long[n];
                for (int i = 0; i < n; i++) {
                    double ms = base[e][0] + random.nextDouble() * (base[e][1] - base[e][0]) * load;
                    values[i] = (long) (ms * 1000);
                }
                int errorEvery = e == 2 ? 20 : e == 6 ? 60 : 0;
                data.onWindow(EventFixtures.window(RUN, endpoints[e], start, WINDOW, values, errorEvery));
                perEndpoint.computeIfAbsent(endpoints[e], k -> new ArrayList<>()).add(values);
                all.add(values);
            }
            long[] merged = EventFixtures.concat(all.toArray(new long[0][]));
            everything.add(merged);
            data.onWindow(EventFixtures.window(RUN, EventKeys.ALL_ENDPOINTS, start, WINDOW, merged, 45));
            for (int s = 0; s < 10; s++) {
                RunControl heartbeat = EventFixtures.control(RUN, ControlType.HEARTBEAT, start + s * 1000 + 1, 0, 1);
                heartbeat.setActiveVus(vus);
                data.onControl(heartbeat);
            }
            data.onSystemWindow(system("target <1>", HostRole.TARGET, start, 18 + w * 1.5, 3_000 + w * 40));
            data.onSystemWindow(generator(start, w >= 9 ? 93 : 40 + w * 4));
        }
        perEndpoint.forEach((endpoint, parts) -> data.onTotals(EventFixtures.totals(RUN, endpoint, T0,
                T0 + windows * WINDOW - 1, EventFixtures.concat(parts.toArray(new long[0][])),
                endpoint.startsWith("POST") ? 20 : endpoint.startsWith("PUT") ? 60 : 0, true)));
        data.onTotals(EventFixtures.totals(RUN, EventKeys.ALL_ENDPOINTS, T0, T0 + windows * WINDOW - 1,
                EventFixtures.concat(everything.toArray(new long[0][])), 45, true));
        data.onControl(EventFixtures.control(RUN, ControlType.FINISHED, T0 + windows * WINDOW, 0, 1));

        List<ThresholdRule> rules = specs.stream().map(ThresholdRules::parse).toList();
        ThresholdEngine engine = new ThresholdEngine(rules, T0);
        List<io.loadstream.events.Alert> alerts = new ArrayList<>();
        for (int w = 0; w < windows; w++) {
            for (ThresholdEngine.Action action : engine.onWindowClosed(T0 + (w + 1) * WINDOW, data)) {
                if (action instanceof ThresholdEngine.AlertChange change) {
                    alerts.add(Alerts.of(RUN, "softfactory", change.transition()));
                }
            }
        }
        List<ThresholdOutcome> outcomes = engine.finish(data::totalsOf, ReportBuilder.durationSeconds(data));
        return ReportBuilder.build(data, outcomes, alerts, List.of(), true);
    }

    @Test
    void theReportHasNoExternalReferenceAndEscapesEveryNameFromThePlan() throws Exception {
        RunReport report = sampleReport();

        String html = HtmlReport.render(report);
        Path dir = Path.of(System.getProperty("loadstream.test.workdir", "target"), "sample-report");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(HtmlReport.FILE_NAME), html);
        JsonReport.write(report, dir.resolve(JsonReport.FILE_NAME));
        Files.writeString(dir.resolve("summary.txt"), ConsoleSummary.render(report, List.of()));

        // no external reference of any kind
        assertThat(html).doesNotContainPattern(Pattern.compile("https?://", Pattern.CASE_INSENSITIVE));
        assertThat(html).doesNotContain("//cdn").doesNotContain("<link").doesNotContain("@import")
                .doesNotContainPattern(Pattern.compile("<script[^>]*\\bsrc=", Pattern.CASE_INSENSITIVE))
                .doesNotContainPattern(Pattern.compile("<img", Pattern.CASE_INSENSITIVE))
                .doesNotContainPattern(Pattern.compile("url\\(", Pattern.CASE_INSENSITIVE));
        // exactly one inline script: ours
        assertThat(Pattern.compile("<script").matcher(html).results().count()).isEqualTo(1);
        // hostile names are escaped wherever they appear
        assertThat(html).doesNotContain("<script>alert(").doesNotContain("softfactory <weekly>")
                .doesNotContain("target <1>")
                .contains("GET /api/&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;?q=&quot;&amp;amp&quot;")
                .contains("softfactory &lt;weekly&gt; &amp; co");
        // what a reader looks for
        assertThat(html).contains("<table class=\"sortable\" id=\"endpoints\">").contains("<svg")
                .contains("Throughput and active VUs").contains("p95 per endpoint").contains("Error rate")
                .contains("CPU, percent of all processors").contains("<h2>System</h2>").contains("THRESHOLDS FAILED")
                .contains("Alerts");
    }

    @Test
    void theSampleRunsFindingsCiteItsFigures() {
        RunReport report = sampleReport();

        assertThat(report.bottlenecks()).extracting(RunReport.Bottleneck::kind)
                .contains("generator_saturated", "queueing", "errors");
        assertThat(report.summary().recommendations()).anySatisfy(r -> assertThat(r)
                .startsWith("GET /api/sns/analytics: p95 stayed near").contains("reached").contains("at 98 VUs")
                .contains("throughput stayed at about 8 req/s"));
        assertThat(report.summary().recommendations()).anySatisfy(r -> assertThat(r)
                .contains("generator's own process on gen-1 used more than 90% of the machine's CPU")
                .contains("for 30 s of 120 s"));
    }

    private static ThresholdSpec spec(String metric, String expression, long windowMs, long forMs, boolean abort) {
        return ThresholdSpec.newBuilder().setMetric(metric).setExpression(expression).setWindowMs(windowMs)
                .setForMs(forMs).setAbortOnFail(abort).setDelayAbortEvalMs(0).build();
    }

    /** A generator's window whose own process used {@code cpu} % of the machine in each of its 10 seconds. */
    private static SystemWindow generator(long start, double cpu) {
        SystemWindow window = system("gen-1", HostRole.GENERATOR, start, cpu, 1_200);
        List<SystemSecond> seconds = new ArrayList<>();
        for (int s = 0; s < 10; s++) {
            seconds.add(new SystemSecond(start + s * 1_000L, cpu, cpu, -1.0, 1L << 30, 300L << 20, -1L, 100L << 20,
                    0L, 1.5, 2.0));
        }
        window.setProcessCpuMean(cpu);
        window.setProcessCpuMax(cpu);
        window.setSeconds(seconds);
        return window;
    }

    private static SystemWindow system(String host, HostRole role, long start, double cpu, long memoryMb) {
        return EventFixtures.systemWindow(RUN, host, role, start, WINDOW, cpu, memoryMb * 1024 * 1024);
    }
}
