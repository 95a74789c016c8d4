package io.loadstream.generator;

import io.loadstream.events.HostRole;
import io.loadstream.generator.executor.LoadDriver;
import io.loadstream.generator.http.HttpEngine;
import io.loadstream.generator.plan.Plan;
import io.loadstream.generator.plan.Redactor;
import io.loadstream.generator.progress.ProgressReporter;
import io.loadstream.generator.progress.RunStats;
import io.loadstream.generator.publish.AbortListener;
import io.loadstream.generator.publish.ControlRecords;
import io.loadstream.generator.publish.EventPublisher;
import io.loadstream.generator.publish.KafkaSettings;
import io.loadstream.generator.system.GeneratorThreadsCpu;
import io.loadstream.generator.system.SamplerLoop;
import io.loadstream.generator.system.SystemSampler;
import io.loadstream.generator.time.EpochClock;
import io.loadstream.schemas.RunReasons;
import io.loadstream.schemas.TopicSetup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One generator process's part in a run: drives the plan's load over HTTP and publishes every request's timing,
 * the run's control records and system samples, as docs/ARCHITECTURE.md "The life of a run" describes.
 *
 * <p>{@link #run(Plan)} blocks until the load has ended, every request has been recorded and the producer has
 * flushed, then sends FINISHED. {@link #abort(String)} (from any thread) or an ABORT record for the run on the
 * control topic stops the load within 2 s. One instance runs one plan once.
 */
public final class Generator {

    /** Interval between heartbeats, in milliseconds. */
    public static final long HEARTBEAT_MS = 1_000;
    private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(60);
    /**
     * How long the end of the run may wait for the events after a broker outage: the publisher sends its journal as
     * long as the broker acknowledges something (and gives up after 50 s without), which may take minutes.
     */
    private static final Duration BACKLOG_TIMEOUT = Duration.ofMinutes(15);
    private static final Logger LOG = LoggerFactory.getLogger(Generator.class);

    private final GeneratorConfig config;
    private volatile LoadDriver driver;
    private volatile String pendingAbort;
    private boolean used;

    /**
     * Creates a generator.
     *
     * @param config how it joins the run
     */
    public Generator(GeneratorConfig config) {
        this.config = config;
    }

    /**
     * Stops the run early (Ctrl-C, or the caller's own reason). Safe from any thread, before or during
     * {@link #run}; the first reason is kept.
     *
     * @param reason why, for the FINISHED record
     */
    public void abort(String reason) {
        synchronized (this) {
            if (pendingAbort == null) {
                pendingAbort = reason;
            }
        }
        LoadDriver current = driver;
        if (current != null) {
            current.abort(reason);
        }
    }

    /**
     * Runs the plan's load, in this generator's segment, to its end or an abort.
     *
     * @param plan a validated plan
     * @return the counts of the run
     * @throws IllegalStateException when Kafka cannot be reached to set up the topics, or when called twice
     * @throws InterruptedException  when interrupted; the load is aborted first
     */
    public GeneratorResult run(Plan plan) throws InterruptedException {
        synchronized (this) {
            if (used) {
                throw new IllegalStateException("A Generator runs one plan once");
            }
            used = true;
        }
        TopicSetup.DEFAULT.ensure(KafkaSettings.admin(config.bootstrap(), config.kafkaProperties()),
                config.topics());
        String clientId = "loadstream-generator-" + config.runId() + "-" + config.segment().index();
        EpochClock clock = new EpochClock(config.timeSource());
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                KafkaSettings.producer(config.bootstrap(), clientId, config.kafkaProperties()));
        // Requests and errors are counted on the request loop; latencies and slow requests once, on the publisher
        // thread, which takes every timing anyway (RunStats says why).
        RunStats stats = new RunStats(plan.report().slowRequestMs(), Redactor.forPlan(plan));
        EventPublisher publisher = new EventPublisher(producer, config.topics(), config.runId(),
                config.bufferCapacity(), () -> watermarkMs(clock), stats::timingTaken, config.outageBuffer());
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemon("loadstream-timer"));
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(daemon("loadstream-ticker"));
        HttpEngine http = new HttpEngine(plan.defaults(), LoadDriver.peakVus(plan.load(), config.segment()),
                "loadstream/" + config.version());
        LoadDriver load = LoadDriver.create(plan, config.segment(), config.runId(), config.generatorId(),
                http.client(), stats.countingInto(publisher), clock, timer);
        ControlRecords records = new ControlRecords(config.runId(), config.generatorId(), config.segment(), plan,
                load.plannedDuration(), config.host(), config.version());
        SamplerLoop sampler = null;
        AbortListener abortListener = null;
        long startedNanos = System.nanoTime();
        try {
            await(publisher.submitControl((p, watermark) ->
                    p.sendControl(records.started(config.timeSource().epochMillis()), watermark)), "STARTED");
            abortListener = new AbortListener(KafkaSettings.controlConsumer(config.bootstrap(), clientId + "-abort",
                    config.kafkaProperties()), config.topics().control(), config.runId(),
                    config.timeSource().epochMillis(), this::abort);
            if (config.sampleSystem()) {
                SystemSampler systemSampler = new SystemSampler(config.runId(), config.host(), HostRole.GENERATOR,
                        config.generatorId(), config.timeSource()::epochMillis, Path.of("."));
                sampler = new SamplerLoop(systemSampler, publisher::sendSample);
            }
            driver = load;
            if (pendingAbort != null) {
                load.abort(pendingAbort);
            }
            // The generator's own threads, apart from the rest of the process (in run: aggregator, reporter).
            GeneratorThreadsCpu threadsCpu = new GeneratorThreadsCpu();
            long cpuAtStart = processCpuNanos();
            load.start();
            startedNanos = System.nanoTime();
            long loadStart = startedNanos;
            ProgressReporter progress = new ProgressReporter(stats, load::activeVus, publisher::published,
                    publisher::dropped, load.plannedDuration(), config.progress(), loadStart);
            ticker.scheduleAtFixedRate(() -> publisher.submitControl((p, watermark) ->
                    p.sendControl(records.heartbeat(config.timeSource().epochMillis(), counts(stats, publisher,
                            load)), watermark)), HEARTBEAT_MS, HEARTBEAT_MS, TimeUnit.MILLISECONDS);
            ticker.scheduleAtFixedRate(threadsCpu::sample, HEARTBEAT_MS, HEARTBEAT_MS, TimeUnit.MILLISECONDS);
            ticker.scheduleAtFixedRate(() -> progress.report(System.nanoTime(), loadStart),
                    ProgressReporter.INTERVAL_MS, ProgressReporter.INTERVAL_MS, TimeUnit.MILLISECONDS);
            awaitLoad(load, plan);
            long endedNanos = System.nanoTime();
            long cpuNanos = Math.max(0, processCpuNanos() - cpuAtStart);
            threadsCpu.sample();
            String generatorCpu = ControlRecords.generatorCpuJson(
                    threadsCpu.measured() ? threadsCpu.cpuNanos() / 1_000_000 : -1,
                    cpuAtStart < 0 ? -1 : cpuNanos / 1_000_000, (endedNanos - loadStart) / 1_000_000,
                    Runtime.getRuntime().availableProcessors());
            ticker.shutdownNow();
            // Every timing handed to the producer and acknowledged (or counted as dropped) before FINISHED.
            await(publisher.submitControl((p, watermark) -> p.flushProducer()), "the events", BACKLOG_TIMEOUT);
            // After the flush, which drained the buffer: the publisher thread has recorded every latency.
            progress.report(endedNanos, loadStart);
            String reason = load.abortReason();
            ControlRecords.Counts finalCounts = counts(stats, publisher, load);
            await(publisher.submitControl((p, watermark) -> {
                p.sendControl(records.finished(config.timeSource().epochMillis(), finalCounts, reason,
                        load.scenarioCountsJson(), generatorCpu), watermark);
                p.flushProducer();
            }), "FINISHED", BACKLOG_TIMEOUT);
            return new GeneratorResult(stats.requests(), stats.errors(), load.iterationsStarted(),
                    load.droppedIterations(), publisher.dropped(), reason != null, reason,
                    Duration.ofNanos(endedNanos - loadStart), Duration.ofNanos(cpuAtStart < 0 ? 0 : cpuNanos));
        } finally {
            ticker.shutdownNow();
            if (sampler != null) {
                sampler.close();
            }
            if (abortListener != null) {
                abortListener.close();
            }
            load.abort("generator stopped");
            publisher.close(FLUSH_TIMEOUT);
            http.close();
            timer.shutdownNow();
        }
    }

    private void awaitLoad(LoadDriver load, Plan plan) throws InterruptedException {
        Duration bound = load.plannedDuration().plus(plan.load().gracefulStop()).plusSeconds(30);
        try {
            while (!load.awaitEnd(Duration.ofMillis(200))) {
                if (Duration.ofNanos(System.nanoTime() - load.startNanos()).compareTo(bound) > 0
                        && load.abortReason() == null) {
                    LOG.warn("The load did not end within {}; aborting it", bound);
                    load.abort("the load did not end within " + bound.toSeconds() + " s");
                }
            }
        } catch (InterruptedException e) {
            load.abort(RunReasons.INTERRUPTED);
            load.awaitEnd(Duration.ofSeconds(10));
            throw e;
        }
    }

    /** CPU time of this process so far, in nanoseconds; -1 when the JVM cannot tell. */
    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory
                .getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean bean ? bean.getProcessCpuTime() : -1;
    }

    private static ControlRecords.Counts counts(RunStats stats, EventPublisher publisher, LoadDriver load) {
        return new ControlRecords.Counts(stats.requests(), publisher.dropped(), load.droppedIterations(),
                load.activeVus(), publisher.timingsPerPartition(), publisher.timingsDropped(),
                publisher.samplesDropped(), publisher.journaledTotal(), publisher.outages());
    }

    private long watermarkMs(EpochClock clock) {
        LoadDriver current = driver;
        long nanos = current == null ? clock.source().nanoTime() : current.watermarkNanos();
        return clock.epochMicros(nanos) / 1000;
    }

    private static void await(java.util.concurrent.CompletableFuture<Void> done, String what)
            throws InterruptedException {
        await(done, what, FLUSH_TIMEOUT);
    }

    private static void await(java.util.concurrent.CompletableFuture<Void> done, String what, Duration timeout)
            throws InterruptedException {
        try {
            done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Could not send " + what + " to Kafka: " + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not take " + what + " within " + timeout.toSeconds()
                    + " s", e);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
