package io.loadstream.reporter.alert;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the report goes by email when a run fails a threshold. Immutable.
 *
 * @param to       the recipients, at least one
 * @param smtpUrl  {@code smtp://host:port} (STARTTLS when the server offers it) or {@code smtps://host:port} (TLS
 *                 from the start)
 * @param from     the sender address
 * @param user     the SMTP user, or empty for no authentication
 * @param password the SMTP password (with a user); never logged nor shown by {@link #toString()}
 */
public record EmailSettings(List<String> to, URI smtpUrl, String from, Optional<String> user,
                            Optional<String> password) {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException when there is no recipient, or the URL is not smtp(s)://host:port
     */
    public EmailSettings {
        to = List.copyOf(to);
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        if (to.isEmpty()) {
            throw new IllegalArgumentException("An email needs at least one recipient");
        }
        String scheme = smtpUrl.getScheme();
        if (!"smtp".equalsIgnoreCase(scheme) && !"smtps".equalsIgnoreCase(scheme) || smtpUrl.getHost() == null) {
            throw new IllegalArgumentException("The SMTP URL must be smtp://host:port or smtps://host:port, not '"
                    + smtpUrl + "'");
        }
    }

    /** Whether the connection is TLS from the start ({@code smtps}). */
    public boolean implicitTls() {
        return "smtps".equalsIgnoreCase(smtpUrl.getScheme());
    }

    /** The port, or the scheme's default (25 or 465). */
    public int port() {
        return smtpUrl.getPort() > 0 ? smtpUrl.getPort() : implicitTls() ? 465 : 25;
    }

    @Override
    public String toString() {
        return "EmailSettings[to=" + to + ", smtpUrl=" + smtpUrl + ", from=" + from + ", user="
                + user.orElse("none") + ", password=" + (password.isEmpty() ? "none" : "(set)") + "]";
    }
}
