package io.loadstream.cli;

import io.loadstream.reporter.alert.WebhookSettings;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Where alerts go besides the topic and alerts.jsonl, the same for {@code report} and {@code run}. A mixin. */
final class WebhookOptions {

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    @Option(names = "--webhook", paramLabel = "URL",
            description = "POST every alert state change here, Alertmanager webhook format v4. Repeatable.")
    List<String> webhooks = new ArrayList<>();

    @Option(names = "--webhook-secret-env", paramLabel = "NAME",
            description = "Environment variable holding the secret that signs webhook bodies "
                    + "(header X-Loadstream-Signature: sha256=<hex of HMAC-SHA256>).")
    String webhookSecretEnv;

    /**
     * The webhook settings.
     *
     * @param environment reads environment variables
     * @return the default settings with these URLs and secret
     * @throws CommandLine.ParameterException when a URL is not http(s) or the secret's variable is unset
     */
    WebhookSettings settings(Function<String, String> environment) {
        List<URI> urls = new ArrayList<>();
        for (String webhook : webhooks) {
            urls.add(OptionChecks.of(mixee).httpUrl("--webhook", webhook));
        }
        byte[] secret = new byte[0];
        if (webhookSecretEnv != null) {
            String value = environment.apply(webhookSecretEnv);
            if (value == null || value.isEmpty()) {
                throw OptionChecks.of(mixee).invalid("--webhook-secret-env: the environment variable "
                        + webhookSecretEnv + " is not set or empty");
            }
            secret = value.getBytes(StandardCharsets.UTF_8);
        }
        return WebhookSettings.DEFAULT.withUrls(urls).withSecret(secret);
    }
}
