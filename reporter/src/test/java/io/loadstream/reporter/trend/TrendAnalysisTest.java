package io.loadstream.reporter.trend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loadstream.reporter.archive.ArchiveEntry;
import io.loadstream.schemas.fixtures.EventFixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TrendAnalysisTest {

    private static final long WEEK_MS = 7 * 24 * 3600 * 1000L;
    private static final Map<String, Double> ENDPOINTS = SyntheticRuns.endpoints(4);
    private static final String SHIFTED = "GET /e2";

    // Building a run (histograms, bootstrap) is the slow part: the first five ordinary runs are shared.
    private static final SyntheticRuns SYNTHETIC = SyntheticRuns.standard(11);
    private static final long FIRST_START_MS = EventFixtures.nowMs() - 20 * WEEK_MS;
    private static final List<ArchiveEntry> FIRST_FIVE = java.util.stream.IntStream.range(0, 5)
            .mapToObj(TrendAnalysisTest::ordinaryRun).toList();

    // Each test's own runs come from its own seed, so that no test depends on the order they run in.
    private SyntheticRuns synthetic;
    private final long firstStartMs = FIRST_START_MS;
    private final TrendAnalysis analysis = new TrendAnalysis(TrendAnalysis.DEFAULT_TOLERANCE,
            TrendAnalysis.DEFAULT_ALPHA);

    private static ArchiveEntry ordinaryRun(int i) {
        return SYNTHETIC.run("run-" + i, FIRST_START_MS + i * WEEK_MS, ENDPOINTS, Map.of(), 0.01,
                Map.of("release", "1." + i), true);
    }

    // The shared runs first, then runs until there are {@code runs}; the last one with the shifts.
    private List<ArchiveEntry> history(int runs, Map<String, double[]> lastRunShifts) {
        List<ArchiveEntry> entries = new ArrayList<>(FIRST_FIVE.subList(0, Math.min(runs, 5)));
        for (int i = entries.size(); i < runs; i++) {
            entries.add(synthetic.run("run-" + i, firstStartMs + i * WEEK_MS, ENDPOINTS,
                    i == runs - 1 ? lastRunShifts : Map.of(), 0.01, Map.of("release", "1." + i), true));
        }
        return entries;
    }

    @org.junit.jupiter.api.BeforeEach
    void seedFromTheTestName(org.junit.jupiter.api.TestInfo test) {
        synthetic = SyntheticRuns.standard(test.getDisplayName().hashCode());
    }

    @Test
    void aP99OnlyShiftIsFlaggedOnThatEndpointAndMetricOnly() {
        // given: five ordinary runs, then one whose p99 of one endpoint is 15 % higher, its p50 unchanged
        List<ArchiveEntry> entries = history(6, Map.of(SHIFTED, new double[] {0, 0.15}));

        TrendReport report = analysis.analyse(entries, Optional.empty(), BaselineSpec.AUTO, "test");

        assertThat(report.latest().runId()).isEqualTo("run-5");
        assertThat(report.baselineRuns()).containsExactly("run-0", "run-1", "run-2", "run-3", "run-4");
        assertThat(report.regressions()).singleElement().satisfies(c -> {
            assertThat(c.endpoint()).isEqualTo(SHIFTED);
            assertThat(c.metric()).isEqualTo(TrendMetric.P99_MS);
            assertThat(c.changePct()).isBetween(8.0, 25.0);
            assertThat(c.ci95LowPct()).isLessThan(c.changePct()).isPositive();
            assertThat(c.qValue()).isLessThanOrEqualTo(TrendAnalysis.DEFAULT_ALPHA);
        });
        assertThat(report.comparisons()).hasSize(ENDPOINTS.size() * TrendMetric.values().length);
    }

    @Test
    void pureNoiseOfTheSameSpreadIsNotFlagged() {
        for (int seed = 0; seed < 2; seed++) {
            List<ArchiveEntry> entries = history(6, Map.of());
            if (seed == 1) {
                entries = new ArrayList<>();
                SyntheticRuns noise = SyntheticRuns.standard(100 + seed);
                for (int i = 0; i < 6; i++) {
                    entries.add(noise.run("run-" + i, firstStartMs + i * WEEK_MS, ENDPOINTS, Map.of(), 0.01,
                            Map.of(), true));
                }
            }

            TrendReport report = analysis.analyse(entries, Optional.empty(), BaselineSpec.AUTO, "test");

            assertThat(report.regressions()).as("seed " + seed).isEmpty();
            assertThat(report.improvements()).as("seed " + seed).isEmpty();
        }
    }

    @Test
    void aShiftWithinTheToleranceIsNoRegression() {
        List<ArchiveEntry> entries = history(6, Map.of(SHIFTED, new double[] {Math.log(1.3), 0}));

        TrendReport strict = analysis.analyse(entries, Optional.empty(), BaselineSpec.AUTO, "test");
        TrendReport lenient = new TrendAnalysis(0.40, TrendAnalysis.DEFAULT_ALPHA).analyse(entries, Optional.empty(),
                BaselineSpec.AUTO, "test");

        assertThat(strict.regressions()).extracting(Comparison::endpoint).contains(SHIFTED).containsOnly(SHIFTED);
        assertThat(lenient.regressions()).isEmpty();
        assertThat(lenient.comparisons()).filteredOn(c -> c.endpoint().equals(SHIFTED)
                && c.metric() == TrendMetric.P50_MS).singleElement()
                .satisfies(c -> assertThat(c.changePct()).isBetween(20.0, 40.0));
    }

    @Test
    void theBaselineIsChosenByRunIdOrByTag() {
        List<ArchiveEntry> entries = history(6, Map.of());

        TrendReport byId = analysis.analyse(entries, Optional.of("synthetic"), BaselineSpec.parse("run-2"), "test");
        TrendReport byTag = analysis.analyse(entries, Optional.empty(), BaselineSpec.parse("release=1.1"), "test");

        assertThat(byId.baselineRuns()).containsExactly("run-2");
        assertThat(byId.comparisons()).allSatisfy(c -> assertThat(c.baselineRuns()).containsExactly("run-2"));
        assertThat(byTag.baselineRuns()).containsExactly("run-1");
        assertThat(byTag.baseline().jsonKind()).isEqualTo("tag");
    }

    @Test
    void anInterruptedRunIsNeitherTheLatestNorAnAutomaticBaseline() {
        List<ArchiveEntry> entries = new ArrayList<>(history(4, Map.of()));
        entries.add(1, synthetic.run("cut-short", firstStartMs + WEEK_MS / 2, ENDPOINTS, Map.of(), 0.01, Map.of(),
                false));
        entries.add(synthetic.run("cut-last", firstStartMs + 10 * WEEK_MS, ENDPOINTS, Map.of(), 0.01, Map.of(),
                false));

        TrendReport report = analysis.analyse(entries, Optional.empty(), BaselineSpec.AUTO, "test");
        TrendReport asked = analysis.analyse(entries, Optional.empty(), BaselineSpec.parse("cut-short"), "test");

        assertThat(report.latest().runId()).isEqualTo("run-3");
        assertThat(report.baselineRuns()).containsExactly("run-0", "run-1", "run-2");
        assertThat(report.runs()).extracting(ArchiveEntry::runId).contains("cut-short", "cut-last");
        assertThat(asked.baselineRuns()).containsExactly("cut-short");
    }

    @Test
    void aStepInTheSeriesIsAChangePointAndTheAutomaticBaselineStartsThere() {
        List<ArchiveEntry> entries = new ArrayList<>(FIRST_FIVE);
        for (int i = 5; i < 10; i++) {
            entries.add(synthetic.run("run-" + i, firstStartMs + i * WEEK_MS, ENDPOINTS,
                    Map.of(SHIFTED, new double[] {Math.log(1.5), 0}), 0.01, Map.of(), true));
        }

        TrendReport report = analysis.analyse(entries, Optional.empty(), BaselineSpec.AUTO, "test");

        assertThat(report.changePoints()).filteredOn(cp -> cp.metric() == TrendMetric.P50_MS)
                .singleElement().satisfies(cp -> {
                    assertThat(cp.endpoint()).isEqualTo(SHIFTED);
                    assertThat(cp.runId()).isEqualTo("run-5");
                    assertThat(cp.changePct()).isBetween(35.0, 65.0);
                });
        assertThat(report.comparisons()).filteredOn(c -> c.endpoint().equals(SHIFTED)
                && c.metric() == TrendMetric.P50_MS).singleElement()
                .satisfies(c -> assertThat(c.baselineRuns()).containsExactly("run-5", "run-6", "run-7", "run-8"));
        assertThat(report.regressions()).isEmpty();
    }

    @Test
    void nothingToCompareAndBadChoicesSaySoWithTheirExitCodes() {
        List<ArchiveEntry> one = history(1, Map.of());
        ArchiveEntry other = new ArchiveEntry(ArchiveEntry.FORMAT_VERSION, "other", "x", firstStartMs, 0, "t", 1,
                Map.of(), true, "", Map.of());

        assertThatThrownBy(() -> analysis.analyse(List.of(), Optional.empty(), BaselineSpec.AUTO, "DIR"))
                .isInstanceOf(TrendException.class).hasMessage("The archive DIR holds no run")
                .extracting(e -> ((TrendException) e).exitCode()).isEqualTo(1);
        assertThatThrownBy(() -> analysis.analyse(one, Optional.empty(), BaselineSpec.AUTO, "DIR"))
                .hasMessage("Only one complete run of plan synthetic in DIR: nothing to compare it with")
                .extracting(e -> ((TrendException) e).exitCode()).isEqualTo(1);
        List<ArchiveEntry> two = new ArrayList<>(one);
        two.add(other);
        assertThatThrownBy(() -> analysis.analyse(two, Optional.empty(), BaselineSpec.AUTO, "DIR"))
                .hasMessageContaining("several plans (other, synthetic); choose one with --plan")
                .extracting(e -> ((TrendException) e).exitCode()).isEqualTo(104);
        assertThatThrownBy(() -> analysis.analyse(history(3, Map.of()), Optional.empty(),
                BaselineSpec.parse("no-such-run"), "DIR"))
                .hasMessageContaining("No run no-such-run of plan synthetic")
                .extracting(e -> ((TrendException) e).exitCode()).isEqualTo(104);
    }
}
