package io.loadstream.reporter;

import io.loadstream.events.ControlType;
import io.loadstream.events.EndpointTotals;
import io.loadstream.events.EndpointWindow;
import io.loadstream.events.RunControl;
import io.loadstream.events.ThresholdSpec;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.EventSerdes;
import io.loadstream.schemas.Topics;
import io.loadstream.schemas.fixtures.EventFixtures;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;

/**
 * What one generator and the aggregator publish for a run with known content: STARTED, each endpoint's closed
 * windows and the {@code *} windows merged from them, complete totals, FINISHED. Every record has a current time.
 *
 * @param runId      the run
 * @param planName   the plan's name in STARTED
 * @param t0         the run's start, epoch milliseconds (in the past)
 * @param windowMs   window size
 * @param windows    how many windows
 * @param endpoints  the endpoints, in order
 * @param latencies  latencies in microseconds of an endpoint in a window
 * @param errorEvery every n-th request of an endpoint failed with a 503 (0: none)
 * @param thresholds the plan's thresholds
 */
record OneSegmentRun(String runId, String planName, long t0, long windowMs, int windows, List<String> endpoints,
                     BiFunction<String, Integer, long[]> latencies, Map<String, Integer> errorEvery,
                     List<ThresholdSpec> thresholds) {

    /** The records, in the order to send them. */
    List<ProducerRecord<String, byte[]>> records(KafkaProducer<String, byte[]> producer, Topics topics) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        RunControl started = EventFixtures.control(runId, ControlType.STARTED, t0, 0, 1);
        started.setPlanName(planName);
        started.setWindowSizeMs(windowMs);
        started.setPlannedDurationMs(windows * windowMs);
        started.setThresholds(thresholds);
        records.addAll(toEveryPartition(producer, topics, started));
        Map<String, List<EndpointWindow>> perEndpoint = new LinkedHashMap<>();
        for (int w = 0; w < windows; w++) {
            List<long[]> all = new ArrayList<>();
            List<EndpointWindow> parts = new ArrayList<>();
            for (String endpoint : endpoints) {
                long[] values = latencies.apply(endpoint, w);
                all.add(values);
                EndpointWindow window = EventFixtures.window(runId, endpoint, t0 + w * windowMs, windowMs, values,
                        errorEvery.getOrDefault(endpoint, 0));
                parts.add(window);
                perEndpoint.computeIfAbsent(endpoint, e -> new ArrayList<>()).add(window);
            }
            EndpointWindow star = EventFixtures.window(runId, EventKeys.ALL_ENDPOINTS, t0 + w * windowMs, windowMs,
                    EventFixtures.concat(all.toArray(new long[0][])), 0);
            mergeCounts(star, parts);
            parts.add(star);
            for (EndpointWindow window : parts) {
                records.add(new ProducerRecord<>(topics.windows(), EventKeys.windowKey(runId, window.getEndpoint(),
                        window.getWindowStartMs()), EventSerdes.endpointWindow().serialize(topics.windows(), window)));
            }
        }
        List<long[]> everything = new ArrayList<>();
        List<EndpointTotals> totals = new ArrayList<>();
        for (String endpoint : endpoints) {
            List<long[]> values = new ArrayList<>();
            for (int w = 0; w < windows; w++) {
                values.add(latencies.apply(endpoint, w));
            }
            everything.addAll(values);
            EndpointTotals total = EventFixtures.totals(runId, endpoint, t0, t0 + windows * windowMs - 1,
                    EventFixtures.concat(values.toArray(new long[0][])), 0, true);
            total.getStats().setErrorCount(perEndpoint.get(endpoint).stream()
                    .mapToLong(w -> w.getStats().getErrorCount()).sum());
            totals.add(total);
        }
        EndpointTotals star = EventFixtures.totals(runId, EventKeys.ALL_ENDPOINTS, t0, t0 + windows * windowMs - 1,
                EventFixtures.concat(everything.toArray(new long[0][])), 0, true);
        star.getStats().setErrorCount(totals.stream().mapToLong(t -> t.getStats().getErrorCount()).sum());
        totals.add(star);
        for (EndpointTotals total : totals) {
            records.add(new ProducerRecord<>(topics.totals(), EventKeys.requestKey(runId, total.getEndpoint()),
                    EventSerdes.endpointTotals().serialize(topics.totals(), total)));
        }
        records.addAll(toEveryPartition(producer, topics,
                EventFixtures.control(runId, ControlType.FINISHED, t0 + windows * windowMs, 0, 1)));
        return records;
    }

    /** The {@code *} window's error and status counts are the sums of its parts'. */
    private static void mergeCounts(EndpointWindow star, List<EndpointWindow> parts) {
        Map<String, Long> status = new LinkedHashMap<>();
        Map<String, Long> byClass = new LinkedHashMap<>();
        long errors = 0;
        for (EndpointWindow part : parts) {
            part.getStats().getStatusCounts().forEach((k, v) -> status.merge(k, v, Long::sum));
            part.getStats().getErrorsByClass().forEach((k, v) -> byClass.merge(k, v, Long::sum));
            errors += part.getStats().getErrorCount();
        }
        star.getStats().setStatusCounts(status);
        star.getStats().setErrorsByClass(byClass);
        star.getStats().setErrorCount(errors);
    }

    private List<ProducerRecord<String, byte[]>> toEveryPartition(KafkaProducer<String, byte[]> producer,
                                                                 Topics topics, RunControl control) {
        byte[] value = EventSerdes.runControl().serialize(topics.control(), control);
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (PartitionInfo partition : producer.partitionsFor(topics.control())) {
            records.add(new ProducerRecord<>(topics.control(), partition.partition(), control.getTimestampMs(),
                    EventKeys.runKey(runId), value));
        }
        return records;
    }
}
