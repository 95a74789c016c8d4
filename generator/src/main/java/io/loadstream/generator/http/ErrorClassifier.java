package io.loadstream.generator.http;

import io.loadstream.events.ErrorClass;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.eclipse.jetty.io.EofException;

/**
 * Maps the failure of a request to its {@link ErrorClass}, looking through the chain of causes:
 * <ul>
 *   <li>{@code TIMEOUT}: the total timeout (or the idle timeout) elapsed, or the run cut the request;</li>
 *   <li>{@code CONNECT}: the connection was refused, the host is unreachable or unknown, or connecting timed out;</li>
 *   <li>{@code TLS}: the TLS handshake failed;</li>
 *   <li>{@code RESET}: the server closed or reset the connection before the response ended;</li>
 *   <li>{@code IO}: any other I/O failure; {@code OTHER}: anything else.</li>
 * </ul>
 */
public final class ErrorClassifier {

    private ErrorClassifier() {
    }

    /**
     * Classifies a failure.
     *
     * @param failure what Jetty reported
     * @return its class, never {@code NONE}
     */
    public static ErrorClass classify(Throwable failure) {
        ErrorClass found = null;
        for (Throwable cause = failure; cause != null && found == null; cause = next(cause)) {
            found = classifyOne(cause);
        }
        if (found != null) {
            return found;
        }
        for (Throwable cause = failure; cause != null; cause = next(cause)) {
            if (cause instanceof IOException) {
                return ErrorClass.IO;
            }
        }
        return ErrorClass.OTHER;
    }

    private static ErrorClass classifyOne(Throwable cause) {
        if (cause instanceof SocketTimeoutException) {
            String message = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
            return message.contains("connect") ? ErrorClass.CONNECT : ErrorClass.TIMEOUT;
        }
        if (cause instanceof TimeoutException) {
            return ErrorClass.TIMEOUT;
        }
        if (cause instanceof ConnectException || cause instanceof NoRouteToHostException
                || cause instanceof UnknownHostException || cause instanceof UnresolvedAddressException) {
            return ErrorClass.CONNECT;
        }
        if (cause instanceof SSLException) {
            return ErrorClass.TLS;
        }
        if (cause instanceof EofException || cause instanceof ClosedChannelException
                || cause instanceof AsynchronousCloseException) {
            return ErrorClass.RESET;
        }
        String message = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
        if (cause instanceof IOException && (message.contains("reset") || message.contains("broken pipe")
                || message.contains("closed"))) {
            return ErrorClass.RESET;
        }
        return null;
    }

    private static Throwable next(Throwable cause) {
        Throwable next = cause.getCause();
        return next == cause ? null : next;
    }

    /**
     * A short description of a failure for the event's {@code error_detail}: the exception's simple name, and its
     * message when that is short and says something ("Connection refused", "Idle timeout expired: 5000/5000 ms").
     * Jetty's messages of a reset or closed connection dump its internal objects (200 characters of
     * {@code HttpConnectionOverHTTP@1a2b3c...}, which made such an event 3.5 times the size of a good one) and a
     * protocol error may quote what the target sent: such messages are left out. The caller redacts the rest.
     *
     * @param failure what Jetty reported
     * @return the description, at most {@value #MAX_DETAIL_CHARS} characters
     */
    public static String detail(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root && root.getMessage() == null) {
            root = root.getCause();
        }
        String name = root.getClass().getSimpleName();
        String message = root.getMessage();
        if (message == null || message.isBlank() || OBJECT_DUMP.matcher(message).find() || !PLAIN.matcher(message)
                .matches() || name.length() + 2 + message.length() > MAX_DETAIL_CHARS) {
            return name;
        }
        return name + ": " + message;
    }

    /** The longest {@code error_detail}. */
    public static final int MAX_DETAIL_CHARS = 80;
    /** A Java object's identity ({@code Name@1a2b3c}) or Jetty's {@code ::} between dumped objects. */
    private static final java.util.regex.Pattern OBJECT_DUMP = java.util.regex.Pattern.compile(
            "@[0-9a-fA-F]{4,}|::|\\{[^}]*=");
    /** Printable ASCII only: nothing that a target's bytes could bring in. */
    private static final java.util.regex.Pattern PLAIN = java.util.regex.Pattern.compile("[\\x20-\\x7E]*");
}
