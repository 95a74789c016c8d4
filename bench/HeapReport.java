import io.loadstream.events.SystemSample;
import io.loadstream.schemas.EventSerdes;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a run's SystemSamples from the system topic and prints, per minute of the run, the lowest heap in use
 * (the level right after a collection) and the highest: java -cp 'lib/*' bench/HeapReport.java BOOTSTRAP RUN_ID
 */
public final class HeapReport {
    public static void main(String[] args) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        TreeMap<Long, long[]> perMinute = new TreeMap<>();
        long first = Long.MAX_VALUE;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor("loadstream.system").stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var ends = consumer.endOffsets(partitions);
            List<SystemSample> samples = new java.util.ArrayList<>();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    SystemSample sample = EventSerdes.systemSample().deserialize(record.topic(), record.value());
                    if (sample.getRunId().equals(args[1])) {
                        samples.add(sample);
                    }
                }
            }
            for (SystemSample sample : samples) {
                first = Math.min(first, sample.getTimestampMs());
            }
            for (SystemSample sample : samples) {
                long minute = (sample.getTimestampMs() - first) / 60_000 + 1;
                long[] range = perMinute.computeIfAbsent(minute, m -> new long[] {Long.MAX_VALUE, 0, 0});
                range[0] = Math.min(range[0], sample.getHeapUsedBytes());
                range[1] = Math.max(range[1], sample.getHeapUsedBytes());
                range[2] += sample.getGcCount();
            }
        }
        if (perMinute.isEmpty()) {
            // Nothing to report is not a heap of 0 MiB: say so, and fail.
            System.err.println("not measured: no SystemSample of run " + args[1] + " on loadstream.system");
            System.exit(1);
        }
        System.out.println("minute  heap-min-MiB  heap-max-MiB  gc-count");
        perMinute.forEach((minute, range) -> System.out.printf("%6d  %12.1f  %12.1f  %8d%n", minute,
                range[0] / 1048576.0, range[1] / 1048576.0, range[2]));
    }
}
