package io.loadstream.reporter.report;

import io.loadstream.events.HostRole;
import io.loadstream.events.SystemSecond;
import io.loadstream.events.SystemWindow;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The system data of a run, per series (one host in one role: a generator and an agent on one host are two), each
 * figure named for what it measures: the host's CPU, memory, load and disk, and the sampling process's own CPU,
 * memory, heap and GC (for a generator, the loadstream process itself; in {@code run} that process also holds
 * the aggregator, the reporter and a demo target), plus the process the agent watches on a target. Seconds are
 * counted from the per-second samples that the windows carry, never as whole windows.
 */
public final class SystemReport {

    /** Most points per series in the report's per-second data; longer runs are averaged into wider points. */
    public static final int MAX_POINTS = 1_800;

    private static final double MIB = 1024.0 * 1024.0;

    private SystemReport() {
    }

    /**
     * The windows of one series, in time order, and what they add up to.
     *
     * @param host           the host name
     * @param role           GENERATOR, TARGET, ...
     * @param watchedProcess the process the agent watched, as "pid (command)", or null
     * @param windows        its windows, by start
     */
    public record Series(String host, String role, String watchedProcess, List<SystemWindow> windows) {

        /** @return the series' name for people: {@code host (role)} */
        public String label() {
            return host + " (" + role.toLowerCase(java.util.Locale.ROOT) + ")";
        }

        /** @return every per-second sample of the series, in time order */
        public List<SystemSecond> seconds() {
            List<SystemSecond> all = new ArrayList<>();
            windows.forEach(w -> all.addAll(w.getSeconds()));
            all.sort(Comparator.comparingLong(SystemSecond::getTimestampMs));
            return all;
        }

        /** @return the number of samples in the series */
        public long samples() {
            return windows.stream().mapToLong(SystemWindow::getSamples).sum();
        }

        /**
         * Seconds in which a figure was above a bound, from the per-second samples, at most {@code maxSeconds}. From
         * windows without per-second samples (older aggregators) only windows whose mean was above the bound count,
         * with their samples: an undercount rather than a whole window for one hot second.
         *
         * @param second     the per-second figure (negative when unknown)
         * @param windowMean the same figure's window mean (negative when unknown)
         * @param bound      the bound, exclusive
         * @param maxSeconds the run's length in seconds: no count goes past it
         * @return the seconds above the bound
         */
        public long secondsAbove(ToDoubleFunction<SystemSecond> second, ToDoubleFunction<SystemWindow> windowMean,
                                 double bound, long maxSeconds) {
            long count = 0;
            for (SystemWindow w : windows) {
                if (w.getSeconds().isEmpty()) {
                    count += windowMean.applyAsDouble(w) > bound ? w.getSamples() : 0;
                } else {
                    count += w.getSeconds().stream().filter(s -> second.applyAsDouble(s) > bound).count();
                }
            }
            return Math.min(count, Math.max(0, maxSeconds));
        }

        /**
         * The mean of a window figure weighted by each window's samples.
         *
         * @param figure a window mean (negative when unknown)
         * @return the mean, or NaN when no window knows it
         */
        public double mean(ToDoubleFunction<SystemWindow> figure) {
            double sum = 0;
            long weight = 0;
            for (SystemWindow w : windows) {
                double value = figure.applyAsDouble(w);
                if (value >= 0 && w.getSamples() > 0) {
                    sum += value * w.getSamples();
                    weight += w.getSamples();
                }
            }
            return weight == 0 ? Double.NaN : sum / weight;
        }

        /**
         * The highest value of a window figure.
         *
         * @param figure a window figure (negative when unknown)
         * @return the highest, or NaN when no window knows it
         */
        public double max(ToDoubleFunction<SystemWindow> figure) {
            double max = Double.NaN;
            for (SystemWindow w : windows) {
                double value = figure.applyAsDouble(w);
                if (value >= 0) {
                    max = Double.isNaN(max) ? value : Math.max(max, value);
                }
            }
            return max;
        }

