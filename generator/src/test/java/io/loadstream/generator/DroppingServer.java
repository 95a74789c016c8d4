package io.loadstream.generator;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server on 127.0.0.1 that reads each HTTP request in full (up to the blank line after the headers; the tests
 * send no bodies) and then never answers: it either resets the connection (SO_LINGER 0, so the close sends a TCP
 * RST) or closes it cleanly (FIN) without a byte of response. It counts the requests it read, so a test can hold
 * the events against what the server saw. It can also reset each connection as soon as it accepts it.
 */
final class DroppingServer implements AutoCloseable {

    /** How the connection ends after the request was read. */
    enum Ending {
        /** SO_LINGER 0: the close sends RST. */
        RESET,
        /** A normal close (FIN), with no response. */
        CLOSE,
        /** SO_LINGER 0 as soon as the connection is accepted, before the request is read. */
        RESET_ON_ACCEPT
    }

    /** The longest request head read, in bytes; a longer one is dropped as it is. */
    private static final int MAX_HEAD_BYTES = 64 * 1024;

    private final ServerSocket socket;
    private final Ending ending;
    private final ExecutorService handlers = Executors.newFixedThreadPool(8, runnable -> {
        Thread thread = new Thread(runnable, "dropping-server");
        thread.setDaemon(true);
        return thread;
    });
    private final Thread acceptor;
    private final AtomicInteger requestsRead = new AtomicInteger();

    DroppingServer(Ending ending) throws IOException {
        this.ending = ending;
        this.socket = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "dropping-server-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The base URL, e.g. {@code http://127.0.0.1:41234}. */
    String url() {
        return "http://127.0.0.1:" + socket.getLocalPort();
    }

    /** Requests read in full so far (each then reset or closed without response). */
    int requestsRead() {
        return requestsRead.get();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                handlers.execute(() -> handle(connection));
            } catch (IOException ignored) {
                // Closed: the loop ends.
            }
        }
    }

    private void handle(Socket connection) {
        try (connection) {
            connection.setSoTimeout(5_000);
            if (ending == Ending.RESET_ON_ACCEPT) {
                connection.setSoLinger(true, 0);
                return;
            }
            if (readHead(connection.getInputStream())) {
                requestsRead.incrementAndGet();
            }
            if (ending == Ending.RESET) {
                connection.setSoLinger(true, 0);
            }
        } catch (IOException ignored) {
            // The client went away first: nothing to drop.
        }
    }

    /** Reads up to and including the blank line that ends the request head; false when the stream ended first. */
    private static boolean readHead(InputStream in) throws IOException {
        int matched = 0;
        for (int read = 0; read < MAX_HEAD_BYTES; read++) {
            int b = in.read();
            if (b < 0) {
                return false;
            }
            // Looks for CR LF CR LF.
            boolean expected = (matched % 2 == 0) ? b == '\r' : b == '\n';
            matched = expected ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        socket.close();
        handlers.shutdownNow();
        try {
            acceptor.join(5_000);
            handlers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
