package io.loadstream.reporter.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loadstream.events.ControlType;
import io.loadstream.events.RunControl;
import io.loadstream.reporter.html.HtmlReport;
import io.loadstream.reporter.run.RunData;
import io.loadstream.schemas.ControlAttributes;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.fixtures.EventFixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The scenarios section adds up what each generator counted in its FINISHED record, and the requests of each
 * scenario's endpoints; the load line of STARTED goes to the header.
 */
class ScenariosTest {

    private static final String RUN = "scenarios";

    @Test
    void twoGeneratorsIterationsAddUpPerScenarioWithTheirSharesAndDurations() throws Exception {
        long t0 = EventFixtures.nowMs();
        RunData data = new RunData(RUN, 60_000);
        for (int segment = 0; segment < 2; segment++) {
            RunControl started = EventFixtures.control(RUN, ControlType.STARTED, t0, segment, 2);
            started.setAttributes(Map.of(ControlAttributes.LOAD, "ramping-vus, 1m, 2 stages, peak 10 VUs; stages "
                    + "30s to 10, 30s to 0", ControlAttributes.SCENARIOS, "{\"browse\":[\"GET /a\"],\"buy\":"
                    + "[\"POST /b\"]}"));
            data.onControl(started);
        }
        data.onTotals(EventFixtures.totals(RUN, "GET /a", t0, t0 + 1, EventFixtures.spread(300, 1_000, 2_000), 0,
                true));
        data.onTotals(EventFixtures.totals(RUN, "POST /b", t0, t0 + 1, EventFixtures.spread(100, 1_000, 2_000), 10,
                true));
        data.onTotals(EventFixtures.totals(RUN, EventKeys.ALL_ENDPOINTS, t0, t0 + 1,
                EventFixtures.spread(400, 1_000, 2_000), 0, true));
        String[] stats = {
            "{\"browse\":{\"weight\":3,\"iterations\":100,\"completed\":99,\"iteration_ms_mean\":200.0,"
                + "\"iteration_ms_max\":900.0},\"buy\":{\"weight\":1,\"iterations\":30,\"completed\":30,"
                + "\"iteration_ms_mean\":50.0,\"iteration_ms_max\":80.0}}",
            "{\"browse\":{\"weight\":3,\"iterations\":50,\"completed\":51,\"iteration_ms_mean\":100.0,"
                + "\"iteration_ms_max\":1200.0},\"buy\":{\"weight\":1,\"iterations\":20,\"completed\":20,"
                + "\"iteration_ms_mean\":70.0,\"iteration_ms_max\":90.0}}"};
        for (int segment = 0; segment < 2; segment++) {
            RunControl finished = EventFixtures.control(RUN, ControlType.FINISHED, t0 + 60_000, segment, 2);
            finished.setAttributes(Map.of(ControlAttributes.SCENARIO_STATS, stats[segment]));
            data.onControl(finished);
        }

        RunReport report = ReportBuilder.build(data, List.of(), List.of(), List.of(), true);
        JsonNode json = new ObjectMapper().readTree(JsonReport.text(report)).path("scenarios");

        assertThat(json.path("load").asText()).startsWith("ramping-vus, 1m");
        assertThat(json.path("iterations").asLong()).isEqualTo(200);
        JsonNode browse = json.at("/by_scenario/browse");
        assertThat(browse.path("iterations").asLong()).isEqualTo(150);
        assertThat(browse.path("iteration_share").asDouble()).isEqualTo(0.75);
        assertThat(browse.path("weight_share").asDouble()).isEqualTo(0.75);
        assertThat(browse.path("completed").asLong()).isEqualTo(150);
        // the mean over both generators, weighted by completed iterations: (99 * 200 + 51 * 100) / 150
        assertThat(browse.path("iteration_mean_ms").asDouble()).isCloseTo(166.0, within(0.001));
        assertThat(browse.path("iteration_max_ms").asDouble()).isEqualTo(1200.0);
        assertThat(browse.path("requests").asLong()).isEqualTo(300);
        JsonNode buy = json.at("/by_scenario/buy");
        assertThat(buy.path("requests").asLong()).isEqualTo(100);
        assertThat(buy.path("errors").asLong()).isEqualTo(10);
        assertThat(HtmlReport.render(report)).contains("<h2>Scenarios</h2>").contains("load: ramping-vus, 1m")
                .contains("200 iterations");
        assertThat(ConsoleSummary.render(report, List.of())).contains("browse=150").contains("buy=50");
    }
}
