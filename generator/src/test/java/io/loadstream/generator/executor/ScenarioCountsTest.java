package io.loadstream.generator.executor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loadstream.generator.plan.Scenario;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The iterations per scenario that FINISHED carries: counts, mean and longest of the completed ones. */
class ScenarioCountsTest {

    @Test
    void countsStartedAndCompletedIterationsWithTheirMeanAndLongestDuration() throws Exception {
        ScenarioCounts counts = new ScenarioCounts(List.of(new Scenario("browse", 3, List.of(), null),
                new Scenario("buy", 1, List.of(), null)));
        counts.started(0);
        counts.started(0);
        counts.started(0);
        counts.completed(0, 100_000_000);
        counts.completed(0, 300_000_000);
        counts.started(1);

        JsonNode json = new ObjectMapper().readTree(counts.toJson());

        assertThat(json.at("/browse/weight").asInt()).isEqualTo(3);
        assertThat(json.at("/browse/iterations").asLong()).isEqualTo(3);
        assertThat(json.at("/browse/completed").asLong()).isEqualTo(2);
        assertThat(json.at("/browse/iteration_ms_mean").asDouble()).isEqualTo(200.0);
        assertThat(json.at("/browse/iteration_ms_max").asDouble()).isEqualTo(300.0);
        assertThat(json.at("/buy/iterations").asLong()).isEqualTo(1);
        assertThat(json.at("/buy/completed").asLong()).isZero();
        assertThat(json.at("/buy/iteration_ms_mean").asDouble()).isZero();
    }
}
