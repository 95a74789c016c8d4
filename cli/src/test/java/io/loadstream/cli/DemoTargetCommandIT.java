package io.loadstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code loadstream demo-target} as a user runs it: the packaged distribution in its own JVM, a stock HTTP client
 * with and without the token, and SIGTERM to stop it.
 */
class DemoTargetCommandIT {

    private static final Pattern LISTENING = Pattern.compile("Demo target listening on (http://127\\.0\\.0\\.1:\\d+)");

    private Process process;

    /** Failsafe runs this against the packaged distribution; a surefire run picked by -Dtest='DemoTarget*' skips. */
    @BeforeEach
    void needsTheDistribution() {
        assumeTrue(System.getProperty("loadstream.dist") != null, "runs under failsafe, with loadstream.dist set");
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void servesTheCatalogueWithTheTokenUntilSigterm() throws Exception {
        // given
        process = new ProcessBuilder(Distribution.command("demo-target", "--port", "0", "--token", "it-token",
                "--seed", "3"))
                .redirectErrorStream(true)
                .start();
        BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        List<String> printed = Distribution.awaitLine(out, "Press Ctrl-C to stop it.");
        Matcher listening = LISTENING.matcher(String.join("\n", printed));
        assertThat(listening.find()).as(String.join("\n", printed)).isTrue();
        URI base = URI.create(listening.group(1));
        assertThat(String.join("\n", printed)).contains("token:     it-token").contains("endpoints: 60");

        // when
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        int withoutToken = get(client, base, "/api/public/home", null);
        int health = get(client, base, "/health", null);
        int withToken = get(client, base, "/api/public/home", "it-token");

        // then
        assertThat(withoutToken).isEqualTo(401);
        assertThat(health).isEqualTo(200);
        assertThat(withToken).isIn(200, 500, 503); // 500 and 503 are the endpoint's injected 0.1 % of errors
        process.toHandle().destroy(); // SIGTERM; unlike Process.destroy(), it leaves our end of stdout open
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exits after SIGTERM").isTrue();
        out.lines().forEach(printed::add);
        assertThat(printed).contains("Stopping the demo target ...", "Demo target stopped after 3 requests.");
    }

    @Test
    void aBadPortExitsWith104() throws Exception {
        process = new ProcessBuilder(Distribution.command("demo-target", "--port", "-1")).start();
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(stderr).startsWith("loadstream: --port must be between 1 and 65535").doesNotContain("\tat ");
    }

    private static int get(HttpClient client, URI base, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
