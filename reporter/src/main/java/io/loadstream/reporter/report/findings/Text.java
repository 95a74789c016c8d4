package io.loadstream.reporter.report.findings;

import java.util.Locale;

/** How findings write their figures: the same format in every sentence. */
public final class Text {

    private Text() {
    }

    /**
     * A count with thousands separators.
     *
     * @param value the count
     * @return e.g. {@code 1,234}
     */
    public static String count(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    /**
     * Milliseconds: whole from 100 ms, one decimal below.
     *
     * @param value milliseconds
     * @return e.g. {@code 1,240 ms} or {@code 8.5 ms}
     */
    public static String ms(double value) {
        return value >= 100 ? String.format(Locale.ROOT, "%,d ms", Math.round(value))
                : String.format(Locale.ROOT, "%.1f ms", value);
    }

    /**
     * A fraction as a percentage with two decimals.
     *
     * @param fraction 0 to 1
     * @return e.g. {@code 2.51%}
     */
    public static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.2f%%", fraction * 100);
    }

    /**
     * A number: whole when it is, else one decimal.
     *
     * @param value the number
     * @return e.g. {@code 40} or {@code 3.5}
     */
    public static String number(double value) {
        return value == Math.rint(value) ? String.format(Locale.ROOT, "%d", (long) value)
                : String.format(Locale.ROOT, "%.1f", value);
    }

    /**
     * A plural: {@code 1 request}, {@code 2 requests}.
     *
     * @param value the count
     * @param noun  the singular noun; the plural adds an s
     * @return the count and the noun
     */
    public static String plural(long value, String noun) {
        return count(value) + " " + noun + (value == 1 ? "" : "s");
    }
}
