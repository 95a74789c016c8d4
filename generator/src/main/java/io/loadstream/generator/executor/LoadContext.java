package io.loadstream.generator.executor;

import io.loadstream.generator.Segment;
import io.loadstream.generator.http.PreparedStep;
import io.loadstream.generator.plan.DataSource;
import io.loadstream.generator.plan.Plan;
import io.loadstream.generator.plan.Redactor;
import io.loadstream.generator.plan.Scenario;
import io.loadstream.generator.plan.Step;
import io.loadstream.generator.time.EpochClock;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.jetty.client.HttpClient;

/** What every VU of a run shares: the compiled steps, the client, the clocks and where timings go. */
final class LoadContext {

    final String runId;
    final String generatorId;
    final HttpClient client;
    final ScenarioPicker picker;
    final PreparedStep[][] steps;
    final DataFeeder[] feeders;
    final RequestSink sink;
    final EpochClock clock;
    final ScheduledExecutorService timer;
    final Redactor redactor;
    final ScenarioCounts scenarioCounts;

    LoadContext(Plan plan, Segment segment, String runId, String generatorId, HttpClient client, RequestSink sink,
                EpochClock clock, ScheduledExecutorService timer) {
        this.runId = runId;
        this.generatorId = generatorId;
        this.client = client;
        this.picker = new ScenarioPicker(plan.scenarios());
        List<Scenario> scenarios = plan.scenarios();
        this.steps = new PreparedStep[scenarios.size()][];
        this.feeders = new DataFeeder[scenarios.size()];
        DataFeeder planFeeder = plan.data() == null ? null : new DataFeeder(plan.data(), segment);
        for (int i = 0; i < scenarios.size(); i++) {
            Scenario scenario = scenarios.get(i);
            List<Step> scenarioSteps = scenario.steps();
            steps[i] = new PreparedStep[scenarioSteps.size()];
            for (int s = 0; s < scenarioSteps.size(); s++) {
                steps[i][s] = new PreparedStep(scenario.name(), scenarioSteps.get(s), plan.target(), plan.defaults());
            }
            DataSource own = scenario.data();
            feeders[i] = own != null ? new DataFeeder(own, segment) : planFeeder;
        }
        this.sink = sink;
        this.clock = clock;
        this.timer = timer;
        this.redactor = Redactor.forPlan(plan);
        this.scenarioCounts = new ScenarioCounts(scenarios);
    }
}
