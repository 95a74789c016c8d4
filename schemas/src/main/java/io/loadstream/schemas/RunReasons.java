package io.loadstream.schemas;

/**
 * Reasons that {@code RunControl.reason} carries and that other processes act on, so that the writer and the
 * readers spell them the same.
 */
public final class RunReasons {

    /** A FINISHED after Ctrl-C or SIGTERM stopped the load: the report marks the run as interrupted. */
    public static final String INTERRUPTED = "interrupted";

    private RunReasons() {
    }
}
