package io.loadstream.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * TCP ports on the loopback address (127.0.0.1), where every loadstream server that it starts itself listens.
 */
public final class LoopbackPorts {

    /** How long {@link #accepts(int)} waits for a connection, in milliseconds. */
    private static final int CONNECT_TIMEOUT_MS = 1_000;

    private LoopbackPorts() {
    }

    /**
     * Returns a port that was free on 127.0.0.1 a moment ago. Another process may take it before the caller binds
     * it, so a caller that can retry should.
     *
     * @throws UncheckedIOException when the system has no free port
     */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on 127.0.0.1", e);
        }
    }

    /**
     * Whether {@code port} can be bound on 127.0.0.1 right now.
     *
     * @param port 1 to 65535
     * @throws IllegalArgumentException when the port is outside that range
     */
    public static boolean isFree(int port) {
        checkPort(port);
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Whether something accepts TCP connections on 127.0.0.1:{@code port}, within one second.
     *
     * @param port 1 to 65535
     * @throws IllegalArgumentException when the port is outside that range
     */
    public static boolean accepts(int port) {
        checkPort(port);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), CONNECT_TIMEOUT_MS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void checkPort(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be between 1 and 65535, was " + port);
        }
    }
}
