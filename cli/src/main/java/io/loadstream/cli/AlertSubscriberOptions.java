package io.loadstream.cli;

import io.loadstream.generator.plan.Durations;
import io.loadstream.reporter.ReporterResult;
import io.loadstream.reporter.alert.AlertmanagerSettings;
import io.loadstream.reporter.alert.EmailReport;
import io.loadstream.reporter.alert.EmailSettings;
import io.loadstream.reporter.alert.WebhookSettings;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The alert subscribers besides webhooks: Alertmanagers that loadstream posts its alerts to, as one of their
 * clients. A mixin, the same for {@code run} and {@code report} (and any command that sends alerts). Credentials
 * come from an environment variable or a file, never from the command line (which {@code ps} shows), and are never
 * printed.
 */
final class AlertSubscriberOptions {

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    @Option(names = "--alertmanager", paramLabel = "URL",
            description = "Post every alert to this Alertmanager (URL/api/v2/alerts), re-send the active ones, and "
                    + "end them when they resolve or the run ends. Repeatable.")
    List<String> alertmanagers = new ArrayList<>();

    @Option(names = "--alertmanager-bearer-token-env", paramLabel = "NAME",
            description = "Environment variable holding a bearer token for the Alertmanagers.")
    String bearerTokenEnv;

    @Option(names = "--alertmanager-bearer-token-file", paramLabel = "FILE",
            description = "File holding a bearer token for the Alertmanagers.")
    Path bearerTokenFile;

    @Option(names = "--alertmanager-basic-auth-env", paramLabel = "NAME",
            description = "Environment variable holding USER:PASSWORD for the Alertmanagers' basic auth.")
    String basicAuthEnv;

    @Option(names = "--alertmanager-basic-auth-file", paramLabel = "FILE",
            description = "File holding USER:PASSWORD for the Alertmanagers' basic auth.")
    Path basicAuthFile;

    @Option(names = "--alertmanager-ca-file", paramLabel = "FILE",
            description = "PEM file of the CA certificates to trust for https Alertmanagers (default: the JDK's "
                    + "trust store).")
    Path caFile;

    @Option(names = "--alertmanager-resend-interval", paramLabel = "SECONDS", defaultValue = "60",
            description = "Re-send active alerts this often (default: ${DEFAULT-VALUE}); keep it below the "
                    + "Alertmanager's resolve_timeout (5 minutes by default).")
    long resendIntervalSeconds;

    @Option(names = "--alert-retry-for", paramLabel = "DURATION", defaultValue = "10m",
            description = "Retry a webhook or Alertmanager that fails (no answer, timeout, 5xx, 408, 429) for this "
                    + "long, with backoff up to 30 s, before its notifications are given up, counted in the report and "
                    + "alerted to the other subscribers (default: ${DEFAULT-VALUE}; e.g. 30s, 1h). At the end of a run "
                    + "the command waits this long at most for a subscriber that is down.")
    String retryFor;

    @Option(names = "--email-to", paramLabel = "ADDR",
            description = "When the run fails a threshold, email the summary with report.html attached to this "
                    + "address (repeatable; needs --smtp-url). SMTP credentials come from LOADSTREAM_SMTP_USER and "
                    + "LOADSTREAM_SMTP_PASSWORD.")
    List<String> emailTo = new ArrayList<>();

    @Option(names = "--smtp-url", paramLabel = "URL",
            description = "The SMTP server: smtp://host:port (STARTTLS when offered) or smtps://host:port.")
    String smtpUrl;

    @Option(names = "--email-from", paramLabel = "ADDR", defaultValue = "loadstream@localhost",
            description = "The sender of the email (default: ${DEFAULT-VALUE}).")
    String emailFrom;

    /** The environment variable holding the SMTP user. */
    static final String SMTP_USER_ENV = "LOADSTREAM_SMTP_USER";
    /** The environment variable holding the SMTP password. */
    static final String SMTP_PASSWORD_ENV = "LOADSTREAM_SMTP_PASSWORD";

    /**
     * The email settings, when {@code --email-to} is given.
     *
     * @param environment reads environment variables (the SMTP credentials)
     * @return the settings, or empty without {@code --email-to}
     * @throws CommandLine.ParameterException when --smtp-url is missing or not smtp(s)://host, or an address has
     *                                        no {@code @}
     */
    Optional<EmailSettings> email(Function<String, String> environment) {
        OptionChecks checks = OptionChecks.of(mixee);
        if (emailTo.isEmpty()) {
            if (smtpUrl != null) {
                throw checks.invalid("--smtp-url needs at least one --email-to");
            }
            return Optional.empty();
        }
        if (smtpUrl == null) {
            throw checks.invalid("--email-to needs --smtp-url smtp://host:port or smtps://host:port");
        }
        for (String address : emailTo) {
            if (address.indexOf('@') <= 0) {
                throw checks.invalid("--email-to '" + address + "' is not an email address");
            }
        }
        Optional<String> user = Optional.ofNullable(environment.apply(SMTP_USER_ENV)).filter(v -> !v.isBlank());
        Optional<String> password = Optional.ofNullable(environment.apply(SMTP_PASSWORD_ENV));
        try {
            return Optional.of(new EmailSettings(emailTo, new URI(smtpUrl), emailFrom, user, password));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw checks.invalid("--smtp-url '" + smtpUrl + "' must be smtp://host:port or smtps://host:port");
        }
    }

