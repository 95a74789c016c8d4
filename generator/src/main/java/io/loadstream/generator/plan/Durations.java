package io.loadstream.generator.plan;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations in k6's notation: one or more {@code <number><unit>} terms, units {@code ms}, {@code s}, {@code m}
 * and {@code h}, e.g. {@code 500ms}, {@code 1.5s}, {@code 1m30s}, {@code 2h}.
 */
public final class Durations {

    private static final Pattern TERM = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    /**
     * The longest duration a plan may give: a year, far beyond any soak test, and far from the overflow of a
     * {@code long} of nanoseconds (292 years) that once turned {@code 2562047788015216h} into 29m52s.
     */
    public static final Duration MAX = Duration.ofDays(366);

    private Durations() {
    }

    /**
     * Parses a duration.
     *
     * @param text e.g. {@code 1m30s}
     * @return the duration, rounded down to whole microseconds
     * @throws IllegalArgumentException with a sentence when the text is not a duration
     */
    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("A duration is needed here, e.g. 30s, 1m30s or 500ms");
        }
        String trimmed = text.strip();
        Matcher matcher = TERM.matcher(trimmed);
        int position = 0;
        BigDecimal micros = BigDecimal.ZERO;
        while (position < trimmed.length()) {
            if (!matcher.find(position) || matcher.start() != position) {
                throw new IllegalArgumentException("'" + text + "' is not a duration; write a number with a unit"
                        + " (ms, s, m or h), e.g. 30s, 1m30s or 500ms");
            }
            BigDecimal amount = new BigDecimal(matcher.group(1));
            long unitMicros = switch (matcher.group(2)) {
                case "ms" -> 1_000L;
                case "s" -> 1_000_000L;
                case "m" -> 60_000_000L;
                default -> 3_600_000_000L;
            };
            micros = micros.add(amount.multiply(BigDecimal.valueOf(unitMicros)));
            position = matcher.end();
        }
        if (micros.compareTo(BigDecimal.valueOf(MAX.toNanos() / 1_000L)) > 0) {
            throw new IllegalArgumentException("'" + text + "' is longer than a plan may give (at most "
                    + MAX.toHours() + "h, 366 days)");
        }
        return Duration.ofNanos(micros.longValue() * 1_000L);
    }

    /** Formats a duration the way a plan would write it, e.g. {@code 1m30s} or {@code 250ms}. */
    public static String format(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        long hours = duration.toHours();
        int minutes = duration.toMinutesPart();
        int seconds = duration.toSecondsPart();
        int millis = duration.toMillisPart();
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (minutes > 0) {
            out.append(minutes).append('m');
        }
        if (seconds > 0) {
            out.append(seconds).append('s');
        }
        if (millis > 0) {
            out.append(millis).append("ms");
        }
        return out.toString();
    }
}
