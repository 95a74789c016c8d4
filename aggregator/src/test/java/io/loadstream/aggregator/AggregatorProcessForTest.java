package io.loadstream.aggregator;

import io.loadstream.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;

/**
 * An aggregator in its own JVM, for the kill -9 test: {@code <bootstrap> <application id> <state dir> <topic prefix>}.
 * Prints {@code RUNNING} once it runs, and stops when its standard input closes (its parent died).
 */
public final class AggregatorProcessForTest {

    private AggregatorProcessForTest() {
    }

    public static void main(String[] args) throws Exception {
        AggregatorConfig config = AggregatorConfig.defaults(args[0])
                .withApplicationId(args[1])
                .withStateDir(Path.of(args[2]))
                .withTopics(Topics.withPrefix(args[3]))
                .withPartitions(Integer.parseInt(args[4]))
                .withIdleTimeout(Duration.ofMinutes(10))
                .withExtraProperties(ExactlyOnceKillTest.FAST_GROUP);
        Aggregator aggregator = Aggregator.start(config);
        aggregator.awaitRunning(Duration.ofSeconds(90));
        System.out.println("RUNNING");
        System.out.flush();
        while (System.in.read() >= 0) {
            // Nothing to read: the parent never writes; end of input means it is gone.
        }
        aggregator.close(Duration.ofSeconds(10));
    }
}
