import com.sun.net.httpserver.HttpServer;
import io.loadstream.events.ControlType;
import io.loadstream.events.ErrorClass;
import io.loadstream.events.HostRole;
import io.loadstream.events.RequestTiming;
import io.loadstream.events.RunControl;
import io.loadstream.events.SystemSample;
import io.loadstream.schemas.EventKeys;
import io.loadstream.schemas.EventSerdes;
import io.loadstream.schemas.Topics;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.thread.Invocable;

/**
 * The measuring half of bench/generator-timing.sh, run with the distribution's class path:
 * java -cp 'cli/target/loadstream-VERSION/lib/*' bench/GeneratorTiming.java MODE ARGS... (the script compiles it
 * once with javac instead, and runs the class).
 *
 * <ul>
 *   <li>{@code server PORT}: the target, on 127.0.0.1: {@code /ok} answers 200 at once, {@code /fixed?ms=N}
 *       after N ms (a sleep on one of 64 handler threads). Prints "listening on PORT".</li>
 *   <li>{@code loop URL CONNECTIONS SECONDS SKIP_SECONDS}: the bare Jetty loop (closed model, loadstream's HTTP
 *       settings, as bench/JettyLoop.java with "tuned"), timing each exchange from just before the send to its
 *       completion; prints p50 and p99 of the exchanges that started after SKIP_SECONDS.</li>
 *   <li>{@code schedule BOOTSTRAP RUN_ID SKIP_SECONDS START_RATE SECONDS:TARGET...}: reads the run's
 *       RequestTimings and prints, per second of the load, the arrivals the plan's rate schedule holds (start rate,
 *       then stages moving linearly to each target per second), the intended starts recorded, and the requests
 *       actually sent, with the deviation of the sends from the schedule; then the worst deviation after
 *       SKIP_SECONDS, and how late the sends were after their intended starts.</li>
 *   <li>{@code latency BOOTSTRAP RUN_ID SKIP_SECONDS}: p50 and p99 of the run's recorded latency, after
 *       SKIP_SECONDS.</li>
 *   <li>{@code abort BOOTSTRAP RUN_ID}: publishes an ABORT of the run on every partition of the control topic, as
 *       the reporter does; prints the epoch microseconds just before the first send, then those of the broker's
 *       acknowledgement of all of them.</li>
 *   <li>{@code after BOOTSTRAP RUN_ID SINCE_US}: prints the number of the run's requests, how many of them
 *       started after SINCE_US (epoch microseconds), the last start relative to it and it relative to the first
 *       intended start, in ms.</li>
 *   <li>{@code samples BOOTSTRAP RUN_ID}: the number of the run's generator SystemSamples, and the shortest and
 *       longest interval between two consecutive ones, in ms.</li>
 * </ul>
 * A figure that cannot be measured is printed as "not measured: REASON" on stderr, and the exit code is 1.
 */
public final class GeneratorTiming {

