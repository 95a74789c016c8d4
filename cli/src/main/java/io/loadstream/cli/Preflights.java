package io.loadstream.cli;

import io.loadstream.generator.http.Preflight;
import io.loadstream.generator.plan.Plan;
import java.util.function.Consumer;

/** The one request sent to the target before any load ({@code generate}, {@code run}), unless the user skips it. */
final class Preflights {

    private Preflights() {
    }

    /**
     * Sends the preflight request and prints its outcome.
     *
     * @param plan the plan
     * @param out  where the outcome goes
     * @throws UserFacingException (exit 1) with the likely cause when the target cannot serve the run
     */
    static void check(Plan plan, Consumer<String> out) {
        Preflight.Outcome outcome = Preflight.check(plan);
        if (!outcome.passed()) {
            throw new UserFacingException(outcome.message(), ExitCodes.FAILURE, null);
        }
        out.accept(outcome.message());
    }
}
