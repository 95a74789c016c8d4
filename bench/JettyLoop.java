import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.thread.Invocable;

/**
 * The peer "bare Jetty HttpClient loop" of bench/generator-vs-wrk.sh: N connections, each sending the next GET
 * from the previous one's completion callback, for S seconds; nothing recorded, nothing published. Run with the
 * distribution's class path: java -cp 'cli/target/loadstream-VERSION/lib/*' bench/JettyLoop.java URL N S [tuned]
 *
 * <p>Without "tuned": Jetty's defaults (each response handed from the selector thread to a pool thread, cookie
 * store, gzip decoding, Host header built from a java.net.URI per request). With "tuned": the HTTP settings that
 * loadstream's HttpEngine and PreparedStep use: responses handled on the selector thread (NON_BLOCKING), no
 * cookies, no redirects, no content decoding, a pre-encoded Host header, and the URI parsed once (as PreparedStep
 * does for a constant path; Jetty's newRequest(String) parses it per request).
 *
 * <p>With "progress" (after or instead of "tuned"; bench/warmup-cpu.sh): prints "Load started" as the loop starts and
 * "count N" (exchanges completed) once a second, from a daemon thread.
 */
public final class JettyLoop {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        int connections = Integer.parseInt(args[1]);
        long seconds = Long.parseLong(args[2]);
        java.util.List<String> options = java.util.Arrays.asList(args).subList(Math.min(3, args.length), args.length);
        boolean tuned = options.contains("tuned");
        boolean progress = options.contains("progress");
        HttpClientTransportOverHTTP transport = new HttpClientTransportOverHTTP(new ClientConnector());
        if (tuned) {
            transport.setInvocationType(Invocable.InvocationType.NON_BLOCKING);
        }
        HttpClient client = new HttpClient(transport);
        client.setMaxConnectionsPerDestination(connections);
        if (tuned) {
            client.setFollowRedirects(false);
            client.setHttpCookieStore(new HttpCookieStore.Empty());
        }
        client.start();
        HttpField host = null;
        URI uri = null;
        if (tuned) {
            uri = URI.create(url);
            client.getContentDecoderFactories().clear();
            host = new PreEncodedHttpField(HttpHeader.HOST, URI.create(url).getAuthority());
        }
        LongAdder done = new LongAdder();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        CountDownLatch stopped = new CountDownLatch(connections);
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long start = System.nanoTime();
        if (progress) {
            System.out.println("Load started");
            Thread counter = new Thread(() -> {
                try {
                    while (true) {
                        Thread.sleep(1000);
                        System.out.println("count " + done.sum());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            counter.setDaemon(true);
            counter.start();
        }
        for (int i = 0; i < connections; i++) {
            loop(client, url, uri, host, done, end, stopped);
        }
        // The second half alone (after the JIT's warm-up), for the steady-state figure.
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds) / 2);
        long halfRequests = done.sum();
        long halfCpu = os.getProcessCpuTime();
        long halfNanos = System.nanoTime();
        stopped.await();
        long endNanos = System.nanoTime();
        long cpu1 = os.getProcessCpuTime();
        double elapsed = (endNanos - start) / 1e9;
        long requests = done.sum();
        System.out.printf(java.util.Locale.ROOT, "Done: %d requests in %.1f s (%.0f req/s, %.1f us CPU each)%n",
                requests, elapsed, requests / elapsed, (cpu1 - cpu0) / 1e3 / requests);
        long steadyRequests = requests - halfRequests;
        System.out.printf(java.util.Locale.ROOT, "Second half: %.0f req/s, %.1f us CPU each%n",
                steadyRequests / ((endNanos - halfNanos) / 1e9), (cpu1 - halfCpu) / 1e3 / steadyRequests);
        client.stop();
    }

    private static void loop(HttpClient client, String url, URI uri, HttpField host, LongAdder done, long end,
                             CountDownLatch stopped) {
        Request request = (uri != null ? client.newRequest(uri) : client.newRequest(url)).timeout(10, TimeUnit.SECONDS);
        if (host != null) {
            request.headers(fields -> fields.add(host));
        }
        request.send((Response.CompleteListener) result -> {
            done.increment();
            if (System.nanoTime() < end) {
                loop(client, url, uri, host, done, end, stopped);
            } else {
                stopped.countDown();
            }
        });
    }
}
