package io.loadstream.reporter.threshold;

/**
 * A threshold that cannot be parsed. The message is one sentence saying what is wrong, without a location: the
 * plan parser adds the file, line and column.
 */
public final class ThresholdSyntaxException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message one sentence saying what is wrong and how to write it instead
     */
    public ThresholdSyntaxException(String message) {
        super(message);
    }
}
