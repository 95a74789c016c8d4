package io.loadstream.generator.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A plan string with its interpolations compiled: literal text, {@code ${env:NAME}} (resolved when the plan is
 * parsed; a secret), {@code ${rand:MIN..MAX}} (a random integer per render) and {@code ${data:column}} (the
 * iteration's data row). Immutable and thread-safe.
 *
 * <p>Values of environment variables are treated as secrets: {@link #display()} shows {@code ${env:NAME}} in
 * their place, and {@link #secrets()} lists them so that a {@link Redactor} can remove them from any text.
 *
 * <p>The plan parser compiles plan text with {@link #compile}; {@code $${} writes a literal {@code ${}.
 */
public final class Template {

    /** What {@code ${env:NAME}} may name: a POSIX shell variable name. */
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** What {@code ${rand:MIN..MAX}} holds: two whole numbers of at most 18 digits, so that each fits a long. */
    private static final Pattern RANDOM_RANGE = Pattern.compile("(-?\\d{1,18})\\.\\.(-?\\d{1,18})");

    /** One piece of a template. */
    public sealed interface Part permits Literal, EnvValue, RandomInt, DataColumn {
    }

    /** Literal text. @param text the text */
    public record Literal(String text) implements Part {
    }

    /** The value of an environment variable, read when the plan was parsed. @param name its name
     *  @param value its value (a secret) */
    public record EnvValue(String name, String value) implements Part {
        @Override
        public String toString() {
            return "EnvValue[name=" + name + ", value=***]";
        }
    }

    /** A uniformly random integer in {@code [min, max]}, drawn at each render. @param min lowest @param max
     *  highest, at least min */
    public record RandomInt(long min, long max) implements Part {
    }

    /** A column of the iteration's data row. @param column the column name */
    public record DataColumn(String column) implements Part {
    }

    /** What a render needs from the request being built. */
    public interface Context {
        /** A uniformly random integer in {@code [min, max]}. */
        long randomBetween(long min, long max);

        /** The value of {@code column} in the iteration's data row. */
        String data(String column);
    }

    private final List<Part> parts;
    private final String constant;

    private Template(List<Part> parts) {
        this.parts = List.copyOf(parts);
        boolean fixed = this.parts.stream().allMatch(p -> p instanceof Literal || p instanceof EnvValue);
        this.constant = fixed ? render(null) : null;
    }

    /** A template of the given parts, in order. */
    public static Template of(List<Part> parts) {
        return new Template(parts);
    }

    /** A template of literal text only. */
    public static Template literal(String text) {
        return new Template(List.of(new Literal(text)));
    }

    /**
     * Compiles plan text: splits it into literal text and interpolations, resolving {@code ${env:NAME}} now and
     * checking {@code ${data:column}} against the data file's columns. Every problem found is given to
     * {@code problems} as a sentence; the text is read to its end unless a {@code ${} is never closed.
     *
     * @param text     the text as written in the plan
     * @param env      the environment that {@code ${env:NAME}} reads
     * @param data     the data file that {@code ${data:column}} reads, or null when there is none
     * @param problems receives one sentence per problem
     * @return the template, or null when the text has a problem
     */
    static Template compile(String text, Map<String, String> env, DataSource data, Consumer<String> problems) {
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        boolean ok = true;
        while (i < text.length()) {
            if (text.startsWith("$${", i)) {
                literal.append("${");
                i += 3;
                continue;
            }
            if (!text.startsWith("${", i)) {
                literal.append(text.charAt(i++));
                continue;
            }
            int end = text.indexOf('}', i);
            if (end < 0) {
                problems.accept("'${' at position " + (i + 1) + " is never closed with '}'; write $${ for a "
                        + "literal ${.");
                return null;
            }
            String expression = text.substring(i + 2, end);
            Part part = interpolation(expression, env, data, problems);
            if (part == null) {
                ok = false;
            } else {
                if (literal.length() > 0) {
                    parts.add(new Literal(literal.toString()));
                    literal.setLength(0);
                }
                parts.add(part);
            }
            i = end + 1;
        }
        if (literal.length() > 0) {
            parts.add(new Literal(literal.toString()));
        }
        return ok ? of(parts) : null;
    }

    private static Part interpolation(String expression, Map<String, String> env, DataSource data,
                                      Consumer<String> problems) {
        int colon = expression.indexOf(':');
        String kind = colon < 0 ? expression : expression.substring(0, colon);
        String argument = colon < 0 ? "" : expression.substring(colon + 1);
        switch (kind) {
            case "env" -> {
                if (!ENV_NAME.matcher(argument).matches()) {
                    problems.accept("'${env:" + argument + "}' does not name an environment variable.");
                    return null;
                }
                String value = env.get(argument);
                if (value == null) {
                    problems.accept("The environment variable " + argument + " is not set; set it (e.g. "
                            + "export " + argument + "=...) or remove ${env:" + argument + "}.");
                    return null;
                }
                return new EnvValue(argument, value);
            }
            case "rand" -> {
                Matcher range = RANDOM_RANGE.matcher(argument.strip());
                if (!range.matches()) {
                    problems.accept("'${rand:" + argument + "}' is not a range; write e.g. ${rand:1..5}.");
                    return null;
                }
                long min = Long.parseLong(range.group(1));
                long max = Long.parseLong(range.group(2));
                if (max < min) {
                    problems.accept("'${rand:" + argument + "}' runs backwards; write the smaller number first.");
                    return null;
                }
                return new RandomInt(min, max);
            }
            case "data" -> {
                if (data == null) {
                    problems.accept("'${data:" + argument + "}' needs a data file; add data: {file: ..., "
                            + "mode: circular} to the plan or the scenario.");
                    return null;
                }
                if (!data.columns().contains(argument)) {
                    problems.accept("The data file " + data.file().getFileName() + " has no column '"
                            + argument + "'; its columns are " + String.join(", ", data.columns()) + ".");
                    return null;
                }
                return new DataColumn(argument);
            }
            default -> {
                problems.accept("'${" + expression + "}' is not an interpolation loadstream knows; use "
                        + "${env:NAME}, ${rand:MIN..MAX} or ${data:column} (write $${ for a literal ${).");
                return null;
            }
        }
    }

    /** The parts, in order. */
    public List<Part> parts() {
        return parts;
    }

    /** Whether every render gives the same text (no random or data parts). */
    public boolean isConstant() {
        return constant != null;
    }

    /**
     * Renders the template.
     *
     * @param context the source of random numbers and data; may be null when {@link #isConstant()}
     * @return the text, with secrets in clear: send it, never log it
     */
    public String render(Context context) {
        if (constant != null) {
            return constant;
        }
        StringBuilder out = new StringBuilder();
        for (Part part : parts) {
            if (part instanceof Literal literal) {
                out.append(literal.text());
            } else if (part instanceof EnvValue env) {
                out.append(env.value());
            } else if (part instanceof RandomInt random) {
                out.append(Objects.requireNonNull(context, "context").randomBetween(random.min(), random.max()));
            } else if (part instanceof DataColumn data) {
                out.append(Objects.requireNonNull(context, "context").data(data.column()));
            }
        }
        return out.toString();
    }

    /** The template as written, with {@code ${env:NAME}} in place of secret values: safe to log or show. */
    public String display() {
        StringBuilder out = new StringBuilder();
        for (Part part : parts) {
            if (part instanceof Literal literal) {
                out.append(literal.text());
            } else if (part instanceof EnvValue env) {
                out.append("${env:").append(env.name()).append('}');
            } else if (part instanceof RandomInt random) {
                out.append("${rand:").append(random.min()).append("..").append(random.max()).append('}');
            } else if (part instanceof DataColumn data) {
                out.append("${data:").append(data.column()).append('}');
            }
        }
        return out.toString();
    }

    /** The secret values this template interpolates (the environment variables' values). */
    public List<String> secrets() {
        List<String> secrets = new ArrayList<>();
        for (Part part : parts) {
            if (part instanceof EnvValue env && !env.value().isEmpty()) {
                secrets.add(env.value());
            }
        }
        return secrets;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Template that && parts.equals(that.parts);
    }

    @Override
    public int hashCode() {
        return parts.hashCode();
    }

    /** The same as {@link #display()}: never the secret values. */
    @Override
    public String toString() {
        return display();
    }
}
