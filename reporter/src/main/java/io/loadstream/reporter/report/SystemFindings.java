package io.loadstream.reporter.report;

import static io.loadstream.reporter.report.Analysis.count;
import static io.loadstream.reporter.report.Analysis.number;

import io.loadstream.events.SystemSecond;
import io.loadstream.events.SystemWindow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The findings about the machines of a run, each from the figures of what it names:
 * <ul>
 *   <li>{@code generator_saturated}: the generator's own process (not its host) used more than
 *       {@value #CPU_BOUND}% of the machine's CPU for at least {@value #MIN_SECONDS} s and
 *       {@value #MIN_SHARE_PERCENT}% of its samples: it may have delayed its own requests;</li>
 *   <li>{@code host_saturated}: a host's CPU was above {@value #CPU_BOUND}% as long, whoever used it; the evidence
 *       says how much of it the loadstream process (or the watched process) used, so that another job on the
 *       machine is told apart from the generator or the target.</li>
 * </ul>
 * Seconds are counted from the per-second samples and never exceed the run's duration.
 */
final class SystemFindings {

    /** CPU share above which a second counts as saturated, percent of all processors. */
    static final double CPU_BOUND = 90;
    /** Fewest saturated seconds that make a finding: one busy second is not a saturated run. */
    static final long MIN_SECONDS = 5;
    /** Smallest share of a series' samples that must be saturated for a finding, percent. */
    static final long MIN_SHARE_PERCENT = 5;

    private SystemFindings() {
    }

    /**
     * Adds the system findings.
     *
     * @param system          the run's system windows (one point per window)
     * @param durationS       the run's duration, seconds: no count goes past it
     * @param out             receives the findings
     * @param recommendations receives one recommendation per finding
     */
    static void analyse(List<RunReport.SystemPoint> system, double durationS, List<RunReport.Bottleneck> out,
                        List<String> recommendations) {
        List<SystemWindow> windows = system.stream().map(RunReport.SystemPoint::window)
                .filter(java.util.Objects::nonNull).toList();
        long maxSeconds = (long) Math.ceil(Math.max(0, durationS));
        List<SystemReport.Series> series = SystemReport.series(windows);
        for (SystemReport.Series one : series) {
            if (!one.isGenerator()) {
                continue;
            }
            long hot = one.secondsAbove(SystemSecond::getProcessCpuPercent, SystemWindow::getProcessCpuMean,
                    CPU_BOUND, maxSeconds);
            if (sustained(hot, one)) {
                String evidence = "The generator's own process on " + one.host() + " used more than "
                        + (int) CPU_BOUND + "% of the machine's CPU for " + count(hot) + " s of "
                        + count(Math.min(one.samples(), maxSeconds)) + " s (peak "
                        + number(one.max(SystemWindow::getProcessCpuMax)) + "%, mean "
                        + number(one.mean(SystemWindow::getProcessCpuMean)) + "%): requests in those seconds may have "
                        + "been delayed by the generator itself.";
                out.add(new RunReport.Bottleneck("generator_saturated", "*", evidence));
                recommendations.add(evidence + " Add generators (generate --segment i/n on more machines).");
            }
        }
        Map<String, SystemReport.Series> byHost = new LinkedHashMap<>();
        for (SystemReport.Series one : series) {
            // One finding per host: every series of a host reads the same host CPU; prefer the target's agent.
            byHost.merge(one.host(), one, (a, b) -> b.isTarget() ? b : a);
        }
        for (SystemReport.Series one : byHost.values()) {
            long hot = one.secondsAbove(SystemSecond::getCpuPercent, SystemWindow::getCpuMean, CPU_BOUND, maxSeconds);
            if (sustained(hot, one)) {
                String evidence = hostEvidence(one, hot, series);
                out.add(new RunReport.Bottleneck("host_saturated", "*", evidence));
                recommendations.add(evidence);
            }
        }
    }

    private static boolean sustained(long hotSeconds, SystemReport.Series series) {
        return hotSeconds >= MIN_SECONDS && hotSeconds * 100 >= MIN_SHARE_PERCENT * series.samples();
    }

    private static String hostEvidence(SystemReport.Series one, long hot, List<SystemReport.Series> all) {
        List<String> users = new ArrayList<>();
        for (SystemReport.Series s : all) {
            if (!s.host().equals(one.host())) {
                continue;
            }
            double own = s.mean(SystemWindow::getProcessCpuMean);
            if (s.isGenerator() && !Double.isNaN(own)) {
                users.add("the loadstream process " + number(own) + "%");
            }
            double watched = s.mean(SystemWindow::getWatchedProcessCpuMean);
            if (!Double.isNaN(watched)) {
                users.add("the watched process " + s.watchedProcess() + " " + number(watched) + "%");
            }
        }
        double load = one.max(SystemWindow::getLoadAverage1mMax);
        String base = "Host " + one.host() + "'s CPU was above " + (int) CPU_BOUND + "% for " + count(hot) + " s (peak "
                + number(one.max(SystemWindow::getCpuMax)) + "%, mean " + number(one.mean(SystemWindow::getCpuMean))
                + "%" + (Double.isNaN(load) ? "" : ", load average up to " + number(load)) + ")";
        String share = users.isEmpty() ? "" : ", of which (mean over the run) " + String.join(" and ", users);
        String meaning = one.isTarget()
                ? ": the target's machine was CPU-bound, so latencies in those seconds include waiting for a CPU."
                : ": latencies measured from this machine in those seconds include waiting for a CPU, whoever used "
                + "it; keep other work off the load generators' machines.";
        return base + share + meaning;
    }
}
