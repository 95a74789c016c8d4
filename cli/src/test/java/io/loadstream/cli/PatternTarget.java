package io.loadstream.cli;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A real Jetty server on 127.0.0.1 that behaves like one of the patterns the report's findings name: it pauses at a
 * regular interval, answers in two modes, serves with a fixed number of workers, fails only under load, or is fast
 * and healthy. The behaviour is the server's own, so the findings are judged on what really happened.
 */
final class PatternTarget implements AutoCloseable {

    private final Server server;
    private final ServerConnector connector;
    private final ExecutorService workers;

    private PatternTarget(Behaviour behaviour, int workerCount) throws Exception {
        server = new Server();
        connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        workers = workerCount > 0 ? Executors.newFixedThreadPool(workerCount) : null;
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                behaviour.handle(PatternTarget.this, response, callback);
                return true;
            }
        });
        server.start();
    }

    /** How the server answers one request. */
    @FunctionalInterface
    private interface Behaviour {
        void handle(PatternTarget target, Response response, Callback callback);
    }

    private void reply(Response response, Callback callback, int status, long delayMs) {
        Runnable write = () -> {
            response.setStatus(status);
            Content.Sink.write(response, true, "ok", callback);
        };
        if (delayMs > 0) {
            server.getScheduler().schedule(write, delayMs, TimeUnit.MILLISECONDS);
        } else {
            write.run();
        }
    }

    /**
     * The whole server pauses for {@code pauseMs} at the start of every {@code periodMs}: a request that arrives in
     * a pause waits for its end.
     */
    static PatternTarget periodicStall(long periodMs, long pauseMs) throws Exception {
        long startNanos = System.nanoTime();
        return new PatternTarget((target, response, callback) -> {
            long phase = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos) % periodMs;
            target.reply(response, callback, 200, phase < pauseMs ? pauseMs - phase : 0);
        }, 0);
    }

    /** One request in {@code every} takes {@code slowMs}, the others {@code fastMs}. */
    static PatternTarget bimodal(int every, long fastMs, long slowMs) throws Exception {
        AtomicLong count = new AtomicLong();
        return new PatternTarget((target, response, callback) -> target.reply(response, callback, 200,
                count.incrementAndGet() % every == 0 ? slowMs : fastMs), 0);
    }

    /** {@code workerCount} workers, each taking {@code serviceMs} per request; the others wait in a queue. */
    static PatternTarget fixedWorkers(int workerCount, long serviceMs) throws Exception {
        return new PatternTarget((target, response, callback) -> target.workers.execute(() -> {
            try {
                Thread.sleep(serviceMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            target.reply(response, callback, 200, 0);
        }), workerCount);
    }

    /** Answers in {@code serviceMs}, but with 503 at once when more than {@code capacity} requests are in flight. */
    static PatternTarget failsUnderLoad(int capacity, long serviceMs) throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        return new PatternTarget((target, response, callback) -> {
            if (inFlight.incrementAndGet() > capacity) {
                inFlight.decrementAndGet();
                // After the same service time: an instant 503 let closed-loop VUs send thousands a second, and the
                // high-load windows drowned the low-load ones in the run's error figures.
                target.reply(response, callback, 503, serviceMs);
                return;
            }
            target.server.getScheduler().schedule(() -> {
                inFlight.decrementAndGet();
                target.reply(response, callback, 200, 0);
            }, serviceMs, TimeUnit.MILLISECONDS);
        }, 0);
    }

    /** Answers every request at once with 200. */
    static PatternTarget healthy() throws Exception {
        return new PatternTarget((target, response, callback) -> target.reply(response, callback, 200, 0), 0);
    }

    /** The base URL, {@code http://127.0.0.1:PORT}. */
    String url() {
        return "http://127.0.0.1:" + connector.getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot stop the test server", e);
        } finally {
            if (workers != null) {
                workers.shutdownNow();
            }
        }
    }
}
