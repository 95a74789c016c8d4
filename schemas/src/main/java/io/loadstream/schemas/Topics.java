package io.loadstream.schemas;

import java.util.List;

/**
 * The names of the loadstream topics. Immutable; {@link #DEFAULT} holds the documented defaults and
 * {@link #withPrefix(String)} derives another set, so that several installations can share one cluster.
 *
 * @param requests      {@code RequestTiming} values, keyed by {@link EventKeys#requestKey(String, String)}
 * @param system        {@code SystemSample} values, keyed by {@link EventKeys#hostKey(String, String)}
 * @param control       {@code RunControl} values, keyed by {@link EventKeys#runKey(String)}
 * @param windows       {@code EndpointWindow} values, keyed by {@link EventKeys#windowKey(String, String, long)}
 * @param totals        {@code EndpointTotals} values, keyed by {@link EventKeys#requestKey(String, String)}
 * @param alerts        {@code Alert} values, keyed by {@link EventKeys#alertKey(String, String)}
 * @param systemWindows {@code SystemWindow} values, keyed by {@link EventKeys#hostKey(String, String)}
 * @param dlq           records that could not be decoded or processed, with their original key and value
 */
public record Topics(String requests, String system, String control, String windows, String totals, String alerts,
                     String systemWindows, String dlq) {

    /** The prefix of the default topic names. */
    public static final String DEFAULT_PREFIX = "loadstream";

    /** Longest legal Kafka topic name, in characters. */
    public static final int MAX_TOPIC_LENGTH = 249;

    private static final String LONGEST_SUFFIX = ".system-windows";

    /** The default names: {@code loadstream.requests}, {@code loadstream.system} and so on. */
    public static final Topics DEFAULT = withPrefix(DEFAULT_PREFIX);

    /**
     * Checks every name.
     *
     * @throws IllegalArgumentException when a name is null, empty, {@code .} or {@code ..}, longer than
     *                                  {@value #MAX_TOPIC_LENGTH} characters, or has a character outside
     *                                  {@code [a-zA-Z0-9._-]}
     */
    public Topics {
        requireTopicName("requests", requests);
        requireTopicName("system", system);
        requireTopicName("control", control);
        requireTopicName("windows", windows);
        requireTopicName("totals", totals);
        requireTopicName("alerts", alerts);
        requireTopicName("systemWindows", systemWindows);
        requireTopicName("dlq", dlq);
    }

    /**
     * Returns the topic names with {@code prefix} in place of {@code loadstream}, e.g. {@code perf.requests} for
     * the prefix {@code perf}.
     *
     * @param prefix 1 to {@value #MAX_TOPIC_LENGTH} minus 15 characters from {@code [a-zA-Z0-9._-]}
     * @return the topic names
     * @throws IllegalArgumentException when the prefix is null, empty, too long or has an illegal character
     */
    public static Topics withPrefix(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            throw new IllegalArgumentException("The topic prefix must not be empty");
        }
        int maxPrefixLength = MAX_TOPIC_LENGTH - LONGEST_SUFFIX.length();
        if (prefix.length() > maxPrefixLength) {
            throw new IllegalArgumentException("The topic prefix is " + prefix.length() + " characters long; at most "
                    + maxPrefixLength + " are allowed, so that every topic name stays within " + MAX_TOPIC_LENGTH);
        }
        int illegal = firstIllegalChar(prefix);
        if (illegal >= 0) {
            throw new IllegalArgumentException("The topic prefix '" + prefix + "' has the character '"
                    + prefix.charAt(illegal) + "' at index " + illegal + "; only a-z, A-Z, 0-9, '.', '_' and '-' "
                    + "are legal in Kafka topic names");
        }
        return new Topics(prefix + ".requests", prefix + ".system", prefix + ".control", prefix + ".windows",
                prefix + ".totals", prefix + ".alerts", prefix + LONGEST_SUFFIX, prefix + ".dlq");
    }

    /**
     * Returns every topic name, in declaration order, e.g. to create them.
     *
     * @return an immutable list of the eight names
     */
    public List<String> all() {
        return List.of(requests, system, control, windows, totals, alerts, systemWindows, dlq);
    }

    /**
     * The compacted topic of archived runs, keyed by plan name and run id ({@code loadstream.runs} by default): the
     * requests topic's prefix followed by {@code .runs}. It is not in {@link #all()}, because only the reporter
     * (which creates it, compacted) and {@code trend} use it.
     *
     * @return e.g. {@code loadstream.runs}, or {@code perf.runs} for the prefix {@code perf}
     */
    public String runs() {
        String suffix = ".requests";
        return requests.endsWith(suffix) && requests.length() > suffix.length()
                ? requests.substring(0, requests.length() - suffix.length()) + ".runs"
                : requests + "-runs";
    }

    private static void requireTopicName(String role, String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("The " + role + " topic name must not be empty");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("The " + role + " topic name must not be '" + name + "'");
        }
        if (name.length() > MAX_TOPIC_LENGTH) {
            throw new IllegalArgumentException("The " + role + " topic name is " + name.length()
                    + " characters long; Kafka allows at most " + MAX_TOPIC_LENGTH);
        }
        int illegal = firstIllegalChar(name);
        if (illegal >= 0) {
            throw new IllegalArgumentException("The " + role + " topic name '" + name + "' has the character '"
                    + name.charAt(illegal) + "' at index " + illegal + "; only a-z, A-Z, 0-9, '.', '_' and '-' "
                    + "are legal in Kafka topic names");
        }
    }

    private static int firstIllegalChar(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean legal = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!legal) {
                return i;
            }
        }
        return -1;
    }
}
