package io.loadstream.reporter.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.events.HostRole;
import io.loadstream.events.SystemSecond;
import io.loadstream.events.SystemWindow;
import io.loadstream.schemas.fixtures.EventFixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/** The system findings count seconds from the per-second samples and blame what the figures name. */
class SystemFindingsTest {

    private static final long T0 = EventFixtures.nowMs() / 10_000 * 10_000;
    private static final long WINDOW = 10_000;

    @Test
    void oneHotSecondInAWindowIsOneSecondAndMakesNoFinding() {
        // given: the quick start's pattern, a process at 33% on average with a single 95% second
        List<RunReport.SystemPoint> system = generator(3, (w, s) -> w == 1 && s == 4 ? 95 : 30, (w, s) -> 40);

        SystemReport.Series series = SystemReport.series(windows(system)).get(0);
        assertThat(series.secondsAbove(SystemSecond::getProcessCpuPercent, SystemWindow::getProcessCpuMean, 90,
                30)).isEqualTo(1);
        assertThat(findings(system, 30)).isEmpty();
    }

    @Test
    void countsTheGeneratorsOwnSecondsAboveNinetyAndNeverMoreThanTheRunLasted() {
        // given: 20 samples in two windows, 14 of them above 90%, in a run of 13.6 s
        List<RunReport.SystemPoint> system = generator(2, (w, s) -> w == 0 || s < 4 ? 96 : 50, (w, s) -> 97);

        List<RunReport.Bottleneck> found = findings(system, 13.6);

        assertThat(found).filteredOn(b -> b.kind().equals("generator_saturated")).singleElement()
                .satisfies(b -> assertThat(b.evidence()).contains("for 14 s of 14 s").contains("peak 96%"));
        // and 60 s of samples above 90% in a 30 s run count as 30 s
        assertThat(SystemReport.series(windows(generator(6, (w, s) -> 99, (w, s) -> 99))).get(0)
                .secondsAbove(SystemSecond::getCpuPercent, SystemWindow::getCpuMean, 90, 30)).isEqualTo(30);
    }

    @Test
    void aHostBusyWithAnotherJobIsHostSaturatedAndTheGeneratorIsNotBlamed() {
        // given: the host at 98% all along, the generator's own process at 4%
        List<RunReport.SystemPoint> system = generator(6, (w, s) -> 4, (w, s) -> 98);

        List<RunReport.Bottleneck> found = findings(system, 60);

        assertThat(found).extracting(RunReport.Bottleneck::kind).containsExactly("host_saturated");
        assertThat(found.get(0).evidence()).contains("Host gen-1's CPU was above 90% for 60 s")
                .contains("the loadstream process 4%");
    }

    @Test
    void aGeneratorAndAnAgentOnOneHostAreTwoSeriesAndTheSummaryUsesTheWatchedProcess() {
        List<RunReport.SystemPoint> system = new ArrayList<>(generator(1, (w, s) -> 5, (w, s) -> 60));
        SystemWindow agent = window(HostRole.TARGET, T0, (w, s) -> 0, (w, s) -> 60);
        agent.setWatchedProcess("4242 (shop)");
        agent.setWatchedProcessCpuMean(40);
        agent.setWatchedProcessCpuMax(55);
        agent.setWatchedProcessRssMaxBytes(512L << 20);
        system.add(point(agent));

        List<SystemReport.Series> series = SystemReport.series(windows(system));
        SystemReport.Headline headline = SystemReport.headline(series);

        assertThat(series).extracting(SystemReport.Series::label)
                .containsExactly("gen-1 (generator)", "gen-1 (target)");
        assertThat(headline.source()).isEqualTo("target process");
        assertThat(headline.avgCpuPercent()).isEqualTo(40);
        assertThat(headline.peakMemoryMb()).isEqualTo(512);
    }

    @Test
    void averagesLongRunsIntoAtMostTheGivenNumberOfPoints() {
        SystemReport.Series series = SystemReport.series(windows(generator(7, (w, s) -> w * 10 + s,
                (w, s) -> 50))).get(0);

        List<SystemReport.Point> points = SystemReport.points(series, 20);

        assertThat(SystemReport.secondsPerPoint(70, 20)).isEqualTo(4);
        assertThat(points).hasSize(18);
        assertThat(points.get(0).processCpuPercent()).isEqualTo(1.5);
        assertThat(points.get(17).processCpuPercent()).isEqualTo(68.5);
    }

    private interface Figure {
        double at(int window, int second);
    }

    private static List<RunReport.Bottleneck> findings(List<RunReport.SystemPoint> system, double durationS) {
        List<RunReport.Bottleneck> out = new ArrayList<>();
        SystemFindings.analyse(system, durationS, out, new ArrayList<>());
        return out;
    }

    private static List<RunReport.SystemPoint> generator(int windows, Figure processCpu, Figure hostCpu) {
        List<RunReport.SystemPoint> points = new ArrayList<>();
        for (int w = 0; w < windows; w++) {
            points.add(point(window(HostRole.GENERATOR, T0 + w * WINDOW, processCpu, hostCpu, w)));
        }
        return points;
    }

    private static SystemWindow window(HostRole role, long start, Figure processCpu, Figure hostCpu) {
        return window(role, start, processCpu, hostCpu, 0);
    }

    /** A window of 10 samples with the figures the aggregator would compute from them. */
    private static SystemWindow window(HostRole role, long start, Figure processCpu, Figure hostCpu, int w) {
        List<SystemSecond> seconds = new ArrayList<>();
        for (int s = 0; s < 10; s++) {
            seconds.add(new SystemSecond(start + s * 1_000L, hostCpu.at(w, s), processCpu.at(w, s), -1.0,
                    1L << 30, 200L << 20, -1L, 100L << 20, 0L, 1.0, 0.0));
        }
        IntToDoubleFunction process = s -> processCpu.at(w, s);
        IntToDoubleFunction host = s -> hostCpu.at(w, s);
        SystemWindow window = EventFixtures.systemWindow("r", "gen-1", role, start, WINDOW, max(host), 1L << 30);
        window.setCpuMean(mean(host));
        window.setProcessCpuMean(mean(process));
        window.setProcessCpuMax(max(process));
        window.setSeconds(seconds);
        return window;
    }

    private static double mean(IntToDoubleFunction f) {
        double sum = 0;
        for (int s = 0; s < 10; s++) {
            sum += f.applyAsDouble(s);
        }
        return sum / 10;
    }

    private static double max(IntToDoubleFunction f) {
        double max = 0;
        for (int s = 0; s < 10; s++) {
            max = Math.max(max, f.applyAsDouble(s));
        }
        return max;
    }

    private static RunReport.SystemPoint point(SystemWindow w) {
        return new RunReport.SystemPoint(w.getHost(), w.getRole().name(), w.getWindowStartMs(), w.getWindowEndMs(),
                w.getCpuMean(), w.getCpuMax(), 1024, w);
    }

    private static List<SystemWindow> windows(List<RunReport.SystemPoint> system) {
        return system.stream().map(RunReport.SystemPoint::window).toList();
    }
}
