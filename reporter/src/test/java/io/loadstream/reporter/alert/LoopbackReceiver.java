package io.loadstream.reporter.alert;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A real HTTP server on 127.0.0.1 that records every request it gets (a webhook receiver, or a stand-in
 * Alertmanager), answering the n-th request (from 1) with the status a test chooses.
 */
public final class LoopbackReceiver implements AutoCloseable {

    /**
     * One request as the server saw it.
     *
     * @param path          the request path
     * @param authorization the {@code Authorization} header, or null
     * @param body          the body, UTF-8
     * @param answeredWith  the status it was answered with
     */
    public record Received(String path, String authorization, String body, int answeredWith) {
    }

    private final Server server;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    /**
     * Starts the server on a free port.
     *
     * @param statusOf the status of the n-th request
     */
    public LoopbackReceiver(IntUnaryOperator statusOf) throws Exception {
        AtomicInteger requests = new AtomicInteger();
        server = new Server(new InetSocketAddress("127.0.0.1", 0));
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String body = Content.Source.asString(request, StandardCharsets.UTF_8);
                int status = statusOf.applyAsInt(requests.incrementAndGet());
                received.add(new Received(Request.getPathInContext(request),
                        request.getHeaders().get("Authorization"), body, status));
                response.setStatus(status);
                callback.succeeded();
                return true;
            }
        });
        server.start();
    }

    /** A receiver that answers 200 to everything. */
    public static LoopbackReceiver accepting() throws Exception {
        return new LoopbackReceiver(n -> 200);
    }

    /** The base URL, {@code http://127.0.0.1:PORT}. */
    public URI base() {
        return URI.create("http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort());
    }

    /** Every request so far, in order. */
    public List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("The receiver did not stop", e);
        }
    }
}
