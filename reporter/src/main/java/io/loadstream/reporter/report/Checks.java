package io.loadstream.reporter.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loadstream.events.EndpointTotals;
import io.loadstream.events.LatencyStats;
import io.loadstream.events.RunControl;
import io.loadstream.reporter.run.RunData;
import io.loadstream.schemas.ControlAttributes;
import io.loadstream.schemas.EventKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The plan's checks and how many responses passed and failed each, per endpoint (k6's "checks" section). The plan
 * language gives a check no name of its own: a step has at most one check, so a check is named by the endpoint of
 * its step and what it checks, in words ({@code status 201, body contains "id"}, from the STARTED record's
 * {@code checks} attribute). The counts are the aggregator's exact totals of {@code RequestTiming.check_passed};
 * a request that received no response (a timeout, a refused connection) is neither passed nor failed, it is an error
 * of its own class. Steps of several scenarios that name the same endpoint share its counts. Immutable.
 *
 * @param rows one per endpoint with a check, or with check results, sorted by endpoint
 */
public record Checks(List<Row> rows) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Copies the rows. */
    public Checks {
        rows = List.copyOf(rows);
    }

    /**
     * The checks of one endpoint.
     *
     * @param endpoint the endpoint name
     * @param checks   its steps' checks in words; empty when the STARTED record did not list them (older generators)
     * @param passed   responses that satisfied the check
     * @param failed   responses that did not
     */
    public record Row(String endpoint, List<String> checks, long passed, long failed) {

        /** Copies the list. */
        public Row {
            checks = List.copyOf(checks);
        }

        /** Passed fraction of the checked responses, 0 to 1; NaN when none was checked. */
        public double passRate() {
            long checked = passed + failed;
            return checked == 0 ? Double.NaN : (double) passed / checked;
        }
    }

    /**
     * Reads the checks of a run.
     *
     * @param data what the reporter read
     * @return the checks; no row when no step has a check and no check result arrived
     */
    public static Checks of(RunData data) {
        Map<String, List<String>> described = described(data);
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, EndpointTotals> entry : data.totals().entrySet()) {
            String endpoint = entry.getKey();
            if (endpoint.equals(EventKeys.ALL_ENDPOINTS)) {
                continue;
            }
            LatencyStats stats = entry.getValue().getStats();
            List<String> checks = described.getOrDefault(endpoint, List.of());
            if (!checks.isEmpty() || stats.getChecksPassed() + stats.getChecksFailed() > 0) {
                rows.add(new Row(endpoint, checks, stats.getChecksPassed(), stats.getChecksFailed()));
            }
        }
        rows.sort(java.util.Comparator.comparing(Row::endpoint));
        return new Checks(rows);
    }

    /** Responses checked over the run, all endpoints. */
    public long passed() {
        return rows.stream().mapToLong(Row::passed).sum();
    }

    /** Responses that failed their check over the run, all endpoints. */
    public long failed() {
        return rows.stream().mapToLong(Row::failed).sum();
    }

    private static Map<String, List<String>> described(RunData data) {
        String json = data.firstStarted().map(RunControl::getAttributes)
                .map(attributes -> attributes.get(ControlAttributes.CHECKS)).orElse(null);
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            Map<String, List<String>> checks = JSON.readValue(json,
                    new TypeReference<Map<String, List<String>>>() { });
            return checks == null ? Map.of() : checks;
        } catch (JsonProcessingException e) {
            // A malformed attribute loses the words, not the counts.
            return Map.of();
        }
    }
}
