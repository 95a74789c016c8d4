package io.loadstream.reporter.alert;

import jakarta.activation.DataHandler;
import jakarta.activation.FileDataSource;
import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.file.Path;
import java.util.Date;
import java.util.Properties;

/**
 * Sends one email with a run's summary in the body and its HTML report attached, through SMTP with Jakarta Mail
 * (Eclipse Angus). The password goes only to the SMTP server; nothing here logs it.
 */
public final class EmailReport {

    /** Time allowed to connect, and for each read and write, in milliseconds. */
    private static final String TIMEOUT_MS = "30000";

    private EmailReport() {
    }

    /**
     * Sends the email.
     *
     * @param settings the recipients and the SMTP server
     * @param subject  the subject, e.g. "loadstream: run weekly-42 failed 2 thresholds"
     * @param body     plain text, e.g. the console summary
     * @param report   the HTML report to attach
     * @throws IllegalStateException when the server refuses or cannot be reached (the message names the server,
     *                               never the password)
     */
    public static void send(EmailSettings settings, String subject, String body, Path report) {
        Properties props = new Properties();
        String protocol = settings.implicitTls() ? "smtps" : "smtp";
        props.put("mail.transport.protocol", protocol);
        props.put("mail." + protocol + ".host", settings.smtpUrl().getHost());
        props.put("mail." + protocol + ".port", Integer.toString(settings.port()));
        props.put("mail." + protocol + ".connectiontimeout", TIMEOUT_MS);
        props.put("mail." + protocol + ".timeout", TIMEOUT_MS);
        props.put("mail." + protocol + ".writetimeout", TIMEOUT_MS);
        // With plain smtp, upgrade to TLS when the server offers it; smtps is TLS from the start.
        props.put("mail.smtp.starttls.enable", "true");
        Authenticator authenticator = null;
        if (settings.user().isPresent()) {
            props.put("mail." + protocol + ".auth", "true");
            String user = settings.user().get();
            String password = settings.password().orElse("");
            authenticator = new Authenticator() {
                @Override
                protected PasswordAuthentication getPasswordAuthentication() {
                    return new PasswordAuthentication(user, password);
                }
            };
        }
        Session session = Session.getInstance(props, authenticator);
        try {
            MimeMessage message = new MimeMessage(session);
            message.setFrom(new InternetAddress(settings.from()));
            for (String to : settings.to()) {
                message.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
            }
            message.setSubject(subject, "UTF-8");
            message.setSentDate(new Date());
            MimeBodyPart text = new MimeBodyPart();
            text.setText(body, "UTF-8");
            MimeBodyPart attachment = new MimeBodyPart();
            attachment.setDataHandler(new DataHandler(new FileDataSource(report.toFile())));
            attachment.setFileName(report.getFileName().toString());
            attachment.setHeader("Content-Type", "text/html; charset=UTF-8");
            message.setContent(new MimeMultipart(text, attachment));
            Transport.send(message);
        } catch (MessagingException e) {
            throw new IllegalStateException("Could not email the report through " + settings.smtpUrl().getHost()
                    + ":" + settings.port() + ": " + e.getMessage(), e);
        }
    }
}
