package io.loadstream.reporter;

import io.loadstream.reporter.intake.RecordRouter;
import io.loadstream.reporter.intake.RunEvent;
import io.loadstream.reporter.metrics.RunObserver;
import io.loadstream.reporter.publish.DeadLetterPublisher;
import io.loadstream.reporter.run.RunData;
import io.loadstream.reporter.run.RunEnd;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.Poll;
import io.loadstream.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;

/**
 * The reporter's consumer loop: reads the run's topics from the beginning, hands each decoded record to
 * {@link RunData} (or to the dead-letter topic), lets the {@link ThresholdJudge} evaluate, and stops when
 * {@link RunEnd} says so. Runs on the caller's thread; not thread-safe.
 */
final class RunFollower {

    /** How long reading the topics to their end may take before the report is written. */
    private static final Duration CATCH_UP = Duration.ofSeconds(10);
    /** The pause between two polls of the catch-up: each poll waits for records itself, so almost none. */
    private static final Duration CATCH_UP_PAUSE = Duration.ofMillis(1);
    /**
     * How long without a control record before the reporter asks whether the broker still answers; half the silence
     * timeout when that is shorter, so that the question comes before the run is given up.
     */
    private static final Duration PROBE_AFTER = Duration.ofSeconds(10);
    /** How long the broker has to answer that question. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
    /** How long to wait for the partitions of a topic to be known. */
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);

    private final ReporterConfig config;
    private final org.apache.kafka.clients.consumer.Consumer<String, byte[]> consumer;
    private final RecordRouter router;
    private final RunData data;
    private final ThresholdJudge judge;
    private final DeadLetterPublisher deadLetters;
    private final Consumer<String> warnings;
    private final BooleanSupplier cancelled;
    private final RunObserver observer;
    private RunEnd runEnd;
    private final long probeAfterMs;
    private long lastProbeMs = Long.MIN_VALUE / 2;
    private long unreachableSinceMs = -1;

    /**
     * Creates the loop.
     *
     * @param config      the reporter's settings
     * @param consumer    the reporter's consumer, not assigned yet; not closed here
     * @param data        where what is read goes
     * @param judge       evaluates thresholds as windows close
     * @param deadLetters takes records that do not decode
     * @param warnings    receives sentences for the report
     * @param cancelled   tells whether the caller cancelled the reporter
     * @param observer    sees each record of the run once it is taken (each window once)
     */
    RunFollower(ReporterConfig config, org.apache.kafka.clients.consumer.Consumer<String, byte[]> consumer,
                RunData data, ThresholdJudge judge, DeadLetterPublisher deadLetters, Consumer<String> warnings,
                BooleanSupplier cancelled, RunObserver observer) {
        this.config = config;
        this.consumer = consumer;
        this.router = new RecordRouter(config.runId(), config.topics());
        this.data = data;
        this.judge = judge;
        this.deadLetters = deadLetters;
        this.warnings = warnings;
        this.cancelled = cancelled;
        this.observer = observer;
        this.probeAfterMs = Math.max(1, Math.min(PROBE_AFTER.toMillis(), config.silenceTimeout().toMillis() / 2));
    }

    /**
     * Reads until the run is over or a timeout passes.
     *
     * @return whether the data is complete (every segment finished and the final totals arrived)
     * @throws ReporterException when the run never starts, the reporter is cancelled or interrupted, or a threshold
     *                           is invalid
     */
    boolean follow() {
        assignAll();
        runEnd = new RunEnd(config.clock(), config.startTimeout(), config.finishTimeout(), config.silenceTimeout(),
                config.settle());
        try {
            while (true) {
                if (cancelled.getAsBoolean()) {
                    throw new ReporterException("The reporter of run " + config.runId() + " was cancelled", 1, null);
                }
                pollOnce();
                probeBrokerWhenSilent();
                judge.startWhenRunStarted();
                RunEnd.Check check = runEnd.check(data);
                judge.evaluate(check.totalsIn());
                switch (check.phase()) {
                    case NEVER_STARTED -> throw new ReporterException("No STARTED record of run " + config.runId()
                            + " arrived on " + config.topics().control() + " within "
                            + config.startTimeout().toSeconds() + " s: is a generator running with --run-id "
                            + config.runId() + "?", 1, null);
                    case OVER -> {
                        check.warning().ifPresent(warnings);
                        catchUp();
                        judge.evaluate(true);
                        return check.totalsIn();
                    }
                    case FOLLOWING -> {
                    }
                    default -> throw new IllegalStateException("Unknown phase " + check.phase());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReporterException("Interrupted while sending the ABORT", 1, e);
        }
    }

    /**
     * After {@link #PROBE_AFTER} without a control record (or half the silence timeout, if shorter), asks the broker
     * for the control topic's end offsets (at most that often): when it does not answer within {@link #PROBE_TIMEOUT},
     * the silence is an outage, not a dead run, and the run's waits start again (see {@link RunEnd#brokerUnreachable}).
     * Seen with {@code bench/faults.sh broker-crash}: the broker away for 100 s while the generator held its records.
     */
    private void probeBrokerWhenSilent() {
        long now = config.clock().millis();
        if (runEnd.silentMs() < probeAfterMs || now - lastProbeMs < probeAfterMs) {
            return;
        }
        lastProbeMs = now;
        List<TopicPartition> control = consumer.assignment().stream()
                .filter(p -> p.topic().equals(config.topics().control())).toList();
        try {
            consumer.endOffsets(control, PROBE_TIMEOUT);
            if (unreachableSinceMs >= 0) {
                warnings.accept("Kafka did not answer the reporter for " + (now - unreachableSinceMs) / 1000
                        + " s; the run's waits did not count that time.");
                unreachableSinceMs = -1;
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            if (unreachableSinceMs < 0) {
                unreachableSinceMs = now;
            }
            runEnd.brokerUnreachable();
        }
    }

    /** Reads every partition of the run's topics, from the beginning: the run may have started before the reporter. */
    private void assignAll() {
        Topics topics = config.topics();
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(topics.control(), topics.windows(), topics.totals(), topics.systemWindows())) {
            for (PartitionInfo info : consumer.partitionsFor(topic, METADATA_TIMEOUT)) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    private void pollOnce() {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(config.pollInterval())) {
            router.route(record).ifPresent(this::take);
        }
    }

    private void take(RunEvent event) {
        if (event instanceof RunEvent.Control control) {
            data.onControl(control.control());
            runEnd.controlRead();
        } else if (event instanceof RunEvent.Window window) {
            boolean fresh = data.onWindow(window.window(), window.stats());
            if (fresh && window.window().getEndpoint().equals(EventKeys.ALL_ENDPOINTS)) {
                judge.windowClosed(window.window().getWindowEndMs());
            }
            if (!fresh) {
                return;
            }
        } else if (event instanceof RunEvent.Totals totals) {
            data.onTotals(totals.totals(), totals.stats());
        } else if (event instanceof RunEvent.HostWindow host) {
            data.onSystemWindow(host.window());
        } else if (event instanceof RunEvent.Unreadable unreadable) {
            deadLetters.publish(unreadable);
            return;
        }
        observer.onEvent(event);
    }

    /**
     * Reads what the topics already hold before the report is written: the partitions are read in turns, so
     * records published before the last totals (system windows, say) may not have been polled yet. Bounded by
     * {@link #CATCH_UP}.
     */
    private void catchUp() {
        try {
            Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment(), CATCH_UP);
            Poll.until(CATCH_UP, CATCH_UP_PAUSE, () -> readTo(end) || pollAgain(),
                    () -> "topics not read to their end within " + CATCH_UP.toSeconds() + " s");
        } catch (TimeoutException | org.apache.kafka.common.errors.TimeoutException e) {
            // Kafka's own timeout comes from the end offsets or positions, asked of a broker that is not answering
            // (just restarted after a crash, say): the run's totals are read already, so the report is written.
            warnings.accept("Could not read the topics to their end within " + CATCH_UP.toSeconds() + " s; the "
                    + "last system windows may be missing.");
        } catch (InterruptedException e) {
            // Interrupted in the pause between two polls: fail as the consumer's own poll does when interrupted.
            throw new InterruptException(e);
        } catch (ExecutionException e) {
            // Not reached: the condition throws only runtime exceptions, which Poll passes on as they are.
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Whether every partition has been read up to {@code end}. */
    private boolean readTo(Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey(), CATCH_UP) >= e.getValue());
    }

    /** Polls once more; false, so that the catch-up asks again. */
    private boolean pollAgain() {
        pollOnce();
        return false;
    }
}
