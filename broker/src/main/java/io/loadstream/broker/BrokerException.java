package io.loadstream.broker;

/**
 * The embedded broker could not start or run. The message is a sentence meant for the user: it says what went
 * wrong and, where it can, quotes the broker's own log.
 */
public class BrokerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BrokerException(String message) {
        super(message);
    }

    public BrokerException(String message, Throwable cause) {
        super(message, cause);
    }
}
