package io.loadstream.cli;

import io.loadstream.generator.plan.Plan;
import io.loadstream.generator.plan.PlanException;
import io.loadstream.generator.plan.PlanParser;
import io.loadstream.generator.plan.ThresholdSyntax;
import io.loadstream.reporter.threshold.ThresholdRules;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Loads a plan the same way for every command ({@code validate}, {@code generate}, {@code run}), so that the
 * validation that {@code validate} shows is exactly the one that runs before any load starts.
 */
final class PlanLoader {

    /**
     * The reporter's threshold language, options included: what the reporter would refuse at the end of the run (a
     * drift threshold with a window) is refused before the run starts.
     */
    static final ThresholdSyntax REPORTER_THRESHOLDS = new ThresholdSyntax() {
        @Override
        public Optional<String> problem(String metric, String expression) {
            return ThresholdRules.problem(metric, expression);
        }

        @Override
        public Optional<String> problem(String metric, String expression, Duration window, Duration forDuration,
                                        boolean abortOnFail, Duration delayAbortEval) {
            return ThresholdRules.problem(metric, expression, window, forDuration, abortOnFail, delayAbortEval);
        }
    };

    private final Map<String, String> env;
    private final ThresholdSyntax thresholds;

    PlanLoader(Map<String, String> env, ThresholdSyntax thresholds) {
        this.env = env;
        this.thresholds = thresholds;
    }

    /** The loader for this process: its environment, and the reporter's threshold language. */
    static PlanLoader forProcess() {
        return new PlanLoader(System.getenv(), REPORTER_THRESHOLDS);
    }

    /**
     * Loads a plan file that must exist, as {@code generate} and {@code run} do before any load starts.
     *
     * @param file the plan file
     * @param err  where the plan's errors go
     * @return the plan
     * @throws UserFacingException with exit code 104 when the file is missing or the plan has errors
     */
    Plan loadFile(Path file, PrintWriter err) {
        if (!Files.isRegularFile(file)) {
            throw new UserFacingException("The plan " + file + " does not exist or is not a file",
                    ExitCodes.INVALID_CONFIG, null);
        }
        return load(file, err);
    }

    /**
     * Loads a plan, or prints every error ({@code file:line:column: message}) and fails with exit code 104.
     *
     * @param file the plan file
     * @param err  where the errors go
     * @return the plan
     * @throws UserFacingException with exit code 104 when the plan has errors
     */
    Plan load(Path file, PrintWriter err) {
        try {
            return PlanParser.parse(file, env, thresholds);
        } catch (PlanException e) {
            e.errors().forEach(error -> err.println(error));
            int count = e.errors().size();
            throw new UserFacingException(file + " has " + count + (count == 1 ? " error" : " errors")
                    + "; nothing was run.", ExitCodes.INVALID_CONFIG);
        }
    }
}
