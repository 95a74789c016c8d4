package io.loadstream.generator;

import io.loadstream.generator.plan.Check;
import io.loadstream.generator.plan.Defaults;
import io.loadstream.generator.plan.EndpointNames;
import io.loadstream.generator.plan.Executor;
import io.loadstream.generator.plan.Load;
import io.loadstream.generator.plan.Location;
import io.loadstream.generator.plan.Plan;
import io.loadstream.generator.plan.ReportSettings;
import io.loadstream.generator.plan.Scenario;
import io.loadstream.generator.plan.Stage;
import io.loadstream.generator.plan.Step;
import io.loadstream.generator.plan.Template;
import io.loadstream.generator.plan.ThinkTime;
import io.loadstream.generator.plan.ThresholdDef;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Plans built in code for tests, as the parser would build them. */
final class Plans {

    static final Location HERE = new Location("test.yaml", 1, 1);

    private Plans() {
    }

    static Defaults defaults(Duration timeout) {
        return new Defaults(Map.of(), timeout, Duration.ofSeconds(2), ThinkTime.NONE, false, false,
                Defaults.DEFAULT_MAX_RESPONSE_BYTES);
    }

    static Step get(String path) {
        return step("GET", path, null, Check.NONE);
    }

    static Step step(String method, String path, String name, Check check) {
        Template template = Template.literal(path);
        return new Step(method, template, Map.of(), null, name != null ? name : EndpointNames.of(method, path),
                check, null, HERE);
    }

    static Load constantVus(int vus, Duration duration) {
        return new Load(Executor.CONSTANT_VUS, vus, duration, 0, List.of(), 0, 0, Duration.ofSeconds(1), 0, 0,
                Duration.ofSeconds(2));
    }

    static Load rampingVus(List<Stage> stages) {
        return new Load(Executor.RAMPING_VUS, 0, Duration.ZERO, 0, stages, 0, 0, Duration.ofSeconds(1), 0, 0,
                Duration.ofSeconds(2));
    }

    static Load constantRate(double perSecond, Duration duration, int preAllocated, int maxVus) {
        return new Load(Executor.CONSTANT_ARRIVAL_RATE, 0, duration, 0, List.of(), perSecond, 0,
                Duration.ofSeconds(1), preAllocated, maxVus, Duration.ofSeconds(2));
    }

    static Load rampingRate(double startRate, List<Stage> stages, int maxVus) {
        return new Load(Executor.RAMPING_ARRIVAL_RATE, 0, Duration.ZERO, 0, stages, 0, startRate,
                Duration.ofSeconds(1), maxVus, maxVus, Duration.ofSeconds(2));
    }

    static Plan plan(String target, Defaults defaults, Load load, List<Scenario> scenarios) {
        return new Plan("test-plan", URI.create(target), defaults, load, scenarios,
                List.of(new ThresholdDef("http_req_duration", "p(95)<500", Duration.ZERO, Duration.ZERO, false,
                        Duration.ZERO, HERE)),
                ReportSettings.DEFAULT, null, "test.yaml");
    }

    static Plan plan(String target, Load load, Step... steps) {
        return plan(target, defaults(Duration.ofSeconds(5)), load,
                List.of(new Scenario("main", 1, List.of(steps), null)));
    }
}
