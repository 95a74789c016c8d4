package io.loadstream.generator.plan;

import java.nio.file.Path;
import java.util.Map;

/**
 * Reads a YAML plan file into a validated, immutable {@link Plan}. Every error found is reported with its
 * file, line and column; none is fatal to the search for others.
 */
public final class PlanParser {

    private PlanParser() {
    }

    /**
     * Parses and validates a plan file.
     *
     * @param file       the plan file; relative data files are resolved against its directory
     * @param env        the environment that {@code ${env:NAME}} reads
     * @param thresholds checks the threshold expressions
     * @return the plan
     * @throws PlanException when the plan has errors (also when the file cannot be read)
     */
    public static Plan parse(Path file, Map<String, String> env, ThresholdSyntax thresholds) throws PlanException {
        throw new UnsupportedOperationException("being written on branch wip-plan");
    }
}
