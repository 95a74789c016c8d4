package io.loadstream.generator.http;

import io.loadstream.events.ErrorClass;
import io.loadstream.generator.plan.DataSource;
import io.loadstream.generator.plan.Plan;
import io.loadstream.generator.plan.Redactor;
import io.loadstream.generator.plan.Scenario;
import io.loadstream.generator.plan.Step;
import io.loadstream.generator.plan.Template;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.Request;

/**
 * One request to the target before the load starts, so that a run against a server that is down, a wrong host,
 * a certificate it cannot check or a missing token fails at once with a sentence that names the likely cause,
 * instead of filling a report with thousands of identical errors.
 *
 * <p>It sends the plan's first {@code GET} step (the first step of all when no step is a GET, so that a plan of
 * writes is checked too), with the plan's headers, timeouts and TLS settings, through the same
 * {@link HttpEngine} as the load. Random parts take their lowest value and data columns the first row.
 * Any answer other than {@code 401} or {@code 407} passes: a {@code 404} or a {@code 500} may be what the run is
 * about, so it is reported but does not stop the run.
 */
public final class Preflight {

    /** What the preflight found. */
    public record Outcome(boolean passed, String method, URI uri, int status, Duration elapsed, String message) {
    }

    private Preflight() {
    }

    /**
     * Sends the preflight request and waits for its answer, at most the plan's request timeout.
     *
     * @param plan the plan
     * @return whether the load may start, with a one-sentence message either way
     */
    public static Outcome check(Plan plan) {
        Scenario scenario = chooseScenario(plan);
        Step step = chooseStep(scenario);
        PreparedStep prepared = new PreparedStep(scenario.name(), step, plan.target(), plan.defaults());
        try (HttpEngine engine = new HttpEngine(plan.defaults(), 1, "loadstream-preflight")) {
            Request request = prepared.newRequest(engine.client(),
                    new FirstValues(scenario.data() != null ? scenario.data() : plan.data()));
            URI uri = request.getURI();
            long started = System.nanoTime();
            try {
                // The request carries the plan's total timeout, so send() returns within it.
                ContentResponse response = request.send();
                Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
                return answered(prepared.method(), uri, response.getStatus(), elapsed, plan);
            } catch (ExecutionException e) {
                return failed(prepared.method(), uri, e.getCause(), Duration.ofNanos(System.nanoTime() - started),
                        plan);
            } catch (TimeoutException e) {
                return failed(prepared.method(), uri, e, Duration.ofNanos(System.nanoTime() - started), plan);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(false, step.method(), plan.target(), 0, Duration.ZERO,
                    "Interrupted during the preflight request");
        }
    }

    /** The first scenario with a GET step, or the first scenario when none has one. */
    static Scenario chooseScenario(Plan plan) {
        return plan.scenarios().stream().filter(s -> s.steps().stream().anyMatch(Preflight::isGet)).findFirst()
                .orElse(plan.scenarios().get(0));
    }

    /** The scenario's first GET step, or its first step when it has no GET. */
    static Step chooseStep(Scenario scenario) {
        return scenario.steps().stream().filter(Preflight::isGet).findFirst().orElse(scenario.steps().get(0));
    }

    private static boolean isGet(Step step) {
        return "GET".equalsIgnoreCase(step.method());
    }

    private static Outcome answered(String method, URI uri, int status, Duration elapsed, Plan plan) {
        String what = method + " " + shown(uri, plan);
        if (status == 401 || status == 407) {
            boolean sendsAuth = plan.defaults().headers().keySet().stream()
                    .anyMatch(h -> h.equalsIgnoreCase(status == 401 ? "Authorization" : "Proxy-Authorization"))
                    || plan.scenarios().stream().flatMap(s -> s.steps().stream())
                    .flatMap(s -> s.headers().keySet().stream())
                    .anyMatch(h -> h.equalsIgnoreCase("Authorization"));
            String cause = sendsAuth
                    ? "the server refused the credentials: check the token and its format (\"Authorization: "
                            + "Bearer <token>\"), and that the environment variable the plan reads holds a valid one"
                    : "the plan sends no Authorization header: add one under defaults.headers, e.g. "
                            + "{Authorization: \"Bearer ${env:API_TOKEN}\"}";
            return new Outcome(false, method, uri, status, elapsed, "Preflight: " + what + " answered " + status
                    + " Unauthorized; " + cause + ". (--no-preflight skips this check.)");
        }
        String note = status >= 400 ? "; the load starts anyway, but check the plan's target and paths" : "";
        return new Outcome(true, method, uri, status, elapsed, String.format(Locale.ROOT,
                "Preflight: %s answered %d in %.0f ms%s", what, status, elapsed.toNanos() / 1e6, note));
    }

    /** The URI as the console may show it: a secret the plan reads ({@code ${env:...}}) in it is masked. */
    private static String shown(URI uri, Plan plan) {
        return Redactor.forPlan(plan).redact(uri.toString());
    }

    private static Outcome failed(String method, URI uri, Throwable failure, Duration elapsed, Plan plan) {
        return new Outcome(false, method, uri, 0, elapsed, "Preflight: " + method + " " + shown(uri, plan) + " failed: "
                + explain(failure, uri, plan) + " (--no-preflight skips this check.)");
    }

    /**
     * The likely cause of a failed preflight request, as one sentence for the user.
     *
     * @param failure what the request failed with
     * @param uri     the request's URI
     * @param plan    the plan, for its timeouts
     * @return the explanation
     */
    public static String explain(Throwable failure, URI uri, Plan plan) {
        String address = uri.getHost() + ":" + port(uri);
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof UnknownHostException || cause instanceof UnresolvedAddressException) {
                return "the host '" + uri.getHost() + "' is unknown; check the plan's target for a typo, and that "
                        + "this machine can resolve the name (DNS, /etc/hosts).";
            }
            if (cause instanceof ConnectException) {
                return "the connection to " + address + " was refused: is the server running and listening on "
                        + "that port? (For the demo target: './loadstream demo-target', or 'run --demo-target'.)";
            }
            if (cause instanceof SocketTimeoutException
                    && String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT).contains("connect")) {
                return "connecting to " + address + " timed out after " + plan.defaults().connectTimeout()
                        .toMillis() + " ms: a wrong address, or a firewall dropping the packets?";
            }
        }
        ErrorClass kind = ErrorClassifier.classify(failure);
        String detail = rootMessage(failure);
        return switch (kind) {
            case TLS -> "the TLS handshake with " + address + " failed (" + detail + "): a self-signed or expired "
                    + "certificate, a host name that is not in it, or https:// against a plain-HTTP port? For a "
                    + "test server, 'insecure: true' under defaults skips the check.";
            case TIMEOUT -> "no answer within the plan's timeout of " + plan.defaults().timeout().toMillis()
                    + " ms: is the server overloaded or stuck? (defaults.timeout sets the limit.)";
            case CONNECT -> "cannot connect to " + address + " (" + detail + ").";
            case RESET -> "the server closed the connection without an answer (" + detail + "): http:// against "
                    + "an HTTPS port, or a proxy in the way?";
            default -> detail + ".";
        };
    }

    private static int port(URI uri) {
        if (uri.getPort() > 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    /** Interpolation for the one request: the lowest random value, the first data row. */
    private static final class FirstValues implements Template.Context {
        private final List<String> columns;
        private final List<String> row;

        FirstValues(DataSource data) {
            this.columns = data == null ? List.of() : data.columns();
            this.row = data == null || data.rows().isEmpty() ? List.of() : data.rows().get(0);
        }

        @Override
        public long randomBetween(long min, long max) {
            return min;
        }

        @Override
        public String data(String column) {
            int index = columns.indexOf(column);
            return index < 0 || index >= row.size() ? "" : row.get(index);
        }
    }
}
