package io.loadstream.generator;

/** Opens the package-private {@link TestServer} to tests in other packages. */
public final class TestServerAccess implements AutoCloseable {

    private final TestServer server;

    private TestServerAccess(TestServer server) {
        this.server = server;
    }

    /** A test server that speaks HTTP/1.1 and h2c. */
    public static TestServerAccess h2c() throws Exception {
        return new TestServerAccess(new TestServer(true));
    }

    /** The base URL. */
    public String url() {
        return server.url();
    }

    @Override
    public void close() {
        server.close();
    }
}
