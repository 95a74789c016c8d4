package io.loadstream.cli;

/**
 * A failure whose message is a complete sentence for the user; the CLI prints it without a stack trace (unless
 * {@code --verbose}) and exits with {@link #exitCode()}.
 */
final class UserFacingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    UserFacingException(String message, int exitCode) {
        this(message, exitCode, null);
    }

    UserFacingException(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
