package io.loadstream.demo;

import java.util.concurrent.ThreadLocalRandom;

/**
 * How to start a {@link DemoTarget}: where it listens, the Bearer token it requires, the size of its worker pool
 * and the seed of its random latencies and errors. Immutable; change one value with the {@code with...} methods.
 *
 * @param host    the interface to listen on, e.g. {@code 127.0.0.1}
 * @param port    the TCP port, 0 to 65535; 0 picks a free one ({@link DemoTarget#port()} tells which)
 * @param token   the Bearer token every request except {@code /health} must carry; not blank
 * @param workers how many requests are served at once, 1 to {@value #MAX_WORKERS}; the others wait in a queue
 * @param seed    the seed of the random service times and errors: the same seed gives each endpoint the same
 *                sequence of service times and errors
 */
public record DemoTargetOptions(String host, int port, String token, int workers, long seed) {

    /** The default interface: loopback only. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The default port, the one the examples use. */
    public static final int DEFAULT_PORT = 8088;
    /**
     * The default worker pool. With the softfactory mix (about 0.2 s of service per request, one request per
     * VU per 1.2 s) it puts the capacity knee near the top of the reference's 100-VU ramp, where the reference
     * measured 60-80 requests per second.
     */
    public static final int DEFAULT_WORKERS = 20;
    /** The largest worker pool. */
    public static final int MAX_WORKERS = 10_000;

    /** Checks every value; a bad one fails with an {@link IllegalArgumentException} that names it. */
    public DemoTargetOptions {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("The host must not be blank.");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("The port must be between 1 and 65535 (or 0 for a free one), not "
                    + port + ".");
        }
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("The token must not be blank.");
        }
        if (token.chars().anyMatch(c -> c <= ' ' || c >= 127)) {
            throw new IllegalArgumentException("The token must be printable ASCII without spaces.");
        }
        if (workers < 1 || workers > MAX_WORKERS) {
            throw new IllegalArgumentException("The worker pool must have between 1 and " + MAX_WORKERS
                    + " workers, not " + workers + ".");
        }
    }

    /**
     * The defaults: {@value #DEFAULT_HOST}, port {@value #DEFAULT_PORT}, the token {@value DemoTarget#DEFAULT_TOKEN},
     * {@value #DEFAULT_WORKERS} workers and a random seed.
     */
    public static DemoTargetOptions defaults() {
        return new DemoTargetOptions(DEFAULT_HOST, DEFAULT_PORT, DemoTarget.DEFAULT_TOKEN, DEFAULT_WORKERS,
                ThreadLocalRandom.current().nextLong());
    }

    /** The same options on another interface. */
    public DemoTargetOptions withHost(String h) {
        return new DemoTargetOptions(h, port, token, workers, seed);
    }

    /** The same options on another port (0 = a free one). */
    public DemoTargetOptions withPort(int p) {
        return new DemoTargetOptions(host, p, token, workers, seed);
    }

    /** The same options with another Bearer token. */
    public DemoTargetOptions withToken(String t) {
        return new DemoTargetOptions(host, port, t, workers, seed);
    }

    /** The same options with another worker pool size. */
    public DemoTargetOptions withWorkers(int w) {
        return new DemoTargetOptions(host, port, token, w, seed);
    }

    /** The same options with another seed. */
    public DemoTargetOptions withSeed(long s) {
        return new DemoTargetOptions(host, port, token, workers, s);
    }
}
