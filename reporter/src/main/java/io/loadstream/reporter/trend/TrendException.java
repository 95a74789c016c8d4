package io.loadstream.reporter.trend;

/** The trend cannot be computed: one sentence for the user, and the exit code it means. */
public final class TrendException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Exit code when there is nothing to compare (one run only, no baseline). */
    public static final int NOTHING_TO_COMPARE = 1;
    /** Exit code for an option that names something absent or is malformed. */
    public static final int BAD_OPTION = 104;

    private final int exitCode;

    /**
     * Creates the exception.
     *
     * @param message  the sentence
     * @param exitCode {@link #NOTHING_TO_COMPARE} or {@link #BAD_OPTION}
     */
    public TrendException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    /** The process exit code. */
    public int exitCode() {
        return exitCode;
    }
}
