import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;

/**
 * The capacity knee of the demo target: closed-model virtual users (threads) replay the three flows of
 * examples/softfactory.yaml (weights 50/30/20, 1 s think time after every request) for S seconds per VU level,
 * and print per level the requests per second, the error rate and the latency percentiles (HdrHistogram,
 * microseconds, 3 significant digits) of the requests that started after the level's first 10 s (a quarter of
 * the level when that is shorter).
 * Run with the distribution's class path:
 * java -cp 'cli/target/loadstream-VERSION/lib/*' bench/DemoTargetKnee.java URL TOKEN SECONDS LEVELS(10,50,100)
 */
public final class DemoTargetKnee {

    private static final String[][] FLOWS = {
        {"/api/review/campaigns?page=2", "/api/review/campaigns?page=3&status=active", "/api/review/campaigns/17",
            "/api/review/listings?category=beauty", "/api/sns/accounts", "/api/sns/posts?status=scheduled",
            "POST /api/sns/posts", "/api/sns/posts/42"},
        {"/api/dashboard/kpis", "/api/dashboard/analytics/overview", "/api/sns/analytics?period=30d",
            "/api/sns/analytics/accounts/7", "/api/dashboard/performance/roi"},
        {"/api/review/listings?page=1", "/api/review/listings?page=21", "/api/review/listings?page=41",
            "/api/sns/posts?page=1", "/api/sns/posts?page=21", "/api/sns/posts?page=41"}};
    private static final int[] WEIGHTS = {50, 30, 20};
    /** At most the first 10 s of a level are not measured, and at most a quarter of it (for short checks). */
    private static final long WARM_UP_NANOS = 10_000_000_000L;

    public static void main(String[] args) throws Exception {
        URI base = URI.create(args[0]);
        String token = args[1];
        int seconds = Integer.parseInt(args[2]);
        long warmUpNanos = Math.min(WARM_UP_NANOS, seconds * 1_000_000_000L / 4);
        System.out.printf("the first %.1f s of each level are not measured%n", warmUpNanos / 1e9);
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        System.out.println("VUs   req/s  errors   p50 ms   p95 ms   p99 ms   max ms");
        for (String level : args[3].split(",")) {
            int vus = Integer.parseInt(level.trim());
            Recorder recorder = new Recorder(3);
            LongAdder errors = new LongAdder();
            long start = System.nanoTime();
            long end = start + seconds * 1_000_000_000L;
            List<Thread> threads = new ArrayList<>();
            for (int v = 0; v < vus; v++) {
                SplittableRandom random = new SplittableRandom(v * 31L + vus);
                Thread thread = new Thread(() -> {
                    while (System.nanoTime() < end) {
                        int pick = random.nextInt(100);
                        String[] flow = FLOWS[pick < WEIGHTS[0] ? 0 : pick < WEIGHTS[0] + WEIGHTS[1] ? 1 : 2];
                        for (String step : flow) {
                            if (System.nanoTime() >= end) {
                                break;
                            }
                            boolean post = step.startsWith("POST ");
                            HttpRequest request = HttpRequest.newBuilder(base.resolve(post ? step.substring(5) : step))
                                    .timeout(Duration.ofSeconds(10))
                                    .header("Authorization", "Bearer " + token)
                                    .method(post ? "POST" : "GET", post
                                            ? HttpRequest.BodyPublishers.ofString("{\"text\":\"hi\"}")
                                            : HttpRequest.BodyPublishers.noBody())
                                    .build();
                            long sent = System.nanoTime();
                            int status;
                            try {
                                status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                            } catch (Exception e) {
                                status = 0;
                            }
                            long took = System.nanoTime() - sent;
                            if (sent - start >= warmUpNanos) {
                                recorder.recordValue(took / 1000);
                                if (status == 0 || status >= 400) {
                                    errors.increment();
                                }
                            }
                            try {
                                Thread.sleep(1000); // the think time of examples/softfactory.yaml
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    }
                });
                thread.start();
                threads.add(thread);
            }
            for (Thread thread : threads) {
                thread.join();
            }
            Histogram histogram = recorder.getIntervalHistogram();
            double measuredSeconds = seconds - warmUpNanos / 1e9;
            if (histogram.getTotalCount() == 0) {
                System.out.printf("%3d not measured: no request started after the warm-up%n", vus);
                continue;
            }
            System.out.printf("%3d %7.1f %6.2f%% %8.1f %8.1f %8.1f %8.1f%n", vus,
                    histogram.getTotalCount() / measuredSeconds,
                    100.0 * errors.sum() / Math.max(1, histogram.getTotalCount()),
                    histogram.getValueAtPercentile(50) / 1000.0, histogram.getValueAtPercentile(95) / 1000.0,
                    histogram.getValueAtPercentile(99) / 1000.0, histogram.getMaxValue() / 1000.0);
        }
    }
}
