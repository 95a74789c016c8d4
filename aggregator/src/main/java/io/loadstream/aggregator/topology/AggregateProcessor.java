package io.loadstream.aggregator.topology;

import io.loadstream.aggregator.AggregatorConfig;
import io.loadstream.events.RequestTiming;
import io.loadstream.events.RunControl;
import io.loadstream.events.SystemSample;
import io.loadstream.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first stage of the aggregator, one task per partition: reads partition <i>p</i> of the requests, control and
 * system topics, and follows each timing's path:
 * <ol>
 *   <li>{@link EventDecoder}: bytes to a typed event, or to the dead-letter topic;</li>
 *   <li>the run's {@link RunState} in the task's {@link LiveState}: records the event, moves the run's clock, and
 *       closes windows, and the run, by the run's rules;</li>
 *   <li>{@link Emitter}: serializes what closes and sends it to the topology's named sinks (see
 *       {@link AggregatorTopology}).</li>
 * </ol>
 * A wall-clock punctuation every {@value #TICK_MS} ms closes the runs whose end has come on the wall clock (see
 * {@link RunState#endsByWallClock}) and forgets old closed runs; it passes its own timestamp, and records pass the
 * context's {@code currentSystemTimeMs()}, so that tests move the wall clock explicitly.
 */
final class AggregateProcessor implements Processor<byte[], byte[], byte[], byte[]> {

    /** Wall-clock tick for closing finished and idle runs, in milliseconds. */
    static final long TICK_MS = 500;

    private static final Logger LOG = LoggerFactory.getLogger(AggregateProcessor.class);

    private final Topics topics;
    private final AggregatorConfig config;
    private final int partitionCount;
    private final RunActivity activity;
    private ProcessorContext<byte[], byte[]> context;
    private LiveState state;
    private EventDecoder decoder;
    private Emitter emitter;
    private int partition;
    private long afterFinishCount;
    private long lateSystemSamples;
    /** The run and wall-clock time this task last told {@link #activity}: telling it again would change nothing. */
    private String lastSeenRunId;
    private long lastSeenWallMs = Long.MIN_VALUE;

    AggregateProcessor(Topics topics, AggregatorConfig config, int partitionCount, RunActivity activity) {
        this.topics = topics;
        this.config = config;
        this.partitionCount = partitionCount;
        this.activity = activity;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> processorContext) {
        this.context = processorContext;
        LiveStateStore store = processorContext.getStateStore(LiveStateStore.NAME);
        this.state = store.live();
        this.partition = processorContext.taskId().partition();
        if (partition >= partitionCount) {
            throw new IllegalStateException("Task " + processorContext.taskId() + " reads partition " + partition
                    + " but the topology was built for " + partitionCount + " partitions");
        }
        if (LOG.isDebugEnabled()) {
            state.runs().forEach(run -> LOG.debug("Task {} restored run {}: {} requests in totals, clock {}",
                    processorContext.taskId(), run.runId, run.requestsRead(), run.clockMs()));
        }
        String task = processorContext.taskId().toString();
        Sensor deadLetters = processorContext.metrics().addRateTotalSensor("loadstream-aggregator",
                "task-" + task, "dead-letter", Sensor.RecordingLevel.INFO);
        this.emitter = Emitter.aggregate(processorContext, topics, partition, partitionCount);
        this.decoder = new EventDecoder(task, deadLetters, emitter);
        processorContext.schedule(Duration.ofMillis(TICK_MS), PunctuationType.WALL_CLOCK_TIME, this::tick);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata source = context.recordMetadata().orElse(null);
        if (source == null) {
            return;
        }
        activity.read(context.currentSystemTimeMs());
        String topic = source.topic();
        if (topic.equals(topics.requests())) {
            RequestTiming timing = decoder.request(record, source);
            RunState run = timing == null ? null : run(timing.getRunId(), topic);
            if (run != null) {
                seen(run.runId, context.currentSystemTimeMs());
                run.recordRequest(timing, record.timestamp(), context.currentSystemTimeMs(), emitter);
            }
        } else if (topic.equals(topics.control())) {
            RunControl control = decoder.control(record, source);
            RunState run = control == null ? null : run(control.getRunId(), topic);
            if (run != null) {
                seen(run.runId, context.currentSystemTimeMs());
                run.control(control, record.timestamp(), partition, partitionCount, context.currentSystemTimeMs(),
                        emitter);
            }
        } else if (topic.equals(topics.system())) {
            SystemSample sample = decoder.system(record, source);
            RunState run = sample == null ? null : run(sample.getRunId(), topic);
            if (run != null && !run.recordSystem(sample)) {
                lateSystemSamples++;
                LOG.debug("Run {}: system sample of {} at {} arrived after its window closed ({} so far)",
                        run.runId, sample.getHost(), sample.getTimestampMs(), lateSystemSamples);
            }
        }
    }

    /**
     * Tells {@link #activity} that a run was read now, unless this task told it the same a moment ago: Streams gives
     * one wall-clock time to many records in a row, and the shared map's update (a hash of the run id, a boxed time)
     * cost about 2% of the stream thread per request.
     */
    private void seen(String runId, long nowWallMs) {
        if (nowWallMs != lastSeenWallMs || !runId.equals(lastSeenRunId)) {
            activity.seen(runId, nowWallMs);
            lastSeenRunId = runId;
            lastSeenWallMs = nowWallMs;
        }
    }

    /** The run's state, opened when new; null (and counted) when the run is closed already. */
    private RunState run(String runId, String topic) {
        RunState run = state.run(runId);
        if (run != null) {
            return run;
        }
        if (state.isFinished(runId)) {
            afterFinishCount++;
            if (afterFinishCount <= 10 || afterFinishCount % 10_000 == 0) {
                LOG.warn("Run {} is closed at task {}: ignoring a record from {} ({} ignored so far)", runId,
                        context.taskId(), topic, afterFinishCount);
            }
            return null;
        }
        return state.open(runId, context.currentSystemTimeMs());
    }

    /** Wall-clock tick: closes the runs whose end has come on the wall clock, forgets old closed ones. */
    private void tick(long nowWallMs) {
        long idleTimeoutMs = config.idleTimeout().toMillis();
        List<RunState> ending = new ArrayList<>();
        // A silence of the whole instance is a broker outage (or every generator gone): see RunActivity.quiet. A
        // run whose generators all finished holds nothing back in them (FINISHED follows every timing they sent).
        boolean quiet = activity.quiet(nowWallMs, idleTimeoutMs);
        for (RunState run : state.runs()) {
            if (quiet && !run.finishing()) {
                continue;
            }
            run.releaseIdleSegments(nowWallMs, idleTimeoutMs, emitter);
            // A run that another task of this instance still reads is not idle, however quiet it is here.
            boolean aliveElsewhere = !run.finishing() && activity.seenWithin(run.runId, nowWallMs, idleTimeoutMs);
            if (!aliveElsewhere && run.endsByWallClock(nowWallMs, idleTimeoutMs)) {
                ending.add(run);
            }
        }
        activity.forgetOlderThan(nowWallMs, 2 * idleTimeoutMs);
        // The run may just have been forgotten: the next record tells the activity again.
        lastSeenRunId = null;
        for (RunState run : ending) {
            run.end(nowWallMs, emitter);
        }
        state.forgetFinished(nowWallMs);
    }
}
