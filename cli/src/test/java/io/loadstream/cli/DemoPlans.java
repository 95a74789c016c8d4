package io.loadstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.demo.DemoCatalogue;
import io.loadstream.demo.DemoEndpoint;
import io.loadstream.generator.plan.Plan;
import io.loadstream.generator.plan.Scenario;
import io.loadstream.generator.plan.Step;
import io.loadstream.generator.plan.Template;
import java.util.List;

/** Checks on plans written for the demo target (the examples, the compose plan). */
final class DemoPlans {

    private DemoPlans() {
    }

    /**
     * Asserts that every step of {@code plan}, at both ends of each {@code ${rand:MIN..MAX}} (so that an id range
     * never leaves the catalogue's templates), is a method and path of the demo target.
     *
     * @param plan  the plan
     * @param label names the plan in failure messages
     */
    static void assertEveryStepIsAnEndpoint(Plan plan, String label) {
        List<DemoEndpoint> catalogue = DemoCatalogue.standard();
        for (Scenario scenario : plan.scenarios()) {
            for (Step step : scenario.steps()) {
                for (boolean low : new boolean[] {true, false}) {
                    String path = step.path().render(rangeEnds(low)).replaceFirst("\\?.*$", "");
                    assertThat(catalogue).as("%s: %s %s (scenario %s)", label, step.method(), path, scenario.name())
                            .anySatisfy(endpoint -> {
                                assertThat(endpoint.method()).isEqualTo(step.method());
                                assertThat(endpoint.matchesPath(path)).isTrue();
                            });
                }
            }
        }
    }

    /** Renders {@code ${rand:MIN..MAX}} as MIN ({@code low}) or MAX, and every data column as "1". */
    static Template.Context rangeEnds(boolean low) {
        return new Template.Context() {
            @Override
            public long randomBetween(long min, long max) {
                return low ? min : max;
            }

            @Override
            public String data(String column) {
                return "1";
            }
        };
    }
}
