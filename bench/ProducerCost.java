import io.loadstream.events.ErrorClass;
import io.loadstream.events.RequestTiming;
import io.loadstream.generator.publish.KafkaSettings;
import io.loadstream.generator.publish.TimingEncoder;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What publishing one request timing costs the generator's JVM, alone: the publisher thread's work (TimingEncoder,
 * KafkaProducer.send with the generator's own producer settings and a counting callback) and the producer's network
 * thread, for N timings sent as fast as the producer takes them, in 3 rounds (the first warms the JIT). Used to
 * choose the compression and batching settings of KafkaSettings; see docs/PERFORMANCE.md.
 *
 * <pre>
 * java -cp 'cli/target/loadstream-VERSION/lib/*' bench/ProducerCost.java BOOTSTRAP COMPRESSION N [KEY=VALUE...]
 *   e.g. ... 127.0.0.1:19092 lz4 1000000            (a broker: ./loadstream broker --port 19092)
 *        ... 127.0.0.1:19092 lz4 1000000 batch.size=1048576 linger.ms=100
 * </pre>
 *
 * Prints, per round, the JVM's CPU per timing (microseconds), the rate, and the timings the broker acknowledged.
 */
public final class ProducerCost {
    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String compression = args[1];
        int count = Integer.parseInt(args[2]);
        Map<String, String> overrides = new HashMap<>();
        overrides.put("compression.type", compression);
        for (int i = 3; i < args.length; i++) {
            String[] pair = args[i].split("=", 2);
            overrides.put(pair[0], pair[1]);
        }
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        String topic = "producer-cost-" + compression;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                KafkaSettings.producer(bootstrap, "producer-cost", overrides))) {
            TimingEncoder encoder = new TimingEncoder();
            RequestTiming timing = new RequestTiming();
            timing.setRunId("bench-1-12345");
            timing.setGeneratorId("host-1234");
            timing.setScenario("index");
            timing.setEndpoint("GET /");
            timing.setMethod("GET");
            timing.setStatus(200);
            timing.setErrorClass(ErrorClass.NONE);
            timing.setBytesSent(60);
            timing.setBytesReceived(170);
            timing.setVu(3);
            byte[] key = "bench-1-12345|GET /".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            LongAdder acknowledged = new LongAdder();
            Callback counting = (metadata, exception) -> {
                if (exception == null) {
                    acknowledged.increment();
                }
            };
            for (int round = 1; round <= 3; round++) {
                long cpu0 = os.getProcessCpuTime();
                long start = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    long nowUs = System.currentTimeMillis() * 1000 + i % 1000;
                    timing.setIntendedStartUs(nowUs);
                    timing.setActualStartUs(nowUs);
                    timing.setLatencyUs(300 + i % 500);
                    timing.setServiceTimeUs(300 + i % 400);
                    timing.setTimeToFirstByteUs(200 + i % 100);
                    timing.setIteration(i);
                    producer.send(new ProducerRecord<>(topic, null, nowUs / 1000, key, encoder.encode(timing)),
                            counting);
                }
                producer.flush();
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf(Locale.ROOT, "%s round %d: %.2f us CPU per timing, %.0f timings/s, %d acknowledged"
                        + " so far%n", compression, round, (os.getProcessCpuTime() - cpu0) / 1e3 / count,
                        count / seconds, acknowledged.sum());
            }
        }
    }
}
