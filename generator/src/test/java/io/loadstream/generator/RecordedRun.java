package io.loadstream.generator;

import io.loadstream.events.ControlType;
import io.loadstream.events.RequestTiming;
import io.loadstream.events.RunControl;
import io.loadstream.generator.plan.Plan;
import io.loadstream.schemas.EventSerdes;
import io.loadstream.schemas.Topics;
import io.loadstream.testkit.TestKafka;
import io.loadstream.testkit.TopicReader;
import java.util.List;

/**
 * One generator run on its own topics, and what it left there: the result, every timing on the requests topic
 * and every control record.
 *
 * @param result   what {@link Generator#run} returned
 * @param events   the timings on the requests topic, all of them
 * @param control  the control records, all of them (the same record once per partition)
 */
record RecordedRun(GeneratorResult result, List<RequestTiming> events, List<RunControl> control) {

    /**
     * Runs {@code plan} as run {@code runId} on fresh topics (no system samples: {@link Loopback#config}), then
     * reads the topics.
     *
     * @param kafka the test broker
     * @param runId the run id
     * @param plan  the plan
     * @return the run and its records
     * @throws InterruptedException when interrupted
     */
    static RecordedRun of(TestKafka kafka, String runId, Plan plan) throws InterruptedException {
        return of(kafka, Loopback.config(kafka, runId), plan);
    }

    /**
     * Runs {@code plan} with {@code config}, then reads the run's records from its topics (only this run's, when
     * other runs share the topics).
     *
     * @param kafka  the test broker
     * @param config the generator's configuration
     * @param plan   the plan
     * @return the run and its records
     * @throws InterruptedException when interrupted
     */
    static RecordedRun of(TestKafka kafka, GeneratorConfig config, Plan plan) throws InterruptedException {
        Topics topics = config.topics();
        GeneratorResult result = new Generator(config).run(plan);
        List<RequestTiming> events = TopicReader.values(
                TopicReader.readAll(kafka, topics.requests(), result.requestsSent()),
                bytes -> EventSerdes.requestTiming().deserialize(topics.requests(), bytes)).stream()
                .filter(e -> e.getRunId().equals(config.runId())).toList();
        List<RunControl> control = TopicReader.values(TopicReader.readAll(kafka, topics.control(), 0),
                bytes -> EventSerdes.runControl().deserialize(topics.control(), bytes)).stream()
                .filter(c -> c.getRunId().equals(config.runId())).toList();
        return new RecordedRun(result, events, control);
    }

    /** The FINISHED records, one per control partition. */
    List<RunControl> finished() {
        return control.stream().filter(c -> c.getType() == ControlType.FINISHED).toList();
    }
}
