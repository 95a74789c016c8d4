package io.loadstream.generator.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Numbers at the edges of what YAML 1.1 calls a number, durations past a long of nanoseconds, and files that are
 * not plans: each is a plan error with a sentence and its line (exit 104 in the CLI), never a Java exception or a
 * wrapped-around value, and nothing hangs.
 */
class PlanNumbersTest {

    private static final String PLAN = """
            name: p
            target: http://127.0.0.1:8088
            load: {executor: constant-vus, vus: 5, duration: 10s}
            scenarios:
              - name: browse
                steps:
                  - {method: POST, path: /api/items, body: {n: 1}}
            """;

    static Stream<Arguments> outOfRange() {
        return Stream.of(
                Arguments.of("a duration past a long of nanoseconds", PLAN.replace("duration: 10s",
                        "duration: 2562047788015216h"), 3, "is longer than a plan may give (at most 8784h"),
                Arguments.of("a think time of Long.MAX_VALUE ms",
                        PLAN + "defaults: {think_time: 9223372036854775807ms}\n", 8, "is longer than a plan may give"),
                Arguments.of("infinity in a body", PLAN.replace("body: {n: 1}", "body: {n: .inf}"), 7,
                        "'.inf' is not a finite number"),
                Arguments.of("NaN in a body", PLAN.replace("body: {n: 1}", "body: [1, .nan]"), 7,
                        "'.nan' is not a finite number"),
                Arguments.of("a hexadecimal count past a long", PLAN.replace("vus: 5", "vus: 0x7fffffffffffffffff"), 3,
                        "vus is too large: it must be between 1 and 1000000"),
                Arguments.of("an infinite rate", PLAN.replace("{executor: constant-vus, vus: 5, duration: 10s}",
                        "{executor: constant-arrival-rate, rate: .inf, duration: 10s, max_vus: 5}"), 3,
                        "'.inf' is not a finite number"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("outOfRange")
    void aNumberOutOfRangeIsAPlanErrorWithItsLine(String mistake, String yaml, int line, String message) {
        PlanException error = catchThrowableOfType(PlanException.class,
                () -> PlanParser.parse(yaml, "plan.yaml", Path.of("target"), Map.of(), ThresholdSyntax.ANY));

        assertThat(error).as(mistake).isNotNull();
        assertThat(error.errors()).as(mistake).anySatisfy(e -> {
            assertThat(e.message()).contains(message);
            assertThat(e.location().line()).isEqualTo(line);
        });
    }

    @Test
    void yamlOneOneIntegersInABodyAreSentWithTheirExactValue() throws PlanException {
        Plan plan = PlanParser.parse(PLAN.replace("body: {n: 1}", "body: {hex: 0x7fffffff, bin: 0b101, "
                + "grouped: 1_000, big: 123456789012345678901234567890, decimal: 1.50}"), "plan.yaml",
                Path.of("target"), Map.of(), ThresholdSyntax.ANY);

        assertThat(plan.scenarios().get(0).steps().get(0).body().render(null)).isEqualTo(
                "{\"hex\":2147483647,\"bin\":5,\"grouped\":1000,\"big\":123456789012345678901234567890,"
                        + "\"decimal\":1.50}");
    }

    @Test
    void aDurationOfAYearIsStillAccepted() throws PlanException {
        Plan plan = PlanParser.parse(PLAN.replace("duration: 10s", "duration: 8784h"), "plan.yaml",
                Path.of("target"), Map.of(), ThresholdSyntax.ANY);

        assertThat(plan.load().totalDuration()).isEqualTo(Durations.MAX);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aDeviceThatNeverEndsIsNotRead() {
        Path zero = Path.of("/dev/zero");
        assumeTrue(Files.exists(zero), "/dev/zero exists on Linux");

        PlanException error = catchThrowableOfType(PlanException.class,
                () -> PlanParser.parse(zero, Map.of(), ThresholdSyntax.ANY));

        assertThat(error.errors()).singleElement().satisfies(e -> assertThat(e.message())
                .isEqualTo("This is not a regular file (a device, a FIFO or a socket); give the plan's YAML file."));
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aFifoIsRefusedWithoutWaitingForAWriter(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("plan.yaml");
        Process mkfifo;
        try {
            mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        } catch (java.io.IOException e) {
            assumeTrue(false, "mkfifo (coreutils) is needed: " + e.getMessage());
            return;
        }
        assumeTrue(mkfifo.waitFor() == 0, "mkfifo made the FIFO");

        PlanException error = catchThrowableOfType(PlanException.class,
                () -> PlanParser.parse(fifo, Map.of(), ThresholdSyntax.ANY));

        assertThat(error.errors()).singleElement().satisfies(e -> assertThat(e.message())
                .startsWith("This is not a regular file"));
    }
}
