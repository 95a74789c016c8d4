package io.loadstream.cli;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A real Jetty server on 127.0.0.1 (a free port) that the CLI tests send load to. It counts every request, and
 * answers each with the status and delay that the test's {@link Route} gives for its path.
 */
final class LoopbackTarget implements AutoCloseable {

    /** What to answer for a path. */
    record Answer(int status, long delayMs) {
        static Answer ok() {
            return new Answer(200, 0);
        }
    }

    /** Chooses the answer for a request path. */
    @FunctionalInterface
    interface Route {
        Answer answer(String path);
    }

    private final Server server;
    private final ServerConnector connector;
    private final AtomicLong served = new AtomicLong();
    /** The query and headers of the last request, for tests that check what was sent. */
    private final AtomicReference<String> lastQueryAndHeaders = new AtomicReference<>("");

    private LoopbackTarget(Route route) throws Exception {
        server = new Server();
        connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                served.incrementAndGet();
                lastQueryAndHeaders.set(request.getHttpURI().getQuery() + "\n" + request.getHeaders());
                Answer answer = route.answer(Request.getPathInContext(request));
                Runnable reply = () -> {
                    response.setStatus(answer.status());
                    Content.Sink.write(response, true, "ok", callback);
                };
                if (answer.delayMs() > 0) {
                    server.getScheduler().schedule(reply, answer.delayMs(), TimeUnit.MILLISECONDS);
                } else {
                    reply.run();
                }
                return true;
            }
        });
        server.start();
    }

    /** Starts a target that answers every request with {@code route}'s answer for its path. */
    static LoopbackTarget start(Route route) throws Exception {
        return new LoopbackTarget(route);
    }

    /** The port on 127.0.0.1. */
    int port() {
        return connector.getLocalPort();
    }

    /** The base URL, {@code http://127.0.0.1:PORT}. */
    String url() {
        return "http://127.0.0.1:" + port();
    }

    /** Requests answered or being answered so far. */
    long served() {
        return served.get();
    }

    /** The query string and the headers of the last request, as one text. */
    String lastQueryAndHeaders() {
        return lastQueryAndHeaders.get();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot stop the test server", e);
        }
    }
}
