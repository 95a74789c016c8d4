import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fixed-worker target of bench/capacity.sh: the JDK's HTTP server on 127.0.0.1 with a pool of exactly WORKERS
 * threads, each holding a request for SERVICE_MS before it answers "ok". Requests beyond the pool wait in the
 * executor's queue, so its ceiling is known: WORKERS / SERVICE_MS requests per millisecond (4 workers x 50 ms: 80
 * req/s). Run with: java bench/FixedWorkers.java PORT WORKERS SERVICE_MS; it prints "listening on" when ready and
 * the requests it served when stopped (SIGTERM).
 */
public final class FixedWorkers {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int workers = Integer.parseInt(args[1]);
        long serviceMs = Long.parseLong(args[2]);
        byte[] body = "ok\n".getBytes(StandardCharsets.US_ASCII);
        AtomicLong served = new AtomicLong();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        server.createContext("/", exchange -> {
            try {
                exchange.getRequestBody().readAllBytes();
                // The service time: the worker is held, as a worker of a thread-per-request server is.
                Thread.sleep(serviceMs);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
                served.incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                exchange.close();
            }
        });
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        server.setExecutor(pool);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop(0);
            pool.shutdownNow();
            System.out.println("served " + served.get() + " requests");
        }));
        server.start();
        System.out.printf("fixed-worker server listening on http://127.0.0.1:%d (%d workers x %d ms: ceiling %.1f "
                + "req/s)%n", server.getAddress().getPort(), workers, serviceMs, workers * 1000.0 / serviceMs);
    }
}
