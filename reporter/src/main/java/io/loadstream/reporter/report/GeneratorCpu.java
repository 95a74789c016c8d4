package io.loadstream.reporter.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loadstream.events.RunControl;
import io.loadstream.reporter.run.RunData;
import io.loadstream.schemas.ControlAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The CPU that each generator's own threads used during the load, told apart from the rest of its process (from the
 * {@code generator_cpu} attribute of its FINISHED record): in {@code run} one process also runs the aggregator, the
 * reporter and perhaps the demo target, so the process's CPU overstates the generator's. The JVM's garbage collector
 * and JIT compiler serve every component and are counted in the process only. Immutable.
 *
 * @param rows one per generator that finished, by name
 */
public record GeneratorCpu(List<Row> rows) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Copies the rows. */
    public GeneratorCpu {
        rows = List.copyOf(rows);
    }

    /**
     * One generator's figures over its load.
     *
     * @param generator    the generator's id
     * @param threadsCpuMs CPU time of its threads, ms; -1 when its JVM does not measure thread CPU time (or the
     *                     generator is older than this figure)
     * @param processCpuMs CPU time of its whole process in the same span, ms; -1 when unknown
     * @param spanMs       the span: from the start of the load to its end, ms
     * @param processors   processors available to its process
     */
    public record Row(String generator, long threadsCpuMs, long processCpuMs, long spanMs, int processors) {

        /** Whether the generator's threads could be told apart from the rest of the process. */
        public boolean measured() {
            return threadsCpuMs >= 0;
        }

        /** The generator threads' share of the process's CPU, 0 to 1; NaN when either is unknown or 0. */
        public double shareOfProcess() {
            return !measured() || processCpuMs <= 0 ? Double.NaN : Math.min(1, (double) threadsCpuMs / processCpuMs);
        }

        /** The generator threads' mean CPU over the span, percent of all the machine's processors; NaN if unknown. */
        public double meanPercentOfMachine() {
            return !measured() || spanMs <= 0 || processors <= 0 ? Double.NaN
                    : 100.0 * threadsCpuMs / ((double) spanMs * processors);
        }

        /** The whole process's mean CPU over the span, percent of all the machine's processors; NaN if unknown. */
        public double processMeanPercentOfMachine() {
            return processCpuMs < 0 || spanMs <= 0 || processors <= 0 ? Double.NaN
                    : 100.0 * processCpuMs / ((double) spanMs * processors);
        }
    }

    /**
     * Reads the figures of every generator that finished.
     *
     * @param data what the reporter read
     * @return one row per FINISHED record; a generator that sent no figure has an unmeasured row
     */
    public static GeneratorCpu of(RunData data) {
        List<Row> rows = new ArrayList<>();
        for (RunControl finished : data.finished()) {
            rows.add(row(finished));
        }
        rows.sort(Comparator.comparing(Row::generator));
        return new GeneratorCpu(rows);
    }

    private static Row row(RunControl finished) {
        String json = finished.getAttributes().get(ControlAttributes.GENERATOR_CPU);
        if (json != null) {
            try {
                JsonNode node = JSON.readTree(json);
                return new Row(finished.getSource(), node.path("threads_cpu_ms").asLong(-1),
                        node.path("process_cpu_ms").asLong(-1), node.path("span_ms").asLong(-1),
                        node.path("processors").asInt(-1));
            } catch (JsonProcessingException e) {
                // Unreadable: the figures are unknown, which the row says.
                return new Row(finished.getSource(), -1, -1, -1, -1);
            }
        }
        return new Row(finished.getSource(), -1, -1, -1, -1);
    }
}