    private static final Topics TOPICS = Topics.DEFAULT;

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "server" -> server(Integer.parseInt(args[1]));
            case "loop" -> loop(args[1], Integer.parseInt(args[2]), Long.parseLong(args[3]), Long.parseLong(args[4]));
            case "schedule" -> schedule(args[1], args[2], Long.parseLong(args[3]), Double.parseDouble(args[4]),
                    Arrays.copyOfRange(args, 5, args.length));
            case "latency" -> latency(args[1], args[2], Long.parseLong(args[3]));
            case "abort" -> abort(args[1], args[2]);
            case "after" -> after(args[1], args[2], Long.parseLong(args[3]));
            case "samples" -> samples(args[1], args[2]);
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private static void server(int port) throws IOException {
        // The JDK server writes the headers and the body separately: without TCP_NODELAY, Nagle's algorithm holds
        // the body until the client's delayed ACK (40 ms on Linux).
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        server.setExecutor(Executors.newFixedThreadPool(64));
        byte[] body = "ok\n".getBytes(StandardCharsets.US_ASCII);
        server.createContext("/", exchange -> {
            String query = exchange.getRequestURI().getQuery();
            if (exchange.getRequestURI().getPath().equals("/fixed") && query != null && query.startsWith("ms=")) {
                try {
                    Thread.sleep(Long.parseLong(query.substring(3)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        System.out.println("listening on " + port);
    }

    private static void loop(String url, int connections, long seconds, long skipSeconds) throws Exception {
        // loadstream's HTTP settings (HttpEngine, PreparedStep), as bench/JettyLoop.java "tuned".
        HttpClientTransportOverHTTP transport = new HttpClientTransportOverHTTP(new ClientConnector());
        transport.setInvocationType(Invocable.InvocationType.NON_BLOCKING);
        HttpClient client = new HttpClient(transport);
        client.setMaxConnectionsPerDestination(connections);
        client.setFollowRedirects(false);
        client.setHttpCookieStore(new HttpCookieStore.Empty());
        client.start();
        client.getContentDecoderFactories().clear();
        PreEncodedHttpField host = new PreEncodedHttpField(HttpHeader.HOST, URI.create(url).getAuthority());
        long start = System.nanoTime();
        long measureFrom = start + TimeUnit.SECONDS.toNanos(skipSeconds);
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        ConcurrentLinkedQueue<Long> latenciesUs = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        CountDownLatch stopped = new CountDownLatch(connections);
        for (int i = 0; i < connections; i++) {
            exchange(client, url, host, measureFrom, end, latenciesUs, failures, stopped);
        }
        boolean ended = stopped.await(seconds + 60, TimeUnit.SECONDS);
        client.stop();
        if (!ended || !failures.isEmpty()) {
            notMeasured("the bare Jetty loop " + (ended ? failures.size() + " exchanges failed, e.g. "
                    + failures.peek() : "did not end within 60 s of its planned end"));
        }
        printPercentiles("bare Jetty loop", latenciesUs.stream().mapToLong(Long::longValue).toArray());
    }

    private static void exchange(HttpClient client, String url, PreEncodedHttpField host, long measureFrom, long end,
                                 ConcurrentLinkedQueue<Long> latenciesUs, ConcurrentLinkedQueue<String> failures,
                                 CountDownLatch stopped) {
        Request request = client.newRequest(url).timeout(10, TimeUnit.SECONDS);
        request.headers(fields -> fields.add(host));
        long sent = System.nanoTime();
        request.send((Response.CompleteListener) result -> {
            long now = System.nanoTime();
            if (result.isFailed() || result.getResponse().getStatus() != 200) {
                failures.add(result.isFailed() ? String.valueOf(result.getFailure())
                        : "status " + result.getResponse().getStatus());
            } else if (sent >= measureFrom) {
                latenciesUs.add((now - sent) / 1000);
            }
            if (now < end) {
                exchange(client, url, host, measureFrom, end, latenciesUs, failures, stopped);
            } else {
                stopped.countDown();
            }
        });
    }

    private static void schedule(String bootstrap, String runId, long skipSeconds, double startRate,
                                 String[] stages) {
        List<RequestTiming> events = requests(bootstrap, runId);
        // The plan's cumulative arrivals N(t), at whole seconds: the rate moves linearly within each stage.
        List<Double> cumulative = new ArrayList<>(List.of(0.0));
        double rate = startRate;
        for (String stage : stages) {
            String[] parts = stage.split(":");
            int length = Integer.parseInt(parts[0]);
            double target = Double.parseDouble(parts[1]);
            for (int s = 1; s <= length; s++) {
                double from = rate + (target - rate) * (s - 1) / length;
                double to = rate + (target - rate) * s / length;
                cumulative.add(cumulative.get(cumulative.size() - 1) + (from + to) / 2);
            }
            rate = target;
        }
        int seconds = cumulative.size() - 1;
        // Arrival j is due when N(t) = j (ArrivalSchedule), so second s holds ceil(N(s + 1)) - ceil(N(s)) of them.
        long[] expected = new long[seconds];
        for (int s = 0; s < seconds; s++) {
            expected[s] = (long) Math.ceil(cumulative.get(s + 1) - 1e-9) - (long) Math.ceil(cumulative.get(s) - 1e-9);
        }
        // Arrival 0 is due at the load's start, and it is always sent or dropped: the first intended start is it,
        // unless it was dropped (then the seconds are off by a little; said below).
        long startUs = events.stream().mapToLong(RequestTiming::getIntendedStartUs).min().orElseThrow();
        long[] intended = new long[seconds + 1];
        long[] sent = new long[seconds + 1];
        List<Long> lateUs = new ArrayList<>();
        for (RequestTiming event : events) {
            intended[(int) Math.min(seconds, (event.getIntendedStartUs() - startUs) / 1_000_000)]++;
            sent[(int) Math.min(seconds, Math.max(0, event.getActualStartUs() - startUs) / 1_000_000)]++;
            if (event.getIntendedStartUs() - startUs >= skipSeconds * 1_000_000) {
                lateUs.add(event.getActualStartUs() - event.getIntendedStartUs());
            }
        }
        System.out.println("second  scheduled  intended  sent  sent-scheduled  deviation");
        int worst = -1;
        double worstPercent = 0;
        for (int s = 0; s <= seconds; s++) {
            if (s == seconds) {
                System.out.printf(Locale.ROOT, "after  %10s %9d %5d%n", "-", intended[s], sent[s]);
                continue;
            }
            long difference = sent[s] - expected[s];
            double percent = expected[s] == 0 ? 0 : 100.0 * difference / expected[s];
            boolean counted = s >= skipSeconds;
            System.out.printf(Locale.ROOT, "%6d %10d %9d %5d %15d %9.1f %%%s%n", s, expected[s], intended[s], sent[s],
                    difference, percent, counted ? "" : "  (warm-up, not counted)");
            if (counted && (worst < 0 || Math.abs(percent) > Math.abs(worstPercent))) {
                worst = s;
                worstPercent = percent;
            }
        }
        if (seconds <= skipSeconds) {
            notMeasured("the load lasts " + seconds + " s, no second after the first " + skipSeconds + " s");
        }
        long total = Arrays.stream(expected).sum();
        System.out.printf(Locale.ROOT, "requests sent %d of %d scheduled (%d not sent: dropped iterations)%n",
                events.size(), total, total - events.size());
        // Errors do not change when a request was sent, but say what else the warm-up or the machine did.
        Map<String, Long> errors = new java.util.TreeMap<>();
        long laterErrors = 0;
        for (RequestTiming event : events) {
            if (event.getErrorClass() != ErrorClass.NONE) {
                errors.merge(event.getErrorClass() + (event.getStatus() == 0 ? "" : " " + event.getStatus()), 1L,
                        Long::sum);
                laterErrors += event.getIntendedStartUs() - startUs >= skipSeconds * 1_000_000 ? 1 : 0;
            }
        }
        System.out.printf(Locale.ROOT, "failed requests: %d %s, %d of them after the first %d s%n",
                errors.values().stream().mapToLong(Long::longValue).sum(), errors, laterErrors, skipSeconds);
        System.out.printf(Locale.ROOT, "worst deviation of a second's sends from the schedule after the first %d s: "
                + "%+.1f %% (second %d: %+d requests)%n", skipSeconds, worstPercent, worst,
                sent[worst] - expected[worst]);
        long[] late = lateUs.stream().mapToLong(Long::longValue).sorted().toArray();
        if (late.length == 0) {
            notMeasured("no request intended after the first " + skipSeconds + " s");
        }
        System.out.printf(Locale.ROOT, "send lateness (actual - intended start) after the first %d s: p50 %.3f ms, "
                + "p99 %.3f ms, max %.3f ms%n", skipSeconds, percentile(late, 50) / 1000.0,
                percentile(late, 99) / 1000.0, late[late.length - 1] / 1000.0);
    }

    private static void latency(String bootstrap, String runId, long skipSeconds) {
        List<RequestTiming> events = requests(bootstrap, runId);
        long startUs = events.stream().mapToLong(RequestTiming::getActualStartUs).min().orElseThrow();
        long failed = events.stream().filter(e -> e.getStatus() != 200).count();
        if (failed > 0) {
            notMeasured(failed + " of loadstream's " + events.size() + " requests did not get a 200");
        }
        printPercentiles("loadstream", events.stream()
                .filter(e -> e.getActualStartUs() - startUs >= skipSeconds * 1_000_000)
                .mapToLong(RequestTiming::getLatencyUs).toArray());
    }

    private static void abort(String bootstrap, String runId) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            // Connected, the producer id obtained and the partitions known before the clock starts, as in a
            // reporter that has run for a while: a HEARTBEAT of another run (which the generator ignores) first.
            List<PartitionInfo> partitions = producer.partitionsFor(TOPICS.control());
            RunControl warmUp = RunControl.newBuilder().setRunId(runId + "-warm-up").setType(ControlType.HEARTBEAT)
                    .setTimestampMs(System.currentTimeMillis()).setSource("bench").build();
            for (PartitionInfo partition : partitions) {
                producer.send(new ProducerRecord<>(TOPICS.control(), partition.partition(), null,
                        EventKeys.runKey(warmUp.getRunId()).getBytes(StandardCharsets.UTF_8),
                        EventSerdes.runControl().serialize(TOPICS.control(), warmUp)));
            }
            producer.flush();
            long sentUs = System.currentTimeMillis() * 1000;
            RunControl abort = RunControl.newBuilder().setRunId(runId).setType(ControlType.ABORT)
                    .setTimestampMs(sentUs / 1000).setSource("bench").setReason("bench/generator-timing.sh").build();
            byte[] key = EventKeys.runKey(runId).getBytes(StandardCharsets.UTF_8);
            byte[] value = EventSerdes.runControl().serialize(TOPICS.control(), abort);
            for (PartitionInfo partition : partitions) {
                producer.send(new ProducerRecord<>(TOPICS.control(), partition.partition(), null, key, value));
            }
            producer.flush();
            System.out.println(sentUs + " " + System.currentTimeMillis() * 1000);
        }
    }

    private static void after(String bootstrap, String runId, long sinceUs) {
        List<RequestTiming> events = requests(bootstrap, runId);
        long later = events.stream().filter(e -> e.getActualStartUs() > sinceUs).count();
        long lastUs = events.stream().mapToLong(RequestTiming::getActualStartUs).max().orElseThrow();
        long firstUs = events.stream().mapToLong(RequestTiming::getIntendedStartUs).min().orElseThrow();
        System.out.printf(Locale.ROOT, "%d %d %.1f %.1f%n", events.size(), later, (lastUs - sinceUs) / 1000.0,
                (sinceUs - firstUs) / 1000.0);
    }

    /** Every RequestTiming of the run on the requests topic; exits "not measured" when there is none. */
    private static List<RequestTiming> requests(String bootstrap, String runId) {
        return read(bootstrap, TOPICS.requests(), runId,
                bytes -> EventSerdes.requestTiming().deserialize(TOPICS.requests(), bytes), RequestTiming::getRunId);
    }

    /** Every value of TOPIC that belongs to the run, in offset order per partition; "not measured" when none. */
    private static <T> List<T> read(String bootstrap, String topic, String runId, Function<byte[], T> decoder,
                                    Function<T, CharSequence> runIdOf) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<T> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    notMeasured(topic + " was not read to its end within 120 s");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    T value = decoder.apply(record.value());
                    if (runIdOf.apply(value).toString().equals(runId)) {
                        values.add(value);
                    }
                }
            }
        }
        if (values.isEmpty()) {
            notMeasured("nothing of run " + runId + " on " + topic);
        }
        return values;
    }

