package io.loadstream.generator.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.generator.plan.Check;
import io.loadstream.generator.plan.Defaults;
import io.loadstream.generator.plan.Location;
import io.loadstream.generator.plan.Step;
import io.loadstream.generator.plan.Template;
import io.loadstream.generator.plan.ThinkTime;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.Test;

/** The engine speaks HTTP/2 when the plan asks for it, and compiled steps carry headers and bodies. */
class Http2Test {

    private static Defaults defaults(boolean http2) {
        return new Defaults(Map.of("X-Plan", Template.literal("yes")), Duration.ofSeconds(5), Duration.ofSeconds(2),
                ThinkTime.NONE, http2, false, 1024);
    }

    @Test
    void http2PlanTalksHttp2ToAnH2cServer() throws Exception {
        try (io.loadstream.generator.TestServerAccess server = io.loadstream.generator.TestServerAccess.h2c();
             HttpEngine engine = new HttpEngine(defaults(true), 4, "loadstream-test")) {
            PreparedStep step = new PreparedStep("s", new Step("GET", Template.literal("/protocol"), Map.of(), null,
                    "GET /protocol", Check.NONE, null, new Location("t", 1, 1)), URI.create(server.url()),
                    defaults(true));

            ContentResponse response = step.newRequest(engine.client(), null).send();

            assertThat(response.getStatus()).isEqualTo(200);
            assertThat(response.getContentAsString()).isEqualTo("HTTP/2.0");
        }
    }

    @Test
    void http1PlanTalksHttp11AndSendsDefaultHeadersAndBody() throws Exception {
        try (io.loadstream.generator.TestServerAccess server = io.loadstream.generator.TestServerAccess.h2c();
             HttpEngine engine = new HttpEngine(defaults(false), 4, "loadstream-test")) {
            PreparedStep step = new PreparedStep("s", new Step("POST", Template.literal("/protocol"),
                    Map.of("Content-Type", Template.literal("application/json")), Template.literal("{\"a\":1}"),
                    "POST /protocol", new Check(Set.of(200), null), null, new Location("t", 1, 1)),
                    URI.create(server.url()), defaults(false));

            var request = step.newRequest(engine.client(), null);
            ContentResponse response = request.send();

            assertThat(response.getContentAsString()).isEqualTo("HTTP/1.1");
            assertThat(request.getHeaders().get("X-Plan")).isEqualTo("yes");
            assertThat(request.getBody().getContentType()).isEqualTo("application/json");
            assertThat(step.bytesSent(request)).isGreaterThan(7 + "POST /protocol HTTP/1.1".length());
        }
    }
}
