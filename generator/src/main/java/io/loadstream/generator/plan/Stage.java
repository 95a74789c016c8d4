package io.loadstream.generator.plan;

import java.time.Duration;

/**
 * One stage of a ramping executor: move linearly to {@code target} over {@code duration}.
 *
 * @param duration how long the stage lasts, not negative
 * @param target   VUs (ramping-vus) or iterations per time unit (ramping-arrival-rate) at the end of the stage
 */
public record Stage(Duration duration, double target) {
}
