package io.loadstream.cli;

/**
 * Process exit codes. They follow k6's, so that CI scripts written for k6 keep working.
 */
public final class ExitCodes {
    /** Everything ran and every threshold passed. */
    public static final int OK = 0;
    /** Any failure that is not one of the others. */
    public static final int FAILURE = 1;
    /** A threshold failed. */
    public static final int THRESHOLD_FAILED = 99;
    /** The plan, a command-line option or another piece of configuration is invalid. */
    public static final int INVALID_CONFIG = 104;

    private ExitCodes() {
    }
}
