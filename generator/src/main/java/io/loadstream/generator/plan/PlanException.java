package io.loadstream.generator.plan;

import java.util.List;
import java.util.stream.Collectors;

/** A plan that cannot be used: every error found, each with its location. */
public final class PlanException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient List<PlanError> errors;

    /**
     * Creates the exception.
     *
     * @param errors the errors, at least one, in file order
     */
    public PlanException(List<PlanError> errors) {
        super(errors.stream().map(PlanError::toString).collect(Collectors.joining(System.lineSeparator())));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("A PlanException needs at least one error");
        }
        this.errors = List.copyOf(errors);
    }

    /** The errors, in file order. */
    public List<PlanError> errors() {
        return errors;
    }
}
