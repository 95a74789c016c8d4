package io.loadstream.generator.plan;

import java.time.Duration;
import java.util.Map;

/**
 * Request settings shared by every step, from the plan's {@code defaults}.
 *
 * @param headers         headers sent with every request (a step's own headers win), values may interpolate
 * @param timeout         total time allowed for one request, from send to the last response byte (default 10 s)
 * @param connectTimeout  time allowed to open a connection (default 5 s, at most {@code timeout})
 * @param thinkTime       pause after each step unless the step gives its own (default none)
 * @param http2           whether requests use HTTP/2 ({@code http: "2"}); HTTP/1.1 otherwise
 * @param insecure        whether TLS certificates are accepted unchecked (for test hosts only)
 * @param maxResponseBytes largest response body read for a check, in bytes (default 1 MiB); bodies are
 *                        otherwise discarded unread
 */
public record Defaults(Map<String, Template> headers, Duration timeout, Duration connectTimeout, ThinkTime thinkTime,
                       boolean http2, boolean insecure, int maxResponseBytes) {

    /** Default total timeout of a request. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** Default connect timeout. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Default size limit of a response body read for a check, in bytes. */
    public static final int DEFAULT_MAX_RESPONSE_BYTES = 1 << 20;

    /** Copies the header map, keeping its order. */
    public Defaults {
        headers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(headers));
    }
}
