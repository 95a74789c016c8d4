package io.loadstream.reporter.threshold;

/**
 * What part of the run a threshold looks at: everything, one endpoint, or the endpoints of one scenario.
 *
 * @param kind  which
 * @param value the endpoint or scenario name; empty for {@link Kind#ALL}
 */
public record Scope(Kind kind, String value) {

    /** The whole run. */
    public static final Scope ALL = new Scope(Kind.ALL, "");

    /** Scope kinds; the tag names of the plan's {@code metric{tag:value}} filter. */
    public enum Kind {
        /** No filter. */
        ALL,
        /** {@code {endpoint:NAME}}: one endpoint. */
        ENDPOINT,
        /** {@code {scenario:NAME}}: the endpoints that the scenario's steps call. */
        SCENARIO
    }

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException when a filter has no value, or {@code ALL} has one
     */
    public Scope {
        if (kind == null || value == null) {
            throw new IllegalArgumentException("A scope needs a kind and a value");
        }
        if ((kind == Kind.ALL) != value.isEmpty()) {
            throw new IllegalArgumentException("Only the scope ALL has an empty value");
        }
    }

    /** As the report shows it: {@code all}, {@code endpoint:GET /x} or {@code scenario:browse}. */
    public String text() {
        return kind == Kind.ALL ? "all" : kind.name().toLowerCase(java.util.Locale.ROOT) + ":" + value;
    }
}
