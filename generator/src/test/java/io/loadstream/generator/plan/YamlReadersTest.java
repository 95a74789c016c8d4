package io.loadstream.generator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The typed readers alone: the "did you mean" suggestion and what a failed read leaves. */
class YamlReadersTest {

    private static final Set<String> KEYS = new LinkedHashSet<>(List.of("name", "target", "thresholds", "report"));

    @Test
    void editDistanceCountsSingleCharacterEdits() {
        assertThat(YamlReaders.editDistance("", "")).isZero();
        assertThat(YamlReaders.editDistance("report", "report")).isZero();
        assertThat(YamlReaders.editDistance("tresholds", "thresholds")).isEqualTo(1);
        assertThat(YamlReaders.editDistance("kitten", "sitting")).isEqualTo(3);
        assertThat(YamlReaders.editDistance("", "abc")).isEqualTo(3);
    }

    @Test
    void closestSuggestsAKnownKeyWithinTwoEditsIgnoringCase() {
        assertThat(YamlReaders.closest("tresholds", KEYS)).isEqualTo("thresholds");
        assertThat(YamlReaders.closest("NAME", KEYS)).isEqualTo("name");
        assertThat(YamlReaders.closest("tagret", KEYS)).isEqualTo("target");
        assertThat(YamlReaders.closest("zzzzzz", KEYS)).isNull();
    }

    @Test
    void aFailedReadAddsOneErrorAtTheNodeAndReturnsTheFallback() throws PlanException {
        List<PlanError> errors = new ArrayList<>();
        YamlReaders yaml = new YamlReaders(errors);
        YamlTree.MapNode map = (YamlTree.MapNode) YamlTree.read("vus: many\nwait: 5\n", "p.yaml", errors);

        long vus = yaml.integer(YamlReaders.optional(map, "vus"), "vus", 7, 1, 10);
        Object wait = yaml.positiveDuration(YamlReaders.optional(map, "wait"), "wait", null);

        assertThat(vus).isEqualTo(7);
        assertThat(wait).isNull();
        assertThat(errors).extracting(PlanError::toString).containsExactly(
                "p.yaml:1:6: vus must be a whole number, not text ('many').",
                "p.yaml:2:7: wait needs a unit: write e.g. 5s or 5ms.");
    }
}
