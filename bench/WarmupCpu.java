import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The report of bench/warmup-cpu.sh: where a JVM tool's CPU went from the load's start until it had done N requests,
 * by thread group. Run after the tools have ended (no JVM of its own competes with the measured one):
 * java bench/WarmupCpu.java THREADS OUT N1,N2,... [THREADS2 OUT2]; with a second tool's files, also prints the
 * second's CPU minus the first's at the counts both reached.
 *
 * <p>THREADS holds the sampler's lines "EPOCH_S TID TICKS COMM" (the utime + stime of every thread of the tool's JVM
 * from /proc/PID/task/TID/stat, in clock ticks of TICK_HZ per second, about every 0.5 s; COMM is the kernel's name of
 * the thread, cut at 15 characters); OUT the tool's standard output, each line prefixed with the epoch seconds at which
 * it was read. The load's start is the "Load started" line of bench/JettyLoop.java ... progress, or for
 * {@code loadstream generate} its first progress line ("  2s/30s ...") less its elapsed seconds. Requests done are the
 * "count N" lines of the loop (once a second) and the "events published N" of loadstream's progress lines (every 2 s;
 * events acknowledged by the broker). Both are interpolated linearly between lines; a thread's CPU is the sample
 * nearest after that moment. A thread that ended keeps its last reading.
 */
public final class WarmupCpu {

    private static final Pattern COUNT = Pattern.compile("count (\\d+)");
    /** loadstream's own threads: the kernel's 15-character name, and the group printed. */
    private static final String[][] OWN_THREADS = {{"loadstream-publ", "publisher (Kafka send)"},
        {"loadstream-abor", "abort listener (consumer)"}, {"loadstream-exec", "executor (VU control)"},
        {"loadstream-syst", "system sampler"}, {"loadstream-tick", "heartbeat/progress ticker"},
        {"loadstream-time", "VU timer"}};
    private static final Pattern PROGRESS = Pattern.compile("\\s*(\\d+)s/\\d+s .*events published (\\d+).*");

    private WarmupCpu() {
    }

    /** One tool's run: per count reached, the seconds of load and the CPU seconds of each thread group. */
    private record Measured(Map<Long, Double> seconds, Map<Long, Map<String, Double>> cpu, String whyNot) {
    }

    public static void main(String[] args) throws IOException {
        Measured first = measure(Path.of(args[0]), Path.of(args[1]), args[2]);
        print(first);
        if (args.length >= 5) {
            Measured second = measure(Path.of(args[3]), Path.of(args[4]), args[2]);
            print(second);
            if (first.whyNot() == null && second.whyNot() == null) {
                printDifference(first, second);
            }
        }
    }

    private static Measured measure(Path threadsFile, Path outFile, String countList) throws IOException {
        double hz = Double.parseDouble(System.getenv().getOrDefault("TICK_HZ", "100"));
        List<double[]> counts = new ArrayList<>();
        double start = Double.NaN;
        for (String line : Files.readAllLines(outFile)) {
            int space = line.indexOf(' ');
            if (space < 0) {
                continue;
            }
            double at = Double.parseDouble(line.substring(0, space));
            String text = line.substring(space + 1);
            Matcher count = COUNT.matcher(text);
            Matcher progress = PROGRESS.matcher(text);
            if (text.startsWith("Load started")) {
                start = at;
                counts.add(new double[] {at, 0});
            } else if (count.matches()) {
                counts.add(new double[] {at, Long.parseLong(count.group(1))});
            } else if (progress.matches()) {
                if (Double.isNaN(start)) {
                    start = at - Long.parseLong(progress.group(1));
                    counts.add(new double[] {start, 0});
                }
                counts.add(new double[] {at, Long.parseLong(progress.group(2))});
            }
        }
        if (Double.isNaN(start)) {
            return new Measured(Map.of(), Map.of(), "no load start in " + outFile);
        }
        // Per sample time: each thread's latest CPU seconds, summed by group; threads that ended keep their last value.
        TreeMap<Double, Map<String, Double>> byTime = new TreeMap<>();
        Map<String, String> groupOf = new HashMap<>();
        Map<String, Double> latest = new HashMap<>();
        Map<Double, List<String[]>> samples = new TreeMap<>();
        for (String line : Files.readAllLines(threadsFile)) {
            String[] f = line.split(" ", 4);
            if (f.length == 4) {
                samples.computeIfAbsent(Double.parseDouble(f[0]), k -> new ArrayList<>()).add(f);
            }
        }
        for (Map.Entry<Double, List<String[]>> sample : samples.entrySet()) {
            for (String[] f : sample.getValue()) {
                latest.put(f[1], Double.parseDouble(f[2]) / hz);
                groupOf.put(f[1], group(f[3]));
            }
            Map<String, Double> groups = new TreeMap<>();
            latest.forEach((tid, cpu) -> groups.merge(groupOf.get(tid), cpu, Double::sum));
            byTime.put(sample.getKey(), groups);
        }
        if (byTime.isEmpty()) {
            return new Measured(Map.of(), Map.of(), "no thread samples in " + threadsFile);
        }
        Map<String, Double> base = at(byTime, start);
        Map<Long, Map<String, Double>> columns = new LinkedHashMap<>();
        Map<Long, Double> seconds = new LinkedHashMap<>();
        for (String n : countList.split(",")) {
            long requests = Long.parseLong(n);
            double when = timeOf(counts, requests);
            if (!Double.isNaN(when) && byTime.ceilingKey(when) != null) {
                Map<String, Double> column = new TreeMap<>();
                at(byTime, when).forEach((group, cpu) -> column.put(group, cpu - base.getOrDefault(group, 0.0)));
                columns.put(requests, column);
                seconds.put(requests, when - start);
            }
        }
        if (columns.isEmpty()) {
            return new Measured(Map.of(), Map.of(), "the tool did fewer requests than " + countList.split(",")[0]);
        }
        return new Measured(seconds, columns, null);
    }

