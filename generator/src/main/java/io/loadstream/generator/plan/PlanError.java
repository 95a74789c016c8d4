package io.loadstream.generator.plan;

/**
 * One thing wrong with a plan.
 *
 * @param location where it is
 * @param message  one sentence saying what is wrong and, where it helps, what would be right
 */
public record PlanError(Location location, String message) {

    /** {@code file:line:column: message}, as compilers print errors. */
    @Override
    public String toString() {
        return location + ": " + message;
    }
}
