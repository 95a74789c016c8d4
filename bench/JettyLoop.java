import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;

/**
 * The peer "bare Jetty HttpClient loop" of bench/generator-vs-wrk.sh: N connections, each sending the next GET
 * from the previous one's completion callback, for S seconds; nothing recorded, nothing published. Run with the
 * distribution's class path: java -cp 'cli/target/loadstream-VERSION/lib/*' bench/JettyLoop.java URL N S
 */
public final class JettyLoop {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        int connections = Integer.parseInt(args[1]);
        long seconds = Long.parseLong(args[2]);
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP(new ClientConnector()));
        client.setMaxConnectionsPerDestination(connections);
        client.start();
        LongAdder done = new LongAdder();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        CountDownLatch stopped = new CountDownLatch(connections);
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long start = System.nanoTime();
        for (int i = 0; i < connections; i++) {
            loop(client, url, done, end, stopped);
        }
        stopped.await();
        double elapsed = (System.nanoTime() - start) / 1e9;
        long requests = done.sum();
        System.out.printf(java.util.Locale.ROOT, "Done: %d requests in %.1f s (%.0f req/s, %.1f us CPU each)%n",
                requests, elapsed, requests / elapsed, (os.getProcessCpuTime() - cpu0) / 1e3 / requests);
        client.stop();
    }

    private static void loop(HttpClient client, String url, LongAdder done, long end, CountDownLatch stopped) {
        client.newRequest(url).timeout(10, TimeUnit.SECONDS).send((Response.CompleteListener) result -> {
            done.increment();
            if (System.nanoTime() < end) {
                loop(client, url, done, end, stopped);
            } else {
                stopped.countDown();
            }
        });
    }
}