    private static void print(Measured run) {
        if (run.whyNot() != null) {
            System.out.println("  not measured: " + run.whyNot());
            return;
        }
        StringBuilder out = new StringBuilder("  CPU seconds from the load's start, by thread group\n");
        out.append(String.format(Locale.ROOT, "  %-28s", "requests done"));
        run.cpu().keySet().forEach(n -> out.append(String.format(Locale.ROOT, "%10d", n)));
        out.append(String.format(Locale.ROOT, "%n  %-28s", "seconds of load"));
        run.seconds().values().forEach(s -> out.append(String.format(Locale.ROOT, "%10.1f", s)));
        rows(out, run.cpu(), run.cpu());
        out.append(String.format(Locale.ROOT, "%n  %-28s", "TOTAL, us per request"));
        run.cpu().forEach((n, c) -> out.append(String.format(Locale.ROOT, "%10.1f", sum(c) * 1e6 / n)));
        System.out.println(out);
    }

    /** The second run's CPU minus the first's, at the counts that both reached. */
    private static void printDifference(Measured first, Measured second) {
        Map<Long, Map<String, Double>> difference = new LinkedHashMap<>();
        first.cpu().forEach((n, a) -> {
            Map<String, Double> b = second.cpu().get(n);
            if (b != null) {
                Map<String, Double> column = new TreeMap<>(b);
                a.forEach((group, cpu) -> column.merge(group, -cpu, Double::sum));
                difference.put(n, column);
            }
        });
        if (difference.isEmpty()) {
            return;
        }
        StringBuilder out = new StringBuilder("  the second minus the first, CPU seconds\n");
        out.append(String.format(Locale.ROOT, "  %-28s", "requests done"));
        difference.keySet().forEach(n -> out.append(String.format(Locale.ROOT, "%10d", n)));
        rows(out, difference, second.cpu());
        out.append(String.format(Locale.ROOT, "%n  %-28s", "ratio of the TOTALs"));
        difference.keySet().forEach(n -> out.append(String.format(Locale.ROOT, "%10.2f",
                sum(second.cpu().get(n)) / sum(first.cpu().get(n)))));
        System.out.println(out);
    }

    /** A row per thread group of COLUMNS (in the order of ORDER's last column, largest first), then the total. */
    private static void rows(StringBuilder out, Map<Long, Map<String, Double>> columns,
                             Map<Long, Map<String, Double>> order) {
        Map<String, Double> last = order.values().stream().reduce((a, b) -> b).orElseThrow();
        List<String> groups = new ArrayList<>(columns.values().stream().reduce((a, b) -> b).orElseThrow().keySet());
        groups.sort((a, b) -> Double.compare(last.getOrDefault(b, 0.0), last.getOrDefault(a, 0.0)));
        for (String group : groups) {
            boolean shown = columns.values().stream().anyMatch(c -> Math.abs(c.getOrDefault(group, 0.0)) >= 0.02);
            if (!shown) {
                continue;
            }
            out.append(String.format(Locale.ROOT, "%n  %-28s", group));
            columns.values().forEach(c -> out.append(String.format(Locale.ROOT, "%10.2f", c.getOrDefault(group, 0.0))));
        }
        out.append(String.format(Locale.ROOT, "%n  %-28s", "TOTAL"));
        columns.values().forEach(c -> out.append(String.format(Locale.ROOT, "%10.2f", sum(c))));
    }

    /** The thread group of a kernel thread name (15 characters at most). */
    static String group(String comm) {
        if (comm.startsWith("C2 Compiler")) {
            return "JIT C2";
        }
        if (comm.startsWith("C1 Compiler")) {
            return "JIT C1";
        }
        if (comm.startsWith("GC Thread") || comm.startsWith("G1 ")) {
            return "GC";
        }
        if (comm.startsWith("HttpClient@") || comm.startsWith("loadstream-http")) {
            return "HTTP (Jetty threads)";
        }
        if (comm.startsWith("kafka-producer")) {
            return "Kafka producer";
        }
        for (String[] own : OWN_THREADS) {
            if (comm.startsWith(own[0])) {
                return own[1];
            }
        }
        return "other JVM threads";
    }

    private static Map<String, Double> at(TreeMap<Double, Map<String, Double>> byTime, double when) {
        Map.Entry<Double, Map<String, Double>> entry = byTime.ceilingEntry(when);
        return entry != null ? entry.getValue() : byTime.lastEntry().getValue();
    }

    private static double timeOf(List<double[]> counts, long requests) {
        for (int i = 1; i < counts.size(); i++) {
            double[] a = counts.get(i - 1);
            double[] b = counts.get(i);
            if (a[1] <= requests && requests <= b[1] && b[1] > a[1]) {
                return a[0] + (b[0] - a[0]) * (requests - a[1]) / (b[1] - a[1]);
            }
        }
        return Double.NaN;
    }

    private static double sum(Map<String, Double> groups) {
        return groups.values().stream().mapToDouble(Double::doubleValue).sum();
    }
}
