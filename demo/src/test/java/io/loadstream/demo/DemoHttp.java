package io.loadstream.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A JDK HTTP client for the tests, with bounded timeouts, that measures each request's latency. (Java 17's client
 * has no close(); its threads end when it is unreachable.)
 */
final class DemoHttp {

    /** One answer and how long it took from send to the last byte, nanoseconds. */
    record Answer(int status, String body, HttpResponse<String> response, long latencyNanos) {
        double latencyMs() {
            return latencyNanos / 1_000_000.0;
        }
    }

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final URI base;

    DemoHttp(DemoTarget target) {
        this.base = target.baseUrl();
    }

    /** Sends one request and waits for its answer (at most 60 s). */
    Answer send(String method, String path, String token) throws Exception {
        return sendAsync(method, path, token).get();
    }

    /** Sends one request; the future completes with its answer (or fails after 60 s). */
    CompletableFuture<Answer> sendAsync(String method, String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        boolean hasBody = method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
        request.method(method, hasBody
                ? HttpRequest.BodyPublishers.ofString("{\"text\":\"hi\"}") : HttpRequest.BodyPublishers.noBody());
        if (hasBody) {
            request.header("Content-Type", "application/json");
        }
        long start = System.nanoTime();
        return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> new Answer(r.statusCode(), r.body(), r, System.nanoTime() - start));
    }
}
