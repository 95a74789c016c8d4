package io.loadstream.cli;

import io.loadstream.generator.plan.Plan;
import io.loadstream.generator.plan.PlanSummary;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code loadstream validate PLAN}: checks a plan without running it. */
@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        description = {
            "Check a plan and print every error with file:line:column, or a summary of a valid plan.",
            "",
            "Exit codes: 0 the plan is valid, 104 it has errors."
        })
final class ValidateCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PLAN", description = "The plan file (YAML).")
    Path plan;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        // The same sentence as run and generate for a file that is not there (not file:0:0: ...).
        Plan parsed = PlanLoader.forProcess().loadFile(plan, spec.commandLine().getErr());
        PlanSummary.lines(parsed).forEach(out::println);
        out.println(plan + " is valid.");
        return ExitCodes.OK;
    }
}
