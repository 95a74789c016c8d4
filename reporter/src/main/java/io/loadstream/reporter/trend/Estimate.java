package io.loadstream.reporter.trend;

/**
 * One figure of one run with its within-run uncertainty, from the block bootstrap over the run's windows.
 *
 * @param value   the figure in its unit (milliseconds, a fraction, requests per second), from the whole run
 * @param logSe   the bootstrap standard error of {@link TrendMetric#toLog(double)} of the figure; 0 when the run has
 *                fewer than two windows (no within-run spread can be measured)
 * @param ci95Low lower end of the bootstrap 95 % interval, in the figure's unit
 * @param ci95High upper end of the bootstrap 95 % interval, in the figure's unit
 */
public record Estimate(double value, double logSe, double ci95Low, double ci95High) {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException when a value is not finite or the standard error is negative
     */
    public Estimate {
        if (!Double.isFinite(value) || !Double.isFinite(logSe) || logSe < 0 || !Double.isFinite(ci95Low)
                || !Double.isFinite(ci95High)) {
            throw new IllegalArgumentException("Invalid estimate: " + value + " ± " + logSe);
        }
    }
}