        /**
         * The sum of a window figure.
         *
         * @param figure a window figure (negative when unknown)
         * @return the sum, or NaN when no window knows it
         */
        public double sum(ToDoubleFunction<SystemWindow> figure) {
            double sum = Double.NaN;
            for (SystemWindow w : windows) {
                double value = figure.applyAsDouble(w);
                if (value >= 0) {
                    sum = Double.isNaN(sum) ? value : sum + value;
                }
            }
            return sum;
        }

        /** @return whether the series is a generator's */
        public boolean isGenerator() {
            return role.equals(HostRole.GENERATOR.name());
        }

        /** @return whether the series is the agent's on a target */
        public boolean isTarget() {
            return role.equals(HostRole.TARGET.name());
        }
    }

    /**
     * Groups windows into series, sorted by host then role.
     *
     * @param windows the run's system windows, any order
     * @return the series
     */
    public static List<Series> series(Collection<SystemWindow> windows) {
        Map<String, List<SystemWindow>> grouped = new LinkedHashMap<>();
        windows.stream()
                .sorted(Comparator.comparing(SystemWindow::getHost).thenComparing(w -> w.getRole().name())
                        .thenComparingLong(SystemWindow::getWindowStartMs))
                .forEach(w -> grouped.computeIfAbsent(w.getHost() + "|" + w.getRole(), k -> new ArrayList<>()).add(w));
        List<Series> series = new ArrayList<>();
        for (List<SystemWindow> list : grouped.values()) {
            String watched = list.stream().map(SystemWindow::getWatchedProcess).filter(java.util.Objects::nonNull)
                    .reduce((a, b) -> b).orElse(null);
            series.add(new Series(list.get(0).getHost(), list.get(0).getRole().name(), watched, List.copyOf(list)));
        }
        return series;
    }

    /**
     * The CPU and memory of the run's summary, and whose they are.
     *
     * @param source         "target process" (the agent's watched process), "target host" (an agent without one),
     *                       "generator process" (the generators' own process, when no target reported) or "none"
     * @param avgCpuPercent  mean CPU of that source, percent of all processors; NaN unknown
     * @param peakCpuPercent highest CPU of that source in a second; NaN unknown
     * @param peakMemoryMb   highest memory of that source (resident memory of a process, memory in use of a host),
     *                       MiB; NaN unknown
     */
    public record Headline(String source, double avgCpuPercent, double peakCpuPercent, double peakMemoryMb) {
    }

    /**
     * Chooses the summary's CPU and memory: the target's when an agent reported (its watched process when it had
     * one), else the generators' own process figures, never a host's figures labelled as a process's.
     *
     * @param series the run's series
     * @return the headline figures
     */
    public static Headline headline(List<Series> series) {
        List<Series> targets = series.stream().filter(Series::isTarget).toList();
        List<Series> watched = targets.stream()
                .filter(t -> !Double.isNaN(t.max(SystemWindow::getWatchedProcessCpuMax))).toList();
        if (!watched.isEmpty()) {
            return headline("target process", watched, SystemWindow::getWatchedProcessCpuMean,
                    SystemWindow::getWatchedProcessCpuMax, w -> (double) w.getWatchedProcessRssMaxBytes());
        }
        if (!targets.isEmpty()) {
            return headline("target host", targets, SystemWindow::getCpuMean, SystemWindow::getCpuMax,
                    w -> (double) w.getMemoryUsedMaxBytes());
        }
        List<Series> generators = series.stream().filter(Series::isGenerator).toList();
        if (!generators.isEmpty()) {
            return headline("generator process", generators, SystemWindow::getProcessCpuMean,
                    SystemWindow::getProcessCpuMax, w -> (double) (w.getProcessRssMaxBytes() >= 0
                            ? w.getProcessRssMaxBytes() : w.getHeapCommittedMaxBytes()));
        }
        return new Headline("none", Double.NaN, Double.NaN, Double.NaN);
    }

    private static Headline headline(String source, List<Series> series, ToDoubleFunction<SystemWindow> cpuMean,
                                     ToDoubleFunction<SystemWindow> cpuMax, ToDoubleFunction<SystemWindow> memory) {
        double sum = 0;
        long weight = 0;
        double peak = Double.NaN;
        double peakMemory = Double.NaN;
        for (Series one : series) {
            double mean = one.mean(cpuMean);
            if (!Double.isNaN(mean)) {
                sum += mean * one.samples();
                weight += one.samples();
            }
            peak = maxOf(peak, one.max(cpuMax));
            peakMemory = maxOf(peakMemory, one.max(memory) / MIB);
        }
        return new Headline(source, weight == 0 ? Double.NaN : sum / weight, peak, peakMemory);
    }

