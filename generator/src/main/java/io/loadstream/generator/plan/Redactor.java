package io.loadstream.generator.plan;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Removes secrets from text before it leaves the generator (events, logs, reports, error messages): every
 * value interpolated from the environment, and every value of an {@code Authorization} or other credential
 * header. Immutable and thread-safe.
 */
public final class Redactor {

    /** What replaces a secret. */
    public static final String MASK = "***";

    /** Redacts nothing. */
    public static final Redactor NONE = new Redactor(List.of());

    private final List<String> secrets;

    /**
     * A redactor for the given secret values. Values shorter than 4 characters are ignored, because replacing
     * them everywhere would mangle ordinary text more than it would protect.
     *
     * @param secrets the secret values
     */
    public Redactor(Collection<String> secrets) {
        List<String> kept = new ArrayList<>();
        for (String secret : secrets) {
            if (secret != null && secret.length() >= 4 && !kept.contains(secret)) {
                kept.add(secret);
            }
        }
        // Longest first, so that a secret containing another is masked whole.
        kept.sort(Comparator.comparingInt(String::length).reversed());
        this.secrets = List.copyOf(kept);
    }

    /** A redactor for every secret in the plan: env values and credential header values. */
    public static Redactor forPlan(Plan plan) {
        List<String> secrets = new ArrayList<>();
        collect(plan.defaults().headers(), secrets);
        for (Scenario scenario : plan.scenarios()) {
            for (Step step : scenario.steps()) {
                secrets.addAll(step.path().secrets());
                collect(step.headers(), secrets);
                if (step.body() != null) {
                    secrets.addAll(step.body().secrets());
                }
            }
        }
        // A secret in a path or query is sent percent-encoded, and a URI shows it so.
        List<String> encoded = secrets.stream()
                .map(secret -> java.net.URLEncoder.encode(secret, java.nio.charset.StandardCharsets.UTF_8))
                .toList();
        secrets.addAll(encoded);
        return new Redactor(secrets);
    }

    private static void collect(java.util.Map<String, Template> headers, List<String> secrets) {
        headers.forEach((name, value) -> {
            secrets.addAll(value.secrets());
            if (isCredentialHeader(name) && value.isConstant()) {
                String clear = value.render(null);
                secrets.add(clear);
                // "Bearer abc": the token alone may show up too.
                int space = clear.indexOf(' ');
                if (space > 0) {
                    secrets.add(clear.substring(space + 1));
                }
            }
        });
    }

    /** Whether a header carries credentials: Authorization, Proxy-Authorization, Cookie, or an API-key style. */
    public static boolean isCredentialHeader(String name) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        return lower.equals("authorization") || lower.equals("proxy-authorization") || lower.equals("cookie")
                || lower.contains("api-key") || lower.contains("apikey") || lower.contains("token");
    }

    /** The text with every secret replaced by {@value #MASK}; null stays null. */
    public String redact(String text) {
        if (text == null || secrets.isEmpty()) {
            return text;
        }
        String out = text;
        for (String secret : secrets) {
            if (out.contains(secret)) {
                out = out.replace(secret, MASK);
            }
        }
        return out;
    }
}
