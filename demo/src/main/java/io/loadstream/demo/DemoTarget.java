package io.loadstream.demo;

import java.net.BindException;
import java.net.URI;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The demo target: a Jetty server shaped like the reference's system (Review, SNS, Dashboard, User and Public
 * services), whose endpoints answer small JSON bodies after a service time drawn from their
 * {@link LatencyProfile}, fail with 500 or 503 at their error rate, and share a bounded pool of
 * {@link DemoTargetOptions#workers()} workers: requests beyond it queue, so latency climbs once concurrency passes
 * capacity. Every request except {@code GET /health} needs {@code Authorization: Bearer <token>}.
 *
 * <p>Answers: 401 without the right token, 404 for an unknown path, 405 (with {@code Allow}) for a known path
 * with another method, 201 with an {@code "id"} for a POST, 204 for a DELETE, 200 otherwise, and 503 at once
 * when {@value #MAX_QUEUED} requests already wait.
 */
public final class DemoTarget implements AutoCloseable {

    /** The token the demo target requires unless told otherwise. */
    public static final String DEFAULT_TOKEN = "loadstream-demo";
    /** The most requests that wait for a worker; more get 503 at once. */
    public static final int MAX_QUEUED = 100_000;

    private static final String JSON = "application/json";

    private final DemoTargetOptions options;
    private final List<DemoEndpoint> endpoints;
    /** Each endpoint's path template split on '/', in the catalogue's order, so that routing splits only once. */
    private final String[][] templates;
    private final Map<DemoEndpoint, SplittableRandom> randoms = new IdentityHashMap<>();
    private final AtomicLong nextId = new AtomicLong(1000);
    private final AtomicLong requests = new AtomicLong();
    private final String expectedAuthorization;
    private final ScheduledExecutorService timer;
    private final WorkerPool pool;
    private final Server server;
    private final ServerConnector connector;

    private DemoTarget(DemoTargetOptions options, List<DemoEndpoint> endpoints) {
        this.options = options;
        this.endpoints = List.copyOf(endpoints);
        this.templates = this.endpoints.stream().map(e -> e.path().split("/", -1)).toArray(String[][]::new);
        SplittableRandom seeds = new SplittableRandom(options.seed());
        for (DemoEndpoint endpoint : this.endpoints) {
            // One generator per endpoint: its sequence of service times and errors does not depend on the
            // traffic to the others.
            randoms.put(endpoint, seeds.split());
        }
        this.expectedAuthorization = "Bearer " + options.token();
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(2, runnable -> {
            Thread thread = Executors.defaultThreadFactory().newThread(runnable);
            thread.setName("demo-target-timer-" + thread.getId());
            thread.setDaemon(true);
            return thread;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        this.timer = scheduler;
        this.pool = new WorkerPool(options.workers(), MAX_QUEUED, timer);
        QueuedThreadPool threads = new QueuedThreadPool(64);
        threads.setName("demo-target");
        this.server = new Server(threads);
        this.connector = new ServerConnector(server);
        connector.setHost(options.host());
        connector.setPort(options.port());
        connector.setAcceptQueueSize(1024);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                DemoTarget.this.handle(request, response, callback);
                return true;
            }
        });
    }

    /**
     * Starts the demo target with the standard catalogue ({@link DemoCatalogue#standard()}).
     *
     * @param options where to listen, the token, the worker pool and the seed
     * @return the running target; close it to stop it
     * @throws IllegalStateException with a one-sentence message when the port is taken or the server cannot start
     */
    public static DemoTarget start(DemoTargetOptions options) {
        return start(options, DemoCatalogue.standard());
    }

    /**
     * Starts the demo target with another catalogue, e.g. one endpoint with a fixed service time for a test.
     *
     * @param options   where to listen, the token, the worker pool and the seed
     * @param endpoints the catalogue; no two endpoints may share a method and a path template
     * @return the running target; close it to stop it
     * @throws IllegalStateException with a one-sentence message when the port is taken or the server cannot start
     */
    public static DemoTarget start(DemoTargetOptions options, List<DemoEndpoint> endpoints) {
        TreeSet<String> names = new TreeSet<>();
        for (DemoEndpoint endpoint : endpoints) {
            if (!names.add(endpoint.name())) {
                throw new IllegalArgumentException("The catalogue has " + endpoint.name() + " twice.");
            }
        }
        DemoTarget target = new DemoTarget(options, endpoints);
        try {
            target.server.start();
        } catch (Exception e) {
            target.close();
            if (hasCause(e, BindException.class)) {
                throw new IllegalStateException("Port " + options.port() + " on " + options.host()
                        + " is already in use (or not allowed); stop what uses it or choose another port.", e);
            }
            throw new IllegalStateException("The demo target could not start on " + options.host() + ":"
                    + options.port() + ": " + e.getMessage(), e);
        }
        return target;
    }

    /** The port it listens on: the one asked for, or the free one picked for port 0. */
    public int port() {
        return connector.getLocalPort();
    }

    /** The base URL, {@code http://host:port}. */
    public URI baseUrl() {
        String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
        return URI.create("http://" + host + ":" + port());
    }

    /** The catalogue: every endpoint with its method, path template, service, latency profile and error rate. */
    public List<DemoEndpoint> endpoints() {
        return endpoints;
    }

    /** The options it was started with. */
    public DemoTargetOptions options() {
        return options;
    }

    /** How many requests it has received, of every kind (401, 404 and health checks included). */
    public long requestsReceived() {
        return requests.get();
    }

    /** How many requests wait for a worker at this moment. */
    public int queued() {
        return pool.queued();
    }

    /** Stops the server; requests still waiting or in service are dropped. Safe to call twice. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("The demo target did not stop cleanly: " + e.getMessage(), e);
        } finally {
            timer.shutdownNow();
        }
    }

    private void handle(Request request, Response response, Callback callback) {
        requests.incrementAndGet();
        String path = Request.getPathInContext(request);
        String method = request.getMethod().toUpperCase(Locale.ROOT);
        String[] segments = path.split("/", -1);
        List<DemoEndpoint> onPath = new ArrayList<>(2);
        for (int i = 0; i < templates.length; i++) {
            if (DemoEndpoint.matchesSegments(templates[i], segments)) {
                onPath.add(endpoints.get(i));
            }
        }
        DemoEndpoint endpoint = onPath.stream().filter(e -> e.method().equals(method)).findFirst().orElse(null);
        boolean open = endpoint != null && endpoint.path().equals(DemoCatalogue.HEALTH_PATH);
        if (!open && !expectedAuthorization.equals(request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"loadstream-demo\"");
            String reason = request.getHeaders().contains(HttpHeader.AUTHORIZATION)
                    ? "The Bearer token is wrong." : "The Authorization header is missing.";
            answer(response, callback, 401, "{\"error\":\"unauthorized\",\"message\":\"" + reason
                    + " Send 'Authorization: Bearer <token>' with the demo target's token.\"}");
            return;
        }
        if (onPath.isEmpty()) {
            answer(response, callback, 404, "{\"error\":\"not found\",\"message\":\"The demo target has no "
                    + "endpoint at this path.\"}");
            return;
        }
        if (endpoint == null) {
            TreeSet<String> allowed = new TreeSet<>();
            onPath.forEach(e -> allowed.add(e.method()));
            response.getHeaders().put(HttpHeader.ALLOW, String.join(", ", allowed));
            answer(response, callback, 405, "{\"error\":\"method not allowed\",\"allow\":\""
                    + String.join(", ", allowed) + "\"}");
            return;
        }
        // Read the request body first, so that the connection stays reusable.
        Content.Source.consumeAll(request, Callback.from(
                () -> serve(endpoint, path, response, callback), callback::failed));
    }

    private void serve(DemoEndpoint endpoint, String path, Response response, Callback callback) {
        if (endpoint.path().equals(DemoCatalogue.HEALTH_PATH)) {
            answer(response, callback, 200, "{\"status\":\"UP\",\"queued\":" + pool.queued() + "}");
            return;
        }
        double serviceMs;
        double errorDraw;
        boolean unavailable;
        SplittableRandom random = randoms.get(endpoint);
        synchronized (random) {
            serviceMs = endpoint.latency().sampleMs(random);
            errorDraw = random.nextDouble();
            unavailable = random.nextInt(4) == 0;
        }
        boolean fails = errorDraw < endpoint.errorRate();
        boolean accepted = pool.submit(Math.round(serviceMs * 1_000_000), () -> {
            if (fails) {
                answer(response, callback, unavailable ? 503 : 500, unavailable
                        ? "{\"error\":\"service unavailable\",\"message\":\"An error injected by the demo target.\"}"
                        : "{\"error\":\"internal server error\",\"message\":\"An error injected by the demo "
                                + "target.\"}");
            } else {
                succeed(endpoint, path, response, callback);
            }
        });
        if (!accepted) {
            answer(response, callback, 503, "{\"error\":\"service unavailable\",\"message\":\"Too many requests "
                    + "wait for a worker.\"}");
        }
    }

    private void succeed(DemoEndpoint endpoint, String path, Response response, Callback callback) {
        String service = endpoint.service().name().toLowerCase(Locale.ROOT);
        String name = "\"endpoint\":\"" + endpoint.name() + "\"";
        String id = lastNumericSegment(path);
        switch (endpoint.method()) {
            case "POST" -> answer(response, callback, 201,
                    "{\"id\":" + nextId.incrementAndGet() + ",\"created\":true," + name + "}");
            case "DELETE" -> {
                response.setStatus(204);
                callback.succeeded();
            }
            case "PUT", "PATCH" -> answer(response, callback, 200,
                    "{\"id\":" + id + ",\"updated\":true," + name + "}");
            default -> answer(response, callback, 200, id != null
                    ? "{\"id\":" + id + ",\"service\":\"" + service + "\"," + name + "}"
                    : "{\"service\":\"" + service + "\"," + name
                            + ",\"items\":[{\"id\":1},{\"id\":2},{\"id\":3}],\"total\":3}");
        }
    }

    private static String lastNumericSegment(String path) {
        String[] segments = path.split("/");
        for (int i = segments.length - 1; i >= 0; i--) {
            if (!segments[i].isEmpty() && segments[i].chars().allMatch(c -> c >= '0' && c <= '9')) {
                // A JSON number has no leading zeros; a very long id stays a string.
                return segments[i].length() > 18
                        ? "\"" + segments[i] + "\"" : segments[i].replaceFirst("^0+(?=.)", "");
            }
        }
        return null;
    }

    private static void answer(Response response, Callback callback, int status, String json) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
        Content.Sink.write(response, true, json, callback);
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