    private static double maxOf(double a, double b) {
        return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.max(a, b);
    }

    /**
     * One point of the per-second data: one sample, or the mean of consecutive samples in a long run.
     *
     * @param timestampMs               the first sample's time, epoch ms
     * @param cpuPercent                host CPU, percent; -1 unknown
     * @param processCpuPercent         the sampling process's CPU, percent; -1 unknown
     * @param watchedProcessCpuPercent  the watched process's CPU, percent; -1 unknown
     * @param memoryUsedBytes           host memory in use, bytes; -1 unknown
     * @param processRssBytes           the sampling process's resident memory, bytes; -1 unknown
     * @param watchedProcessRssBytes    the watched process's resident memory, bytes; -1 unknown
     * @param heapUsedBytes             heap in use, bytes; -1 unknown
     * @param gcTimeMs                  GC time in the point's samples, summed, ms; -1 unknown
     * @param loadAverage1m             host load average; -1 unknown
     * @param diskBusyPercent           busiest disk's busy share, percent; -1 unknown
     */
    public record Point(long timestampMs, double cpuPercent, double processCpuPercent,
                        double watchedProcessCpuPercent, double memoryUsedBytes, double processRssBytes,
                        double watchedProcessRssBytes, double heapUsedBytes, double gcTimeMs, double loadAverage1m,
                        double diskBusyPercent) {
    }

    /**
     * The per-second data of a series, averaged over {@code secondsPerPoint(...)} consecutive samples when the series
     * has more than {@code maxPoints} (GC time is summed, not averaged).
     *
     * @param series    the series
     * @param maxPoints most points returned, at least 1
     * @return the points, in time order
     */
    public static List<Point> points(Series series, int maxPoints) {
        List<SystemSecond> seconds = series.seconds();
        int step = secondsPerPoint(seconds.size(), maxPoints);
        List<Point> points = new ArrayList<>();
        for (int from = 0; from < seconds.size(); from += step) {
            List<SystemSecond> group = seconds.subList(from, Math.min(seconds.size(), from + step));
            points.add(new Point(group.get(0).getTimestampMs(), mean(group, SystemSecond::getCpuPercent),
                    mean(group, SystemSecond::getProcessCpuPercent),
                    mean(group, SystemSecond::getWatchedProcessCpuPercent),
                    mean(group, s -> s.getMemoryUsedBytes()), mean(group, s -> s.getProcessRssBytes()),
                    mean(group, s -> s.getWatchedProcessRssBytes()), mean(group, s -> s.getHeapUsedBytes()),
                    sum(group, s -> s.getGcTimeMs()), mean(group, SystemSecond::getLoadAverage1m),
                    mean(group, SystemSecond::getDiskBusyPercent)));
        }
        return points;
    }

    /**
     * @param samples   samples in a series
     * @param maxPoints most points wanted, at least 1
     * @return how many consecutive samples make one point (1 when they all fit)
     */
    public static int secondsPerPoint(int samples, int maxPoints) {
        if (maxPoints < 1) {
            throw new IllegalArgumentException("maxPoints must be at least 1, was " + maxPoints);
        }
        return Math.max(1, (samples + maxPoints - 1) / maxPoints);
    }

    private static double mean(List<SystemSecond> group, ToDoubleFunction<SystemSecond> figure) {
        double sum = 0;
        int known = 0;
        for (SystemSecond s : group) {
            double value = figure.applyAsDouble(s);
            if (value >= 0) {
                sum += value;
                known++;
            }
        }
        return known == 0 ? -1 : sum / known;
    }

    private static double sum(List<SystemSecond> group, ToDoubleFunction<SystemSecond> figure) {
        double sum = -1;
        for (SystemSecond s : group) {
            double value = figure.applyAsDouble(s);
            if (value >= 0) {
                sum = Math.max(0, sum) + value;
            }
        }
        return sum;
    }
}
