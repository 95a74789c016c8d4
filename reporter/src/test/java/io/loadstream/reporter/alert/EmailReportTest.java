package io.loadstream.reporter.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The report by email, through a real SMTP server (GreenMail) on 127.0.0.1 that requires authentication. */
class EmailReportTest {

    private static final String PASSWORD = "sm7p-s3cret";

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("loadstream", PASSWORD));

    private EmailSettings settings(String password) {
        return new EmailSettings(List.of("team@example.com", "lead@example.com"),
                URI.create("smtp://127.0.0.1:" + SMTP.getSmtp().getPort()), "loadstream@example.com",
                Optional.of("loadstream"), Optional.of(password));
    }

    @Test
    void oneEmailWithTheSummaryInTheBodyAndTheReportAttachedAndNoSecret(@TempDir Path dir) throws Exception {
        Path report = Files.writeString(dir.resolve("report.html"), "<html><body>p95 1240 ms</body></html>");

        EmailReport.send(settings(PASSWORD), "loadstream: run weekly-42 failed 1 threshold",
                "Thresholds: http_req_duration p(95)<900 FAILED (observed 1240.5)", report);

        MimeMessage[] received = SMTP.getReceivedMessages();
        assertThat(received).as("one message per recipient, one email").hasSize(2);
        MimeMessage message = received[0];
        assertThat(message.getSubject()).isEqualTo("loadstream: run weekly-42 failed 1 threshold");
        assertThat(Arrays.stream(message.getAllRecipients()).map(Address::toString))
                .containsExactly("team@example.com", "lead@example.com");
        assertThat(message.getFrom()[0].toString()).isEqualTo("loadstream@example.com");
        Multipart parts = (Multipart) message.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        assertThat(GreenMailUtil.getBody(parts.getBodyPart(0))).contains("p(95)<900 FAILED (observed 1240.5)");
        BodyPart attachment = parts.getBodyPart(1);
        assertThat(attachment.getFileName()).isEqualTo("report.html");
        assertThat(attachment.getContentType()).startsWith("text/html");
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        attachment.getDataHandler().writeTo(content);
        assertThat(content.toString(StandardCharsets.UTF_8)).isEqualTo(Files.readString(report));
        assertThat(GreenMailUtil.getWholeMessage(message)).doesNotContain(PASSWORD);
    }

    @Test
    void aRefusedLoginIsOneSentenceWithoutThePassword(@TempDir Path dir) throws Exception {
        Path report = Files.writeString(dir.resolve("report.html"), "<html></html>");

        assertThatThrownBy(() -> EmailReport.send(settings("wrong-pa55word"), "s", "b", report))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Could not email the report through 127.0.0.1")
                .hasMessageNotContaining("wrong-pa55word");
        assertThat(SMTP.getReceivedMessages()).isEmpty();
        assertThat(settings(PASSWORD).toString()).doesNotContain(PASSWORD);
    }
}
