package io.loadstream.cli;

import io.loadstream.generator.plan.Plan;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The plan that a command drives ({@code generate}, {@code run}) and whether one request goes to the target before
 * the load: the same parameter and option, described once. A picocli mixin.
 */
final class PlanOptions {

    @Parameters(index = "0", paramLabel = "PLAN", description = "The plan file (YAML).")
    Path planFile;

    @Option(names = "--no-preflight",
            description = "Skip the one request sent to the target before the load starts.")
    boolean noPreflight;

    /**
     * Loads the plan file, as every command does before any load starts ({@link PlanLoader#loadFile}).
     *
     * @param err where the plan's errors go
     * @return the plan
     * @throws UserFacingException with exit code 104 when the file is missing or the plan has errors
     */
    Plan load(PrintWriter err) {
        return PlanLoader.forProcess().loadFile(planFile, err);
    }

    /** Whether the preflight request goes first: unless {@code --no-preflight}. */
    boolean preflight() {
        return !noPreflight;
    }
}
