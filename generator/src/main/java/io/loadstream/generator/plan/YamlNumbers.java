package io.loadstream.generator.plan;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;

/**
 * The numbers of a plan, read from the text that the YAML parser marked as a number. YAML 1.1, which Jackson's
 * YAML parser follows, also calls {@code 0x7fffffff}, {@code 0b101}, {@code 1_000}, {@code .inf} and {@code .nan}
 * numbers: the first three are read exactly here, the last two are refused with a sentence, since neither a count
 * nor a JSON body can carry them. Package-private: only the plan parser uses it.
 */
final class YamlNumbers {

    private YamlNumbers() {
    }

    /**
     * The exact value of a YAML number.
     *
     * @param text the scalar's text, e.g. {@code 42}, {@code -1.5e3}, {@code 0x7fffffff} or {@code 1_000}
     * @return its value, exactly
     * @throws IllegalArgumentException with a sentence (no key, no location) when it has no finite value
     */
    static BigDecimal exact(String text) {
        String digits = text.strip().replace("_", "");
        String lower = digits.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".inf") || lower.endsWith(".nan")) {
            throw new IllegalArgumentException("'" + text + "' is not a finite number (JSON has no infinity or NaN;"
                    + " quote it to send it as text)");
        }
        boolean negative = lower.startsWith("-");
        String unsigned = lower.startsWith("-") || lower.startsWith("+") ? lower.substring(1) : lower;
        try {
            BigDecimal value;
            if (unsigned.startsWith("0x")) {
                value = new BigDecimal(new BigInteger(unsigned.substring(2), 16));
            } else if (unsigned.startsWith("0b")) {
                value = new BigDecimal(new BigInteger(unsigned.substring(2), 2));
            } else if (unsigned.startsWith("0o")) {
                value = new BigDecimal(new BigInteger(unsigned.substring(2), 8));
            } else {
                value = new BigDecimal(unsigned);
            }
            return negative ? value.negate() : value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a number that a plan can use (quote it to send"
                    + " it as text)", e);
        }
    }
}
