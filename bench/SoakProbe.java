// Helper of bench/soak.sh, run with the distribution's class path (java -cp "lib/*" bench/SoakProbe.java ...):
//
//   lag BOOTSTRAP GROUP            prints the consumer group's lag summed over its partitions (events), or -1
//   summary CSV WARMUP_S HOURS     prints, per process and metric, the Theil-Sen slope per hour after the warm-up
//                                  with its 95% interval (the reporter's own estimator), the change over the
//                                  measured period relative to its median, and the extrapolation to HOURS hours
import io.loadstream.reporter.drift.TheilSen;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

public class SoakProbe {

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("lag")) {
            System.out.println(lag(args[1], args[2]));
        } else if (args.length == 4 && args[0].equals("summary")) {
            summary(Path.of(args[1]), Double.parseDouble(args[2]), Double.parseDouble(args[3]));
        } else {
            System.err.println("usage: SoakProbe lag BOOTSTRAP GROUP | summary CSV WARMUP_S HOURS");
            System.exit(2);
        }
    }

    static long lag(String bootstrap, String group) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
            committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            var ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
            long lag = 0;
            for (var e : committed.entrySet()) {
                if (e.getValue() != null) {
                    lag += Math.max(0, ends.get(e.getKey()).offset() - e.getValue().offset());
                }
            }
            return lag;
        } catch (Exception e) {
            return -1;
        }
    }

    /** CSV columns: elapsed_s,process,pid,rss_mb,heap_after_gc_mb,state_mb,lag_events */
    static void summary(Path csv, double warmupS, double hours) throws Exception {
        String[] metrics = {"rss_mb", "heap_after_gc_mb", "state_mb", "lag_events"};
        Map<String, List<double[]>> rows = new TreeMap<>();
        for (String line : Files.readAllLines(csv)) {
            if (line.startsWith("elapsed_s")) {
                continue;
            }
            String[] f = line.split(",", -1);
            double[] values = new double[5];
            values[0] = Double.parseDouble(f[0]);
            for (int i = 0; i < 4; i++) {
                values[i + 1] = f[3 + i].isEmpty() ? -1 : Double.parseDouble(f[3 + i]);
            }
            rows.computeIfAbsent(f[1], p -> new ArrayList<>()).add(values);
        }
        System.out.printf(Locale.ROOT, "%-10s %-17s %8s %9s %9s %26s %9s %12s%n", "process", "metric", "samples",
                "first", "last", "slope per hour (95% CI)", "change", "at " + (int) hours + " h");
        for (var entry : rows.entrySet()) {
            for (int m = 0; m < metrics.length; m++) {
                List<Double> xs = new ArrayList<>();
                List<Double> ys = new ArrayList<>();
                for (double[] r : entry.getValue()) {
                    if (r[0] >= warmupS && r[m + 1] >= 0) {
                        xs.add(r[0] / 3600);
                        ys.add(r[m + 1]);
                    }
                }
                if (ys.isEmpty()) {
                    continue;
                }
                double[] x = xs.stream().mapToDouble(Double::doubleValue).toArray();
                double[] y = ys.stream().mapToDouble(Double::doubleValue).toArray();
                double[] sorted = y.clone();
                Arrays.sort(sorted);
                double median = sorted[sorted.length / 2];
                var slope = TheilSen.fit(x, y, 0.95);
                String slopeText = slope.map(s -> String.format(Locale.ROOT, "%.2f (%.2f..%.2f)", s.slope(),
                        s.low(), s.high())).orElse("too few samples");
                double span = x[x.length - 1] - x[0];
                String change = slope.isPresent() && median > 0 ? String.format(Locale.ROOT, "%+.1f%%",
                        100 * slope.get().slope() * span / median) : "-";
                String projected = slope.isPresent() ? String.format(Locale.ROOT, "%.1f",
                        y[y.length - 1] + slope.get().slope() * (hours - x[x.length - 1])) : "-";
                System.out.printf(Locale.ROOT, "%-10s %-17s %8d %9.1f %9.1f %26s %9s %12s%n", entry.getKey(),
                        metrics[m], y.length, y[0], y[y.length - 1], slopeText, change, projected);
            }
        }
    }
}