    private static void samples(String bootstrap, String runId) {
        long[] timestampsMs = read(bootstrap, TOPICS.system(), runId,
                bytes -> EventSerdes.systemSample().deserialize(TOPICS.system(), bytes), SystemSample::getRunId)
                .stream().filter(sample -> sample.getRole() == HostRole.GENERATOR)
                .mapToLong(SystemSample::getTimestampMs).sorted().toArray();
        if (timestampsMs.length < 2) {
            notMeasured(timestampsMs.length + " generator sample(s) of run " + runId + " on " + TOPICS.system()
                    + ", no interval");
        }
        long[] gapsMs = new long[timestampsMs.length - 1];
        for (int i = 1; i < timestampsMs.length; i++) {
            gapsMs[i - 1] = timestampsMs[i] - timestampsMs[i - 1];
        }
        Arrays.sort(gapsMs);
        System.out.printf(Locale.ROOT, "%d %d %d%n", timestampsMs.length, gapsMs[0], gapsMs[gapsMs.length - 1]);
    }

    private static void printPercentiles(String who, long[] latenciesUs) {
        if (latenciesUs.length == 0) {
            notMeasured(who + " recorded no exchange after its warm-up");
        }
        Arrays.sort(latenciesUs);
        System.out.printf(Locale.ROOT, "%d %.3f %.3f%n", latenciesUs.length, percentile(latenciesUs, 50) / 1000.0,
                percentile(latenciesUs, 99) / 1000.0);
    }

    /** The nearest-rank percentile of sorted values (as Commons Math's R_1, which the ordinary tests use). */
    private static long percentile(long[] sorted, double percentile) {
        int rank = (int) Math.ceil(percentile / 100 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    private static void notMeasured(String reason) {
        System.err.println("not measured: " + reason);
        System.exit(1);
    }
}