    /**
     * Emails the report when the run failed a threshold; a failure to send is printed, and changes no exit code.
     *
     * @param email  the settings, or empty
     * @param runId  the run
     * @param result what the reporter produced
     * @param out    receives a line when the email went out
     * @param err    receives a line when it could not be sent
     */
    static void emailIfFailed(Optional<EmailSettings> email, String runId, ReporterResult result,
                              Consumer<String> out, Consumer<String> err) {
        if (email.isEmpty() || result.exitCode() != ReporterResult.THRESHOLD_FAILED) {
            return;
        }
        long failed = result.thresholds().stream().filter(t -> !t.passed()).count();
        try {
            EmailReport.send(email.get(), "loadstream: run " + runId + " failed " + failed
                    + (failed == 1 ? " threshold" : " thresholds"), result.consoleSummary(), result.htmlReport());
            out.accept("Emailed the report to " + String.join(", ", email.get().to()));
        } catch (IllegalStateException e) {
            err.accept(e.getMessage());
        }
    }

    /**
     * The Alertmanager settings.
     *
     * @param environment reads environment variables
     * @return the default settings with these URLs, credentials, CA file and re-send interval
     * @throws CommandLine.ParameterException when a URL is not http(s), a credential's variable is unset or its
     *                                        file unreadable, more than one credential is given, or the interval
     *                                        is not positive
     */
    AlertmanagerSettings alertmanager(Function<String, String> environment) {
        OptionChecks checks = OptionChecks.of(mixee);
        List<URI> urls = new ArrayList<>();
        for (String text : alertmanagers) {
            urls.add(checks.httpUrl("--alertmanager", text));
        }
        if (resendIntervalSeconds <= 0) {
            throw checks.invalid("--alertmanager-resend-interval must be a positive number of seconds, not "
                    + resendIntervalSeconds);
        }
        int credentials = (bearerTokenEnv != null ? 1 : 0) + (bearerTokenFile != null ? 1 : 0)
                + (basicAuthEnv != null ? 1 : 0) + (basicAuthFile != null ? 1 : 0);
        if (credentials > 1) {
            throw checks.invalid("Give at most one of --alertmanager-bearer-token-env, "
                    + "--alertmanager-bearer-token-file, --alertmanager-basic-auth-env and "
                    + "--alertmanager-basic-auth-file");
        }
        Optional<String> authorization = Optional.empty();
        if (bearerTokenEnv != null) {
            authorization = Optional.of("Bearer " + fromEnv(checks, environment, bearerTokenEnv,
                    "--alertmanager-bearer-token-env"));
        } else if (bearerTokenFile != null) {
            authorization = Optional.of("Bearer " + fromFile(checks, bearerTokenFile,
                    "--alertmanager-bearer-token-file"));
        } else if (basicAuthEnv != null) {
            authorization = Optional.of(basic(checks, fromEnv(checks, environment, basicAuthEnv,
                    "--alertmanager-basic-auth-env"), "--alertmanager-basic-auth-env"));
        } else if (basicAuthFile != null) {
            authorization = Optional.of(basic(checks, fromFile(checks, basicAuthFile,
                    "--alertmanager-basic-auth-file"), "--alertmanager-basic-auth-file"));
        }
        if (caFile != null && !Files.isReadable(caFile)) {
            throw checks.invalid("--alertmanager-ca-file: cannot read " + caFile);
        }
        Duration resend = Duration.ofSeconds(resendIntervalSeconds);
        AlertmanagerSettings defaults = AlertmanagerSettings.DEFAULT;
        return defaults.withUrls(urls).withAuthorization(authorization).withCaFile(Optional.ofNullable(caFile))
                .withTimings(resend, defaults.initialBackoff(), defaults.maxBackoff(), defaults.requestTimeout())
                .withRetryFor(retryFor());
    }

    /**
     * How long a failing subscriber is retried.
     *
     * @return {@code --alert-retry-for}
     * @throws CommandLine.ParameterException when it is not a positive duration
     */
    Duration retryFor() {
        OptionChecks checks = OptionChecks.of(mixee);
        try {
            Duration value = Durations.parse(retryFor);
            if (value.isZero()) {
                throw checks.invalid("--alert-retry-for must be longer than 0, e.g. 10m");
            }
            return value;
        } catch (IllegalArgumentException e) {
            throw checks.invalid("--alert-retry-for: " + e.getMessage());
        }
    }

    /**
     * The webhook settings with this command's retry time.
     *
     * @param webhooks the settings of {@code WebhookOptions}
     * @return a copy retrying for {@link #retryFor()}
     */
    WebhookSettings retrying(WebhookSettings webhooks) {
        return webhooks.withRetryFor(retryFor());
    }

    private static String fromEnv(OptionChecks checks, Function<String, String> environment, String name,
                                  String option) {
        String value = environment.apply(name);
        if (value == null || value.isBlank()) {
            throw checks.invalid(option + ": the environment variable " + name + " is not set or empty");
        }
        return value.strip();
    }

    private static String fromFile(OptionChecks checks, Path file, String option) {
        try {
            String value = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (value.isEmpty()) {
                throw checks.invalid(option + ": the file " + file + " is empty");
            }
            return value;
        } catch (IOException e) {
            throw checks.invalid(option + ": cannot read " + file);
        }
    }

    /** The basic-auth header value; the message never quotes the secret. */
    private static String basic(OptionChecks checks, String userAndPassword, String option) {
        if (userAndPassword.indexOf(':') <= 0) {
            throw checks.invalid(option + ": the value must be USER:PASSWORD");
        }
        return "Basic " + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
    }
}
