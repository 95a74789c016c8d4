package io.loadstream.cli;

import io.loadstream.aggregator.Aggregator;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * The health of one aggregator instance, for {@code aggregate --metrics-port}: how far behind the generators it
 * reads, and how many records it set aside. Read from the instance at each scrape.
 */
final class AggregatorHealth implements MultiCollector {

    private final Aggregator aggregator;

    AggregatorHealth(Aggregator aggregator) {
        this.aggregator = aggregator;
    }

    @Override
    public MetricSnapshots collect() {
        double lag = aggregator.consumerLagRecords();
        return MetricSnapshots.of(
                GaugeSnapshot.builder().name("loadstream_aggregator_consumer_lag_records")
                        .help("Largest consumer lag of this aggregator's input partitions, records (NaN before the "
                                + "first fetch)")
                        .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(lag).build()).build(),
                CounterSnapshot.builder().name("loadstream_aggregator_dead_letters")
                        .help("Records this aggregator set aside on the dead-letter topic since it started")
                        .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                                .value(aggregator.deadLetters()).build()).build());
    }
}
