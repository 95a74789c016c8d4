package io.loadstream.schemas;

/**
 * The record keys of the loadstream topics, as strings (serialize them with Kafka's {@code StringSerde}).
 *
 * <p>Keys start with the run id and use {@code |} as separator. Run ids cannot contain {@code |} (see
 * {@link #validateRunId(String)}), so {@link #runIdOf(String)} can always recover the run id; endpoint and host
 * names may contain anything.
 */
public final class EventKeys {

    /** Separates the parts of a key. Never part of a run id. */
    public static final char SEPARATOR = '|';

    /**
     * The endpoint name of the statistics of all endpoints of a run together ({@code *}), in window and totals keys
     * and in the {@code endpoint} field of {@code EndpointWindow} and {@code EndpointTotals}. A real endpoint name
     * starts with an HTTP method, so it is never {@code *}.
     */
    public static final String ALL_ENDPOINTS = "*";

    /** Longest run id, in characters. */
    public static final int MAX_RUN_ID_LENGTH = 100;

    private EventKeys() {
    }

    /**
     * Checks that {@code runId} is a legal run id: 1 to {@value #MAX_RUN_ID_LENGTH} characters from
     * {@code [A-Za-z0-9._-]}, starting with a letter or digit (the pattern {@code [A-Za-z0-9][A-Za-z0-9._-]{0,99}}).
     *
     * @param runId the run id to check
     * @return {@code runId}, for chaining
     * @throws IllegalArgumentException when {@code runId} is null or does not match, with a message saying why
     */
    public static String validateRunId(String runId) {
        if (runId == null || runId.isEmpty()) {
            throw new IllegalArgumentException("The run id must not be empty");
        }
        if (runId.length() > MAX_RUN_ID_LENGTH) {
            throw new IllegalArgumentException("The run id is " + runId.length() + " characters long; at most "
                    + MAX_RUN_ID_LENGTH + " are allowed");
        }
        if (!isLetterOrDigit(runId.charAt(0))) {
            throw new IllegalArgumentException("The run id '" + runId + "' must start with a letter or a digit");
        }
        for (int i = 1; i < runId.length(); i++) {
            char c = runId.charAt(i);
            if (!isLetterOrDigit(c) && c != '.' && c != '_' && c != '-') {
                throw new IllegalArgumentException("The run id '" + runId + "' has the character '" + c
                        + "' at index " + i + "; only A-Z, a-z, 0-9, '.', '_' and '-' are allowed");
            }
        }
        return runId;
    }

    /**
     * Returns the key of a {@code RequestTiming} or {@code EndpointTotals}: {@code runId|endpoint}.
     *
     * @param runId    a legal run id (see {@link #validateRunId(String)})
     * @param endpoint the endpoint name, e.g. {@code GET /api/sns/posts/{id}}, or {@code *}; not empty
     * @return the key
     * @throws IllegalArgumentException when the run id is illegal or the endpoint empty
     */
    public static String requestKey(String runId, String endpoint) {
        validateRunId(runId);
        requireNonEmpty("endpoint", endpoint);
        return runId + SEPARATOR + endpoint;
    }

    /**
     * Returns the key of an {@code EndpointWindow}: {@code runId|endpoint|windowStartMs}.
     *
     * @param runId         a legal run id (see {@link #validateRunId(String)})
     * @param endpoint      the endpoint name, or {@code *}; not empty
     * @param windowStartMs start of the window, epoch milliseconds; not negative
     * @return the key
     * @throws IllegalArgumentException when the run id is illegal, the endpoint empty or the start negative
     */
    public static String windowKey(String runId, String endpoint, long windowStartMs) {
        validateRunId(runId);
        requireNonEmpty("endpoint", endpoint);
        if (windowStartMs < 0) {
            throw new IllegalArgumentException("The window start must be epoch milliseconds, not negative: "
                    + windowStartMs);
        }
        return runId + SEPARATOR + endpoint + SEPARATOR + windowStartMs;
    }

    /**
     * Returns the key of a {@code SystemSample} or {@code SystemWindow}: {@code runId|host}.
     *
     * @param runId a legal run id (see {@link #validateRunId(String)})
     * @param host  the host name; not empty
     * @return the key
     * @throws IllegalArgumentException when the run id is illegal or the host empty
     */
    public static String hostKey(String runId, String host) {
        validateRunId(runId);
        requireNonEmpty("host", host);
        return runId + SEPARATOR + host;
    }

    /**
     * Returns the key of a {@code RunControl}: the run id itself.
     *
     * @param runId a legal run id (see {@link #validateRunId(String)})
     * @return the key
     * @throws IllegalArgumentException when the run id is illegal
     */
    public static String runKey(String runId) {
        return validateRunId(runId);
    }

    /**
     * Returns the key of an {@code Alert}: {@code runId|fingerprint}, where the fingerprint identifies rule and
     * scope within the run. A compacted alerts topic then holds each rule's current state, per run.
     *
     * @param runId       a legal run id (see {@link #validateRunId(String)})
     * @param fingerprint the alert fingerprint; not empty
     * @return the key
     * @throws IllegalArgumentException when the run id is illegal or the fingerprint empty
     */
    public static String alertKey(String runId, String fingerprint) {
        requireNonEmpty("alert fingerprint", fingerprint);
        return validateRunId(runId) + SEPARATOR + fingerprint;
    }

    /**
     * Returns the run id of any key made by this class: everything before the first {@code |}, or
     * the whole key when it has none.
     *
     * @param key a key made by this class
     * @return the run id
     * @throws IllegalArgumentException when the key is null or does not start with a legal run id
     */
    public static String runIdOf(String key) {
        if (key == null) {
            throw new IllegalArgumentException("The key must not be null");
        }
        int end = key.indexOf(SEPARATOR);
        String runId = end < 0 ? key : key.substring(0, end);
        try {
            return validateRunId(runId);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The key '" + key + "' does not start with a run id: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Tells whether a key made by this class belongs to a run, without validating it: what a consumer that
     * follows one run uses to skip the records of others.
     *
     * @param key   any record key; may be null
     * @param runId the run id
     * @return true when {@code key} is {@code runId} or starts with {@code runId|}
     */
    public static boolean isOfRun(String key, String runId) {
        if (key == null || !key.startsWith(runId)) {
            return false;
        }
        return key.length() == runId.length() || key.charAt(runId.length()) == SEPARATOR;
    }

    private static boolean isLetterOrDigit(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    private static void requireNonEmpty(String what, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("The " + what + " must not be empty");
        }
    }
}
