package io.loadstream.generator;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A real Jetty server on 127.0.0.1 that injects known delays, without blocking its threads:
 * <ul>
 *   <li>{@code /ok}: 200 at once;</li>
 *   <li>{@code /fixed?ms=N}: 200 after N ms;</li>
 *   <li>{@code /status/N}: status N at once;</li>
 *   <li>{@code /body}: 200 with the body {@value #BODY};</li>
 *   <li>{@code /scheme}: 200 with the body {@code http} or {@code https}, as the request came;</li>
 *   <li>{@code /hang}: 200 after {@value #HANG_MS} ms (longer than the tests' timeouts);</li>
 *   <li>{@code /stall}: 200 after 2 ms, except in a server-wide stall of 1 s every 5 s (from 2 s after the first
 *       {@code /stall} request on), when it answers only at the end of the stall.</li>
 * </ul>
 * It speaks HTTP/1.1, also h2c when asked, or HTTPS with a given key store ({@link #https}).
 */
final class TestServer implements AutoCloseable {

    static final String BODY = "hello from the loadstream test server";
    /** The body of {@code /large}: far more than one read buffer, so that a client gets it in many chunks. */
    static final String LARGE_BODY = "0123456789abcdef".repeat(4 * 1024) + "end of the large body";
    static final long HANG_MS = 5_000;
    static final long STALL_PERIOD_MS = 5_000;
    static final long STALL_LENGTH_MS = 1_000;
    static final long STALL_OFFSET_MS = 2_000;

    private final Server server;
    private final ServerConnector connector;
    private final String scheme;
    private final AtomicLong stallEpochNanos = new AtomicLong();
    /** Requests that arrived so far, of every path. */
    final AtomicLong arrived = new AtomicLong();
    /** How long each /fixed response was actually held in the server, from arrival to answer, microseconds. */
    final java.util.Queue<Long> fixedDelaysMicros = new java.util.concurrent.ConcurrentLinkedQueue<>();

    TestServer() throws Exception {
        this(false);
    }

    /** A server that also speaks HTTP/2 over clear text (h2c, prior knowledge) when {@code h2c} is set. */
    TestServer(boolean h2c) throws Exception {
        this(h2c, null, null);
    }

    /**
     * A server that speaks HTTPS (HTTP/1.1 over TLS) with the key and certificate of a PKCS12 key store.
     *
     * @param keyStore the key store, e.g. from {@link SelfSignedCertificate#create}
     * @param password the store's and the key's password
     */
    static TestServer https(java.nio.file.Path keyStore, String password) throws Exception {
        return new TestServer(false, keyStore, password);
    }

    private TestServer(boolean h2c, java.nio.file.Path keyStore, String password) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(32);
        threads.setName("test-server");
        server = new Server(threads);
        HttpConfiguration config = new HttpConfiguration();
        if (keyStore != null) {
            SslContextFactory.Server tls = new SslContextFactory.Server();
            tls.setKeyStorePath(keyStore.toString());
            tls.setKeyStoreType("PKCS12");
            tls.setKeyStorePassword(password);
            tls.setKeyManagerPassword(password);
            // The certificate names another host on purpose; Jetty would otherwise answer 400 Invalid SNI.
            config.addCustomizer(new SecureRequestCustomizer(false));
            connector = new ServerConnector(server, 1, 1, new SslConnectionFactory(tls, "http/1.1"),
                    new HttpConnectionFactory(config));
            scheme = "https";
        } else {
            connector = h2c
                    ? new ServerConnector(server, 1, 1, new HttpConnectionFactory(config),
                            new HTTP2CServerConnectionFactory(config))
                    : new ServerConnector(server, 1, 1);
            scheme = "http";
        }
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                arrived.incrementAndGet();
                route(request, response, callback);
                return true;
            }
        });
        server.start();
    }

    /** The base URL, e.g. {@code http://127.0.0.1:41234} ({@code https://} for a TLS server). */
    String url() {
        return scheme + "://127.0.0.1:" + connector.getLocalPort();
    }

    /** The port it listens on, on 127.0.0.1. */
    int port() {
        return connector.getLocalPort();
    }

    private void route(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        if (path.equals("/fixed")) {
            String query = request.getHttpURI().getQuery();
            long ms = query != null && query.startsWith("ms=") ? Long.parseLong(query.substring(3)) : 20;
            long arrived = System.nanoTime();
            later(ms, () -> {
                fixedDelaysMicros.add((System.nanoTime() - arrived) / 1000);
                answer(response, callback, 200, "ok");
            });
        } else if (path.startsWith("/status/")) {
            answer(response, callback, Integer.parseInt(path.substring("/status/".length())), "status");
        } else if (path.equals("/body")) {
            answer(response, callback, 200, BODY);
        } else if (path.equals("/large")) {
            answer(response, callback, 200, LARGE_BODY);
        } else if (path.equals("/hang")) {
            later(HANG_MS, () -> answer(response, callback, 200, "late"));
        } else if (path.equals("/scheme")) {
            answer(response, callback, 200, request.getHttpURI().getScheme());
        } else if (path.equals("/protocol")) {
            answer(response, callback, 200, request.getConnectionMetaData().getProtocol());
        } else if (path.equals("/stall")) {
            later(stallDelayMs(), () -> answer(response, callback, 200, "ok"));
        } else {
            answer(response, callback, 200, "ok");
        }
    }

    private long stallDelayMs() {
        long now = System.nanoTime();
        stallEpochNanos.compareAndSet(0, now);
        long sinceEpochMs = TimeUnit.NANOSECONDS.toMillis(now - stallEpochNanos.get());
        if (sinceEpochMs < STALL_OFFSET_MS) {
            return 2;
        }
        long phase = (sinceEpochMs - STALL_OFFSET_MS) % STALL_PERIOD_MS;
        return phase < STALL_LENGTH_MS ? STALL_LENGTH_MS - phase + 2 : 2;
    }

    private void later(long ms, Runnable task) {
        server.getScheduler().schedule(task, ms, TimeUnit.MILLISECONDS);
    }

    private static void answer(Response response, Callback callback, int status, String body) {
        response.setStatus(status);
        response.getHeaders().put("Content-Type", "text/plain");
        Content.Sink.write(response, true, body, callback);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("The test server did not stop", e);
        }
    }

    /** Bytes of {@link #BODY}. */
    static int bodyLength() {
        return BODY.getBytes(StandardCharsets.UTF_8).length;
    }
}
