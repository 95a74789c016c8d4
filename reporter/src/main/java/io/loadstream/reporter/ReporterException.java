package io.loadstream.reporter;

/** The reporter could not do its job; the message is one sentence for the user. */
public final class ReporterException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    /**
     * Creates the exception.
     *
     * @param message  one sentence saying what went wrong
     * @param exitCode the process exit code it calls for (1, or 104 for an invalid threshold)
     * @param cause    the cause, or null
     */
    public ReporterException(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** The exit code it calls for. */
    public int exitCode() {
        return exitCode;
    }
}
