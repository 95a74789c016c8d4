package io.loadstream.reporter.threshold;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * A windowed threshold whose value oscillates around its bound notifies at most once per {@code for} period: a
 * firing needs {@code for} of uninterrupted breach, so two firings are always more than {@code for} apart, and a
 * resolution only follows a firing.
 */
class FlappingTest {

    private static final long STEP_MS = 1_000;

    private static WindowedRule rule(long forSeconds) {
        return new WindowedRule(ThresholdRules.parse("http_req_duration", "p(95)<500", Duration.ofSeconds(10),
                Duration.ofSeconds(forSeconds), false, Duration.ZERO));
    }

    /** Evaluates a series, one value a second, and returns the transitions. */
    private static List<WindowedRule.Transition> evaluate(WindowedRule rule, List<Boolean> breaching, long t0) {
        List<WindowedRule.Transition> transitions = new ArrayList<>();
        for (int i = 0; i < breaching.size(); i++) {
            double observed = breaching.get(i) ? 500.5 : 499.5;
            rule.evaluate(t0 + i * STEP_MS, OptionalDouble.of(observed)).ifPresent(transitions::add);
        }
        return transitions;
    }

    @Property(tries = 200)
    void anOscillatingSeriesFiresAtMostOncePerForPeriod(@ForAll @Size(min = 1, max = 600) List<Boolean> breaching,
                                                        @ForAll @IntRange(min = 1, max = 60) int forSeconds) {
        List<WindowedRule.Transition> transitions = evaluate(rule(forSeconds), breaching, 1_000_000);

        List<Long> firings = transitions.stream().filter(WindowedRule.Transition::firing)
                .map(WindowedRule.Transition::atMs).toList();
        for (int i = 1; i < firings.size(); i++) {
            assertThat(firings.get(i) - firings.get(i - 1)).isGreaterThan(forSeconds * STEP_MS);
        }
        assertThat((long) firings.size()).isLessThanOrEqualTo(breaching.size() * STEP_MS / (forSeconds * STEP_MS) + 1);
        for (int i = 0; i < transitions.size(); i++) {
            assertThat(transitions.get(i).firing()).as("firing and resolved alternate, firing first")
                    .isEqualTo(i % 2 == 0);
        }
    }

    @Property(tries = 20)
    void aValueFlippingAcrossTheBoundEverySecondNeverFiresWithAFor(
            @ForAll @IntRange(min = 2, max = 60) int forSeconds) {
        List<Boolean> flipping = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            flipping.add(i % 2 == 0);
        }

        assertThat(evaluate(rule(forSeconds), flipping, 1_000_000)).isEmpty();
    }
}
