package io.loadstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code loadstream validate}: every error with its place and exit 104, or a summary and exit 0. */
class ValidateCommandTest {

    @TempDir
    Path tmp;

    private final InProcessCli cli = new InProcessCli();

    @Test
    void aValidPlanPrintsItsSummaryAndExitsZero() throws Exception {
        Path plan = Files.writeString(tmp.resolve("ok.yaml"), """
                name: shop
                target: http://127.0.0.1:8088
                load: {executor: ramping-vus, stages: [{duration: 10s, target: 20}, {duration: 5s, target: 0}]}
                scenarios:
                  - {name: browse, weight: 3, steps: [{method: GET, path: /items}, {method: GET, path: /items/7}]}
                  - {name: buy, steps: [{method: POST, path: /orders, body: {item: 7}, check: {status: 201}}]}
                thresholds:
                  http_req_duration: ["p(95)<500"]
                """);

        assertThat(cli.run("validate", plan.toString())).isEqualTo(ExitCodes.OK);
        assertThat(cli.out())
                .contains("plan      shop")
                .contains("load      ramping-vus, 15s, 2 stages, peak 20 VUs")
                .contains("browse", "weight 3 (75%)", "buy")
                .contains("thresholds 1")
                .contains(plan + " is valid.");
        assertThat(cli.err()).isEmpty();
    }

    @Test
    void anInvalidPlanPrintsEveryErrorWithItsPlaceAndExits104() throws Exception {
        Path plan = Files.writeString(tmp.resolve("bad.yaml"), """
                name: shop
                target: ftp://127.0.0.1
                load: {executor: constant-vus, vus: 0, duration: 10}
                scenarios:
                  - {name: browse, steps: [{method: FETCH, path: /items}]}
                """);

        assertThat(cli.run("validate", plan.toString())).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err().lines().toList()).containsExactly(
                plan + ":2:9: The target must be an http:// or https:// URL, e.g. http://127.0.0.1:8088, not "
                        + "'ftp://127.0.0.1'.",
                plan + ":3:37: vus must be between 1 and 1000000, not 0.",
                plan + ":3:50: duration needs a unit: write e.g. 10s or 10ms.",
                plan + ":5:37: Unknown HTTP method 'FETCH'; use one of DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT.",
                "loadstream: " + plan + " has 4 errors; nothing was run.");
        assertThat(cli.out()).isEmpty();
    }

    @Test
    void aThresholdInAnotherSyntaxIsAPlanErrorAtItsExpression() throws Exception {
        Path plan = Files.writeString(tmp.resolve("thresholds.yaml"), """
                name: shop
                target: http://127.0.0.1:8088
                load: {executor: constant-vus, vus: 2, duration: 10s}
                scenarios:
                  - {name: browse, steps: [{method: GET, path: /items}]}
                thresholds:
                  http_req_duration: ["p(95)<500", "p95 < 500"]
                  http_req_latency: ["avg<100"]
                """);

        assertThat(cli.run("validate", plan.toString())).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains(plan + ":7:36: Threshold 'http_req_duration: p95 < 500': ")
                .contains(plan + ":8:22: Threshold 'http_req_latency: avg<100': ")
                .contains("has 2 errors");
    }

    @Test
    void aDriftThresholdWithAWindowIsRefusedBeforeAnyLoadByValidateAndRun() throws Exception {
        Path plan = Files.writeString(tmp.resolve("drift.yaml"), """
                name: shop
                target: http://127.0.0.1:9
                load: {executor: constant-vus, vus: 2, duration: 10s}
                scenarios:
                  - {name: browse, steps: [{method: GET, path: /items}]}
                thresholds:
                  http_req_duration:
                    - {threshold: "drift_p95_ms_per_h<50", window: 5m}
                """);

        assertThat(cli.run("validate", plan.toString())).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains(plan + ":8:19: Threshold 'http_req_duration: drift_p95_ms_per_h<50': ")
                .contains("takes no window").contains("has 1 error");
        InProcessCli run = new InProcessCli();
        assertThat(run.run("run", plan.toString())).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(run.err()).contains("takes no window").contains("nothing was run");
    }

    @Test
    void aMissingPlanFileIsAConfigurationError() {
        Path missing = tmp.resolve("missing.yaml");

        assertThat(cli.run("validate", missing.toString())).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("The plan " + missing + " does not exist or is not a file")
                .doesNotContain(":0:0:");
        assertThat(cli.run("run", missing.toString())).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("The plan " + missing + " does not exist or is not a file");
    }
}
