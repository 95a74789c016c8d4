package io.loadstream.demo;

import java.util.Locale;
import java.util.Set;

/**
 * One endpoint of the demo target's catalogue.
 *
 * @param method    the HTTP method, upper case
 * @param path      the path template, e.g. {@code /api/review/campaigns/{id}}; an {@code {id}} segment matches a
 *                  numeric id (one or more digits)
 * @param service   the service it belongs to
 * @param latency   its service time profile
 * @param errorRate the probability, 0 to 1, that a request fails with 500 or 503
 */
public record DemoEndpoint(String method, String path, DemoService service, LatencyProfile latency,
        double errorRate) {

    /** The segment of a path template that matches a numeric id. */
    public static final String ID = "{id}";

    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");

    /** Checks the method, the template and the error rate. */
    public DemoEndpoint {
        method = method.toUpperCase(Locale.ROOT);
        if (!METHODS.contains(method)) {
            throw new IllegalArgumentException("Unknown HTTP method '" + method + "'.");
        }
        if (!path.startsWith("/") || path.contains("?") || path.contains("//")) {
            throw new IllegalArgumentException("A path template starts with / and has no query: '" + path + "'.");
        }
        if (!(errorRate >= 0 && errorRate <= 1)) {
            throw new IllegalArgumentException("The error rate must be between 0 and 1, not " + errorRate + ".");
        }
    }

    /** The endpoint's name as loadstream reports it, e.g. {@code GET /api/review/campaigns/{id}}. */
    public String name() {
        return method + " " + path;
    }

    /**
     * Whether a request path (without its query string) matches this template: the same literal segments, and
     * digits where the template has {@value #ID}.
     */
    public boolean matchesPath(String requestPath) {
        String[] template = path.split("/", -1);
        String[] actual = requestPath.split("/", -1);
        if (template.length != actual.length) {
            return false;
        }
        for (int i = 0; i < template.length; i++) {
            if (template[i].equals(ID)) {
                if (actual[i].isEmpty() || !actual[i].chars().allMatch(c -> c >= '0' && c <= '9')) {
                    return false;
                }
            } else if (!template[i].equals(actual[i])) {
                return false;
            }
        }
        return true;
    }
}
