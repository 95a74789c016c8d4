package io.loadstream.generator.http;

import io.loadstream.generator.plan.Defaults;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.ProxyAuthenticationProtocolHandler;
import org.eclipse.jetty.client.WWWAuthenticationProtocolHandler;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The Jetty {@link HttpClient} that sends a run's requests, configured from the plan's defaults:
 * <ul>
 *   <li>keep-alive connection pools, as many connections per host as the run has VUs (HTTP/1.1), so that each
 *       VU keeps its own connection and nothing queues inside the client;</li>
 *   <li>the connect timeout apart from the total timeout of each request (set per request);</li>
 *   <li>no cookies, redirects, authentication handling or content decoding: a load generator measures what the
 *       server sends (a 401 is a 401, with or without a challenge header);</li>
 *   <li>TLS that checks certificates unless the plan says {@code insecure};</li>
 *   <li>HTTP/2 when the plan asks for it (ALPN over TLS, prior knowledge over clear text);</li>
 *   <li>HTTP/1.1 responses handled on the selector thread that read them ({@code NON_BLOCKING} invocation type),
 *       instead of being handed to a pool thread per response: the VUs' callbacks never block (they record, hand
 *       the timing to a non-blocking buffer and send the next request), and on a few cores the hand-off cost
 *       as much CPU as the rest of the request. The system property {@value #INVOCATION_PROPERTY}{@code =blocking}
 *       restores Jetty's default, for comparison.</li>
 * </ul>
 */
public final class HttpEngine implements AutoCloseable {

    /** Idle connections are closed after this long, in milliseconds. */
    static final long IDLE_TIMEOUT_MS = 30_000;

    /** System property that, set to {@code blocking}, restores Jetty's default hand-off of each response. */
    public static final String INVOCATION_PROPERTY = "loadstream.http.invocation";

    /** System property: the number of selector threads (default: one per two cores). */
    public static final String SELECTORS_PROPERTY = "loadstream.http.selectors";

    private final HttpClient client;

    /**
     * Creates and starts the client.
     *
     * @param defaults       the plan's request defaults (connect timeout, TLS, HTTP version)
     * @param maxConnections most connections per host, at least 1: the run's peak VUs
     * @param userAgent      the User-Agent header value
     * @throws IllegalStateException when the client cannot start
     */
    public HttpEngine(Defaults defaults, int maxConnections, String userAgent) {
        SslContextFactory.Client tls = new SslContextFactory.Client(defaults.insecure());
        if (defaults.insecure()) {
            // Test hosts with self-signed certificates: no chain check and no host name check.
            tls.setEndpointIdentificationAlgorithm(null);
        }
        ClientConnector connector = new ClientConnector();
        connector.setSelectors(selectors(maxConnections));
        connector.setSslContextFactory(tls);
        connector.setConnectTimeout(defaults.connectTimeout());
        connector.setIdleTimeout(java.time.Duration.ofMillis(IDLE_TIMEOUT_MS));
        HttpClient created;
        if (defaults.http2()) {
            created = new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client(connector)));
        } else {
            HttpClientTransportOverHTTP transport = new HttpClientTransportOverHTTP(connector);
            if (!"blocking".equals(System.getProperty(INVOCATION_PROPERTY))) {
                transport.setInvocationType(Invocable.InvocationType.NON_BLOCKING);
            }
            created = new HttpClient(transport);
        }
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("loadstream-http");
        threads.setDaemon(true);
        created.setExecutor(threads);
        created.setConnectTimeout(defaults.connectTimeout().toMillis());
        created.setIdleTimeout(IDLE_TIMEOUT_MS);
        created.setMaxConnectionsPerDestination(Math.max(1, maxConnections));
        created.setMaxRequestsQueuedPerDestination(Math.max(1024, maxConnections * 4));
        created.setFollowRedirects(false);
        created.setHttpCookieStore(new HttpCookieStore.Empty());
        created.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, userAgent));
        try {
            created.start();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start the HTTP client: " + e.getMessage(), e);
        }
        // After start: Jetty 12.1 fills an empty decoder list from the class path (gzip) when it starts, and then
        // sends Accept-Encoding and decodes. Cleared, it sends no Accept-Encoding and passes bodies through.
        created.getContentDecoderFactories().clear();
        // Also after start, which installs them: the authentication handlers would turn a 401 or 407 without a
        // challenge header into a protocol failure, and answer challenges; a load generator records the status.
        created.getProtocolHandlers().remove(WWWAuthenticationProtocolHandler.NAME);
        created.getProtocolHandlers().remove(ProxyAuthenticationProtocolHandler.NAME);
        this.client = created;
    }

    /**
     * Selector threads: with responses handled on the selector threads, they do the HTTP work, so one per two
     * cores (the rest is left to the publisher, the Kafka producer, GC and the JIT), at least 1 and at most one
     * per connection; the system property {@value #SELECTORS_PROPERTY} overrides it.
     */
    static int selectors(int maxConnections) {
        int fromCores = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        int wanted = Integer.getInteger(SELECTORS_PROPERTY, fromCores);
        return Math.max(1, Math.min(wanted, Math.max(1, maxConnections)));
    }

    /** The started client. */
    public HttpClient client() {
        return client;
    }

    /** Stops the client, closing every connection. */
    @Override
    public void close() {
        try {
            client.stop();
        } catch (Exception ignored) {
            // Stopping closes sockets; a failure there leaves nothing to clean up.
        }
    }
}
