package io.loadstream.generator.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.generator.plan.Check;
import io.loadstream.generator.plan.Defaults;
import io.loadstream.generator.plan.Location;
import io.loadstream.generator.plan.Step;
import io.loadstream.generator.plan.Template;
import io.loadstream.generator.plan.ThinkTime;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the engine puts on the wire, as a real Jetty server on 127.0.0.1 receives it: the Host header (set by
 * {@link PreparedStep} so that Jetty need not build a URI per request) and no {@code Accept-Encoding}, with a
 * compressed response passed through undecoded.
 */
class HttpEngineWireTest {

    private static final String TEXT = "hello, compressed world; hello, compressed world";

    private final BlockingQueue<HttpFields> received = new LinkedBlockingQueue<>();
    private Server server;
    private ServerConnector connector;
    private byte[] gzipped;

    @BeforeEach
    void startServer() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(TEXT.getBytes(StandardCharsets.UTF_8));
        }
        gzipped = bytes.toByteArray();
        server = new Server();
        connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                received.add(request.getHeaders().asImmutable());
                response.setStatus(200);
                // Compressed whatever the request asked: a client that decodes would see TEXT.
                response.getHeaders().put(HttpHeader.CONTENT_ENCODING, "gzip");
                response.write(true, ByteBuffer.wrap(gzipped), callback);
                return true;
            }
        });
        server.start();
    }

    @AfterEach
    void stopServer() throws Exception {
        server.stop();
    }

    private String authority() {
        return "127.0.0.1:" + connector.getLocalPort();
    }

    private static Defaults defaults() {
        return new Defaults(Map.of(), Duration.ofSeconds(5), Duration.ofSeconds(2), ThinkTime.NONE, false, false,
                1024);
    }

    private static Step get(Template path, Map<String, Template> headers) {
        return new Step("GET", path, headers, null, "GET /x", Check.NONE, null, new Location("t", 1, 1));
    }

    private HttpFields send(HttpEngine engine, Step step) throws Exception {
        PreparedStep prepared = new PreparedStep("s", step, URI.create("http://" + authority()), defaults());
        ContentResponse response = prepared.newRequest(engine.client(), new FixedContext()).send();
        assertThat(response.getStatus()).isEqualTo(200);
        // Not decoded: the bytes the server sent.
        assertThat(response.getContent()).isEqualTo(gzipped);
        HttpFields fields = received.poll(5, TimeUnit.SECONDS);
        assertThat(fields).as("the server received the request").isNotNull();
        return fields;
    }

    @Test
    void hostHeaderIsTheTargetsAuthorityAndNoAcceptEncodingIsSent() throws Exception {
        try (HttpEngine engine = new HttpEngine(defaults(), 2, "loadstream-test")) {
            HttpFields constant = send(engine, get(Template.literal("/a?b=1"), Map.of()));
            HttpFields templated = send(engine, get(Template.of(List.of(new Template.Literal("/item/"),
                    new Template.RandomInt(1, 9))), Map.of()));

            for (HttpFields fields : List.of(constant, templated)) {
                assertThat(fields.getValuesList(HttpHeader.HOST)).containsExactly(authority());
                assertThat(fields.get(HttpHeader.ACCEPT_ENCODING)).isNull();
                assertThat(fields.get(HttpHeader.USER_AGENT)).isEqualTo("loadstream-test");
            }
        }
    }

    @Test
    void aHostHeaderInThePlanWins() throws Exception {
        try (HttpEngine engine = new HttpEngine(defaults(), 2, "loadstream-test")) {
            HttpFields fields = send(engine, get(Template.literal("/a"), Map.of("Host",
                    Template.literal("service.example"))));

            assertThat(fields.getValuesList(HttpHeader.HOST)).containsExactly("service.example");
        }
    }

    /** Renders {@code ${rand:..}} as its lowest value. */
    private static final class FixedContext implements Template.Context {
        @Override
        public long randomBetween(long min, long max) {
            return min;
        }

        @Override
        public String data(String column) {
            return "";
        }
    }
}
