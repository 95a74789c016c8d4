package io.loadstream.generator.publish;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loadstream.events.ControlType;
import io.loadstream.events.RunControl;
import io.loadstream.events.ThresholdSpec;
import io.loadstream.generator.Segment;
import io.loadstream.generator.plan.Check;
import io.loadstream.generator.plan.Plan;
import io.loadstream.generator.plan.Scenario;
import io.loadstream.generator.plan.Step;
import io.loadstream.generator.plan.ThresholdDef;
import io.loadstream.schemas.ControlAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Builds the {@code RunControl} records a generator sends, as docs/ARCHITECTURE.md "The life of a run" fixes
 * them: STARTED (the plan's facts), HEARTBEAT (cumulative counts) and FINISHED (final counts and a reason).
 * Every record carries the attributes of {@link ControlAttributes}. Immutable.
 */
public final class ControlRecords {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String runId;
    private final String generatorId;
    private final Segment segment;
    private final Plan plan;
    private final Duration plannedDuration;
    private final Map<String, String> attributes;

    /**
     * The counts a heartbeat or the FINISHED record carries.
     *
     * @param requestsSent         requests sent since the run started
     * @param eventsDropped        events that could not be published
     * @param droppedIterations    iterations an arrival-rate executor could not start
     * @param activeVus            VUs active now
     * @param requestsPerPartition timings acknowledged per partition of the requests topic (index = partition)
     * @param timingsDropped       request timings among {@code eventsDropped}
     * @param samplesDropped       system samples among {@code eventsDropped}
     * @param eventsJournaled      events written to the outage journal on disk
     * @param outages              the broker outages ridden out so far, oldest first
     */
    public record Counts(long requestsSent, long eventsDropped, long droppedIterations, int activeVus,
                         List<Long> requestsPerPartition, long timingsDropped, long samplesDropped,
                         long eventsJournaled, List<KafkaOutage> outages) {
        /** Copies the lists. */
        public Counts {
            requestsPerPartition = List.copyOf(requestsPerPartition);
            outages = List.copyOf(outages);
        }
    }

    /**
     * Creates the builder for one generator of a run.
     *
     * @param runId           the run id
     * @param generatorId     the generator's id, the records' {@code source}
     * @param segment         the generator's share of the load
     * @param plan            the plan
     * @param plannedDuration the planned length of the load (the plan's schedule)
     * @param host            the host name
     * @param version         the loadstream version
     */
    public ControlRecords(String runId, String generatorId, Segment segment, Plan plan, Duration plannedDuration,
                          String host, String version) {
        this.runId = runId;
        this.generatorId = generatorId;
        this.segment = segment;
        this.plan = plan;
        this.plannedDuration = plannedDuration;
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put(ControlAttributes.HOST, host);
        attrs.put(ControlAttributes.VERSION, version);
        attrs.put(ControlAttributes.SCENARIOS, scenariosJson(plan));
        attrs.put(ControlAttributes.CHECKS, checksJson(plan));
        attrs.put(ControlAttributes.LOAD, io.loadstream.generator.plan.PlanSummary.load(plan.load()));
        this.attributes = Map.copyOf(attrs);
    }

    /** The scenarios attribute: {@code {"scenario": ["GET /a", "POST /b"], ...}}, endpoints in step order. */
    static String scenariosJson(Plan plan) {
        Map<String, List<String>> scenarios = new LinkedHashMap<>();
        for (Scenario scenario : plan.scenarios()) {
            LinkedHashSet<String> endpoints = new LinkedHashSet<>();
            for (Step step : scenario.steps()) {
                endpoints.add(step.endpoint());
            }
            scenarios.put(scenario.name(), new ArrayList<>(endpoints));
        }
        try {
            return JSON.writeValueAsString(scenarios);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the scenarios as JSON", e);
        }
    }

    /**
     * The checks attribute: {@code {"POST /b": ["status 201, body contains \"id\""]}}, per endpoint the distinct
     * checks of the steps that name it, in step order; endpoints without a checked step are left out.
     */
    static String checksJson(Plan plan) {
        Map<String, LinkedHashSet<String>> checks = new LinkedHashMap<>();
        for (Scenario scenario : plan.scenarios()) {
            for (Step step : scenario.steps()) {
                String words = checkWords(step.check());
                if (!words.isEmpty()) {
                    checks.computeIfAbsent(step.endpoint(), e -> new LinkedHashSet<>()).add(words);
                }
            }
        }
        try {
            return JSON.writeValueAsString(checks);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the checks as JSON", e);
        }
    }

    /** A check in words ({@code status 200 or 204, body contains "ok"}); empty for no check. */
    static String checkWords(Check check) {
        if (check == null) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        if (!check.statuses().isEmpty()) {
            List<String> codes = check.statuses().stream().sorted().map(String::valueOf).toList();
            parts.add("status " + String.join(" or ", codes));
        }
        if (check.bodyContains() != null) {
            // Quoted with the quote mark the text does not contain first: '"id"', "it's".
            String quote = check.bodyContains().contains("\"") ? "'" : "\"";
            parts.add((parts.isEmpty() ? "status below 400, " : "") + "body contains " + quote + check.bodyContains()
                    + quote);
        }
        return String.join(", ", parts);
    }

    /**
     * The {@link ControlAttributes#GENERATOR_CPU} attribute.
     *
     * @param threadsCpuMs CPU of the generator's threads during the load, ms; -1 when not measured
     * @param processCpuMs CPU of the whole process in the same span, ms; -1 when not measured
     * @param spanMs       the span, wall-clock ms
     * @param processors   processors available to the process
     * @return the JSON object
     */
    public static String generatorCpuJson(long threadsCpuMs, long processCpuMs, long spanMs, int processors) {
        Map<String, Long> figures = new LinkedHashMap<>();
        figures.put("threads_cpu_ms", threadsCpuMs);
        figures.put("process_cpu_ms", processCpuMs);
        figures.put("span_ms", spanMs);
        figures.put("processors", (long) processors);
        try {
            return JSON.writeValueAsString(figures);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the generator's CPU as JSON", e);
        }
    }

    /**
     * The STARTED record.
     *
     * @param nowMs wall-clock time of sending, epoch milliseconds
     * @return the record
     */
    public RunControl started(long nowMs) {
        List<ThresholdSpec> thresholds = new ArrayList<>();
        for (ThresholdDef def : plan.thresholds()) {
            thresholds.add(ThresholdSpec.newBuilder()
                    .setMetric(def.metric())
                    .setExpression(def.expression())
                    .setWindowMs(def.window() == null ? 0 : def.window().toMillis())
                    .setForMs(def.forDuration() == null ? 0 : def.forDuration().toMillis())
                    .setAbortOnFail(def.abortOnFail())
                    .setDelayAbortEvalMs(def.delayAbortEval() == null ? 0 : def.delayAbortEval().toMillis())
                    .build());
        }
        return base(ControlType.STARTED, nowMs)
                .setThresholds(thresholds)
                .build();
    }

    /**
     * A HEARTBEAT record.
     *
     * @param nowMs  wall-clock time of sending, epoch milliseconds
     * @param counts the cumulative counts
     * @return the record
     */
    public RunControl heartbeat(long nowMs, Counts counts) {
        return withCounts(base(ControlType.HEARTBEAT, nowMs), counts).build();
    }

    /**
     * The FINISHED record.
     *
     * @param nowMs  wall-clock time of sending, epoch milliseconds
     * @param counts the final counts
     * @param reason why the run ended early, or null when it ran its course
     * @return the record
     */
    public RunControl finished(long nowMs, Counts counts, String reason) {
        return withCounts(base(ControlType.FINISHED, nowMs), counts).setReason(reason).build();
    }

    /**
     * The FINISHED record, with this generator's iterations per scenario.
     *
     * @param nowMs          wall-clock time of sending, epoch milliseconds
     * @param counts         the final counts
     * @param reason         why the run ended early, or null when it ran its course
     * @param scenarioStats  the {@link ControlAttributes#SCENARIO_STATS} JSON
     * @param generatorCpu   the {@link ControlAttributes#GENERATOR_CPU} JSON, or null when not measured
     * @return the record
     */
    public RunControl finished(long nowMs, Counts counts, String reason, String scenarioStats, String generatorCpu) {
        Map<String, String> attrs = new LinkedHashMap<>(attributes);
        attrs.put(ControlAttributes.SCENARIO_STATS, scenarioStats);
        if (generatorCpu != null) {
            attrs.put(ControlAttributes.GENERATOR_CPU, generatorCpu);
        }
        return withCounts(base(ControlType.FINISHED, nowMs), counts).setReason(reason).setAttributes(attrs).build();
    }

    private static RunControl.Builder withCounts(RunControl.Builder builder, Counts counts) {
        return builder.setRequestsSent(counts.requestsSent())
                .setEventsDropped(counts.eventsDropped())
                .setDroppedIterations(counts.droppedIterations())
                .setActiveVus(counts.activeVus())
                .setRequestsPerPartition(counts.requestsPerPartition())
                .setTimingsDropped(counts.timingsDropped())
                .setSamplesDropped(counts.samplesDropped())
                .setEventsJournaled(counts.eventsJournaled())
                .setKafkaOutages(counts.outages().stream().map(o -> io.loadstream.events.KafkaOutage.newBuilder()
                        .setStartedMs(o.startedMs()).setDurationMs(o.durationMs())
                        .setEventsBuffered(o.eventsBuffered()).setEventsLost(o.eventsLost()).build()).toList());
    }

    private RunControl.Builder base(ControlType type, long nowMs) {
        return RunControl.newBuilder()
                .setRunId(runId)
                .setType(type)
                .setTimestampMs(nowMs)
                .setSource(generatorId)
                .setPlanName(plan.name())
                .setSegmentIndex(segment.index())
                .setSegmentCount(segment.count())
                .setWindowSizeMs(plan.report().window().toMillis())
                .setGraceMs(plan.report().grace().toMillis())
                .setPlannedDurationMs(plannedDuration.toMillis())
                .setThresholds(List.of())
                .setSlowRequestMs(plan.report().slowRequestMs())
                .setSlowEndpointP95Ms(plan.report().slowEndpointP95Ms())
                .setAttributes(attributes)
                .setReason(null);
    }
}
