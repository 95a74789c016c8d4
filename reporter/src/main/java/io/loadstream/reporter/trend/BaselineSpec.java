package io.loadstream.reporter.trend;

/**
 * Which runs the latest run is compared with ({@code --baseline}).
 *
 * @param kind  how the runs are chosen
 * @param value the run id for {@link Kind#RUN}, {@code key=value} for {@link Kind#TAG}, empty for {@link Kind#AUTO}
 */
public record BaselineSpec(Kind kind, String value) {

    /** How the baseline runs are chosen. */
    public enum Kind {
        /** The complete runs since the last change point, at most the last {@value TrendAnalysis#MAX_BASELINE}. */
        AUTO,
        /** One run, named by its id (it may be an incomplete run: asked for by name). */
        RUN,
        /** The complete runs tagged {@code key=value}, at most the last {@value TrendAnalysis#MAX_BASELINE}. */
        TAG
    }

    /** The default: {@code auto}. */
    public static final BaselineSpec AUTO = new BaselineSpec(Kind.AUTO, "");

    /**
     * Reads {@code --baseline}.
     *
     * @param text {@code auto}, a run id, or {@code key=value} (run ids cannot contain {@code =})
     * @return the spec
     * @throws IllegalArgumentException when the text is empty or a tag has an empty key
     */
    public static BaselineSpec parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("--baseline must be auto, a run id or key=value");
        }
        if (text.equals("auto")) {
            return AUTO;
        }
        int eq = text.indexOf('=');
        if (eq >= 0) {
            if (eq == 0) {
                throw new IllegalArgumentException("--baseline '" + text + "': a tag needs a key before '='");
            }
            return new BaselineSpec(Kind.TAG, text);
        }
        return new BaselineSpec(Kind.RUN, text);
    }

    /** The tag key of a {@link Kind#TAG} spec. */
    public String tagKey() {
        return value.substring(0, value.indexOf('='));
    }

    /** The tag value of a {@link Kind#TAG} spec. */
    public String tagValue() {
        return value.substring(value.indexOf('=') + 1);
    }

    /** The kind as written in {@code trend_report.json}: {@code auto}, {@code run} or {@code tag}. */
    public String jsonKind() {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
