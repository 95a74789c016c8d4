package io.loadstream.generator.executor;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.generator.Segment;
import io.loadstream.generator.plan.DataSource;
import io.loadstream.generator.plan.Scenario;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Scenario weights and data feeder modes, as pure functions of a seeded random source. */
class FeedersAndWeightsTest {

    private static DataSource rows(DataSource.Mode mode, int count) {
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            rows.add(List.of("user" + i, "pw" + i));
        }
        return new DataSource(Path.of("users.csv"), mode, List.of("user", "password"), rows);
    }

    @Test
    void scenariosArePickedInProportionToTheirWeights() {
        ScenarioPicker picker = new ScenarioPicker(List.of(new Scenario("a", 50, List.of(), null),
                new Scenario("b", 30, List.of(), null), new Scenario("c", 20, List.of(), null)));
        SplittableRandom random = new SplittableRandom(1);
        int[] counts = new int[3];
        for (int i = 0; i < 100_000; i++) {
            counts[picker.pick(random)]++;
        }
        assertThat(counts[0]).isBetween(49_000, 51_000);
        assertThat(counts[1]).isBetween(29_000, 31_000);
        assertThat(counts[2]).isBetween(19_000, 21_000);
    }

    @Test
    void circularFeederStartsAgainAfterTheLastRow() {
        DataFeeder feeder = new DataFeeder(rows(DataSource.Mode.CIRCULAR, 3), Segment.WHOLE);
        SplittableRandom random = new SplittableRandom(1);
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            users.add(feeder.value(feeder.next(random), "user"));
        }
        assertThat(users).containsExactly("user0", "user1", "user2", "user0", "user1", "user2", "user0");
    }

    @Test
    void onceFeederGivesEachRowOnceAcrossSegmentsThenRunsOut() {
        DataSource source = rows(DataSource.Mode.ONCE, 10);
        Set<String> seen = new HashSet<>();
        int given = 0;
        for (int segment = 0; segment < 3; segment++) {
            DataFeeder feeder = new DataFeeder(source, new Segment(segment, 3));
            for (List<String> row; (row = feeder.next(new SplittableRandom(1))) != null; ) {
                seen.add(feeder.value(row, "user"));
                given++;
            }
        }
        assertThat(given).isEqualTo(10);
        assertThat(seen).hasSize(10);
    }

    @Test
    void randomFeederDrawsEveryRowAndUnknownColumnsAreEmpty() {
        DataFeeder feeder = new DataFeeder(rows(DataSource.Mode.RANDOM, 5), Segment.WHOLE);
        SplittableRandom random = new SplittableRandom(3);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            seen.add(feeder.value(feeder.next(random), "password"));
        }
        assertThat(seen).containsExactlyInAnyOrder("pw0", "pw1", "pw2", "pw3", "pw4");
        assertThat(feeder.value(List.of("x", "y"), "nope")).isEmpty();
    }
}
