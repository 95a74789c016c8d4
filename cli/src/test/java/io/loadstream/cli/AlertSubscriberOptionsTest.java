package io.loadstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.reporter.alert.AlertmanagerSettings;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --alertmanager} and its credentials, the same on {@code run} and {@code report}. */
class AlertSubscriberOptionsTest {

    private final InProcessCli cli = new InProcessCli();

    @TempDir
    Path dir;

    private static AlertmanagerSettings parse(Map<String, String> env, String... args) {
        CommandLine.ParseResult parsed = LoadstreamCommand.commandLine().parseArgs(args);
        Object command = parsed.subcommand().commandSpec().userObject();
        AlertSubscriberOptions options = command instanceof RunCommand run ? run.subscribers
                : ((ReportCommand) command).subscribers;
        return options.alertmanager(env::get);
    }

    private int report(Map<String, String> env, String... options) {
        List<String> args = new java.util.ArrayList<>(List.of("report", "--bootstrap", "127.0.0.1:1", "--run-id",
                "r1", "--out", dir.toString()));
        args.addAll(List.of(options));
        return cli.run(commandLine -> ((ReportCommand) commandLine.getSubcommands().get("report").getCommand())
                .environment = env::get, args.toArray(new String[0]));
    }

    @Test
    void repeatedAlertmanagersWithBasicAuthFromTheEnvironmentAndAResendInterval() {
        AlertmanagerSettings settings = parse(Map.of("AM_AUTH", "loadstream:pa55"), "report", "--bootstrap",
                "127.0.0.1:1", "--run-id", "r1", "--out", "o", "--alertmanager", "http://am-1:9093", "--alertmanager",
                "https://am-2.example/", "--alertmanager-basic-auth-env", "AM_AUTH",
                "--alertmanager-resend-interval", "30");

        assertThat(settings.urls()).containsExactly(URI.create("http://am-1:9093"),
                URI.create("https://am-2.example/"));
        assertThat(settings.authorization()).contains("Basic " + Base64.getEncoder()
                .encodeToString("loadstream:pa55".getBytes(StandardCharsets.UTF_8)));
        assertThat(settings.resendInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.toString()).doesNotContain("pa55").doesNotContain(settings.authorization().get());
        assertThat(AlertmanagerSettings.alertsEndpoint(settings.urls().get(1)))
                .isEqualTo(URI.create("https://am-2.example/api/v2/alerts"));
    }

    @Test
    void aBearerTokenFromAFile() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "t0ken\n");

        AlertmanagerSettings settings = parse(Map.of(), "run", "plan.yaml", "--alertmanager", "http://am:9093",
                "--alertmanager-bearer-token-file", token.toString());

        assertThat(settings.authorization()).contains("Bearer t0ken");
        assertThat(settings.resendInterval()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void emailRecipientsWithTheSmtpServerAndTheCredentialsFromTheEnvironment() {
        CommandLine.ParseResult parsed = LoadstreamCommand.commandLine().parseArgs("report", "--bootstrap",
                "127.0.0.1:1", "--run-id", "r1", "--out", "o", "--email-to", "team@example.com", "--email-to",
                "lead@example.com", "--smtp-url", "smtps://mail.example.com:465", "--email-from", "ci@example.com");
        ReportCommand report = (ReportCommand) parsed.subcommand().commandSpec().userObject();

        io.loadstream.reporter.alert.EmailSettings email = report.subscribers.email(Map.of(
                AlertSubscriberOptions.SMTP_USER_ENV, "ci", AlertSubscriberOptions.SMTP_PASSWORD_ENV, "m4il")::get)
                .orElseThrow();

        assertThat(email.to()).containsExactly("team@example.com", "lead@example.com");
        assertThat(email.implicitTls()).isTrue();
        assertThat(email.port()).isEqualTo(465);
        assertThat(email.from()).isEqualTo("ci@example.com");
        assertThat(email.user()).contains("ci");
        assertThat(email.toString()).doesNotContain("m4il");
    }

    @Test
    void badEmailOptionsAreOneSentenceAndExit104() {
        assertThat(report(Map.of(), "--email-to", "team@example.com")).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("--email-to needs --smtp-url");
        assertThat(report(Map.of(), "--email-to", "team", "--smtp-url", "smtp://mail:25"))
                .isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("is not an email address");
        assertThat(report(Map.of(), "--email-to", "t@example.com", "--smtp-url", "http://mail:25"))
                .isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("must be smtp://host:port");
    }

    @Test
    void badAlertmanagerOptionsAreOneSentenceAndExit104WithoutTheSecret() {
        assertThat(report(Map.of(), "--alertmanager", "am:9093")).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("must be an http or https URL").doesNotContain("\tat ");

        assertThat(report(Map.of(), "--alertmanager", "http://am:9093", "--alertmanager-bearer-token-env",
                "NO_SUCH_TOKEN")).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("NO_SUCH_TOKEN is not set");

        assertThat(report(Map.of("AM_AUTH", "no-colon-s3cret"), "--alertmanager", "http://am:9093",
                "--alertmanager-basic-auth-env", "AM_AUTH")).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("USER:PASSWORD").doesNotContain("s3cret");

        assertThat(report(Map.of("T", "x"), "--alertmanager-bearer-token-env", "T",
                "--alertmanager-basic-auth-env", "T")).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("at most one");

        assertThat(report(Map.of(), "--alertmanager-resend-interval", "0")).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("positive");
    }

    @Test
    void alertRetryForSetsHowLongEverySubscriberIsRetriedAndDefaultsToTenMinutes() {
        assertThat(parse(Map.of(), "run", "plan.yaml", "--alertmanager", "http://am:9093").retryFor())
                .isEqualTo(Duration.ofMinutes(10));
        CommandLine.ParseResult parsed = LoadstreamCommand.commandLine().parseArgs("report", "--bootstrap",
                "127.0.0.1:1", "--run-id", "r1", "--out", "o", "--alert-retry-for", "1m30s", "--webhook",
                "http://hooks:8080/x");
        ReportCommand report = (ReportCommand) parsed.subcommand().commandSpec().userObject();

        assertThat(report.subscribers.alertmanager(Map.<String, String>of()::get).retryFor())
                .isEqualTo(Duration.ofSeconds(90));
        assertThat(report.subscribers.retrying(report.webhookOptions.settings(Map.<String, String>of()::get))
                .retryFor()).isEqualTo(Duration.ofSeconds(90));

        assertThat(report(Map.of(), "--alert-retry-for", "soon")).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("--alert-retry-for").contains("not a duration");
        assertThat(report(Map.of(), "--alert-retry-for", "0s")).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("--alert-retry-for must be longer than 0");
    }
}
