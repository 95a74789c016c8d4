package io.loadstream.generator.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A plan string with its interpolations compiled: literal text, {@code ${env:NAME}} (resolved when the plan is
 * parsed; a secret), {@code ${rand:MIN..MAX}} (a random integer per render) and {@code ${data:column}} (the
 * iteration's data row). Immutable and thread-safe.
 *
 * <p>Values of environment variables are treated as secrets: {@link #display()} shows {@code ${env:NAME}} in
 * their place, and {@link #secrets()} lists them so that a {@link Redactor} can remove them from any text.
 */
public final class Template {

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
