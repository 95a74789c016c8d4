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
     * A short description of a failure for the event's {@code error_detail}: the exception's simple name and
     * message, at most 200 characters. The caller redacts it.
     *
     * @param failure what Jetty reported
     * @return the description
     */
    public static String detail(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root && root.getMessage() == null) {
            root = root.getCause();
        }
        String text = root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
        return text.length() <= 200 ? text : text.substring(0, 200);
    }
}
