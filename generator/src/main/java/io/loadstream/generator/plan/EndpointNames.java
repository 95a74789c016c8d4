package io.loadstream.generator.plan;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Derives endpoint names, {@code METHOD /path/template}, as DESIGN.md fixes them: the query string is removed
 * and every path segment that is an id becomes {@code {id}}, e.g. {@code GET /api/sns/posts/{id}}.
 *
 * <p>A segment is an id when it is all digits, a UUID, a hex string of 8 or more characters with a digit, or
 * when it interpolates ({@code ${...}}), since its value changes from request to request.
 */
public final class EndpointNames {

    private static final Pattern DIGITS = Pattern.compile("\\d+");
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern HEX_ID = Pattern.compile("(?=.*\\d)[0-9a-fA-F]{8,}");

    private EndpointNames() {
    }

    /**
     * The endpoint name of a request.
     *
     * @param method      HTTP method, any case
     * @param pathAsWritten the path as written in the plan, with {@code ${...}} interpolations unexpanded
     * @return e.g. {@code GET /api/review/campaigns} for {@code /api/review/campaigns?page=${rand:1..5}}
     */
    public static String of(String method, String pathAsWritten) {
        String path = pathAsWritten;
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        int fragment = path.indexOf('#');
        if (fragment >= 0) {
            path = path.substring(0, fragment);
        }
        if (path.isEmpty()) {
            path = "/";
        }
        String[] segments = path.split("/", -1);
        StringBuilder name = new StringBuilder(method.toUpperCase(Locale.ROOT)).append(' ');
        for (int i = 0; i < segments.length; i++) {
            if (i > 0) {
                name.append('/');
            }
            name.append(isId(segments[i]) ? "{id}" : segments[i]);
        }
        String result = name.toString();
        return result.endsWith(" ") ? result + "/" : result;
    }

    private static boolean isId(String segment) {
        if (segment.isEmpty()) {
            return false;
        }
        return segment.contains("${") || DIGITS.matcher(segment).matches() || UUID.matcher(segment).matches()
                || HEX_ID.matcher(segment).matches();
    }
}
