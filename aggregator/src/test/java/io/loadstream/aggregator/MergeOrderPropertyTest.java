package io.loadstream.aggregator;

import static org.assertj.core.api.Assertions.assertThat;

import io.loadstream.aggregator.stats.Accumulator;
import io.loadstream.events.ErrorClass;
import io.loadstream.events.LatencyStats;
import io.loadstream.schemas.fixtures.EventFixtures;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/** Merging accumulators gives the same statistics, byte for byte, whatever the order and grouping. */
class MergeOrderPropertyTest {

    @Property(tries = 200)
    void mergeIsIndependentOfOrderAndGrouping(
            @ForAll @Size(min = 1, max = 300) List<@LongRange(min = 0, max = 4_000_000_000L) Long> latencies,
            @ForAll @IntRange(min = 1, max = 8) int groups,
            @ForAll long seed) {
        Random random = new Random(seed);
        ErrorClass[] classes = ErrorClass.values();
        Accumulator everything = new Accumulator();
        List<Accumulator> parts = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            parts.add(new Accumulator());
        }
        for (int i = 0; i < latencies.size(); i++) {
            ErrorClass error = classes[random.nextInt(classes.length)];
            var timing = EventFixtures.request("r", "GET /p", 1_000L + i, latencies.get(i), 200 + random.nextInt(4),
                    error);
            everything.record(timing, 1_000L + i);
            parts.get(random.nextInt(groups)).record(timing, 1_000L + i);
        }
        Collections.shuffle(parts, random);
        Accumulator leftToRight = new Accumulator();
        for (Accumulator part : parts) {
            leftToRight.merge(part);
        }
        // a tree: pairs first, then the pairs' merges
        List<Accumulator> level = new ArrayList<>(parts);
        Collections.shuffle(level, random);
        while (level.size() > 1) {
            List<Accumulator> next = new ArrayList<>();
            for (int i = 0; i < level.size(); i += 2) {
                Accumulator pair = new Accumulator();
                pair.merge(level.get(i));
                if (i + 1 < level.size()) {
                    pair.merge(level.get(i + 1));
                }
                next.add(pair);
            }
            level = next;
        }
        LatencyStats expected = everything.toLatencyStats();
        assertThat(leftToRight.toLatencyStats()).isEqualTo(expected);
        assertThat(level.get(0).toLatencyStats()).isEqualTo(expected);
        assertThat(leftToRight.latency()).isEqualTo(everything.latency());
    }
}
