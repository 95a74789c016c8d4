// Helper of bench/faults.sh, run with the distribution's class path (java -cp "lib/*" bench/FaultProbe.java ...):
//
//   count BOOTSTRAP TOPIC             prints how many records the topic holds (end minus start offsets, every
//                                     partition): the generator's producer is idempotent, not transactional, so on
//                                     the requests topic that is the number of timings on the broker
//   poison BOOTSTRAP RUN_ID PREFIX    writes poison records to the run's input topics (PREFIX.requests,
//                                     PREFIX.control, PREFIX.system): a null value keyed by the run id, a null key,
//                                     bytes of no schema, a truncated Avro header; prints how many
//   receiver PORT MODE LOG            a webhook receiver on 127.0.0.1:PORT until killed. MODE ok answers 204, fail
//                                     answers 500, hang never answers (the sender's timeout ends each try). Every
//                                     POST appends, per alert in its body, a line "fingerprint status" to LOG (also
//                                     when it fails or hangs: what arrived is what counts)
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

public class FaultProbe {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("count")) {
            System.out.println(count(args[1], args[2]));
        } else if (args.length == 4 && args[0].equals("poison")) {
            System.out.println(poison(args[1], args[2], args[3]));
        } else if (args.length == 4 && args[0].equals("receiver")) {
            receiver(Integer.parseInt(args[1]), args[2], Path.of(args[3]));
        } else {
            System.err.println("usage: FaultProbe count BOOTSTRAP TOPIC | poison BOOTSTRAP RUN_ID PREFIX"
                    + " | receiver PORT ok|fail|hang LOG");
            System.exit(2);
        }
    }

    static long count(String bootstrap, String topic) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                earliest.put(new TopicPartition(topic, p), OffsetSpec.earliest());
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            var starts = admin.listOffsets(earliest).all().get(30, TimeUnit.SECONDS);
            var ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
            long records = 0;
            for (TopicPartition tp : latest.keySet()) {
                records += ends.get(tp).offset() - starts.get(tp).offset();
            }
            return records;
        }
    }

    static int poison(String bootstrap, String runId, String prefix) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        byte[] key = runId.getBytes(StandardCharsets.UTF_8);
        byte[][] values = {null, "not avro at all".getBytes(StandardCharsets.UTF_8), {0, 0, 0}};
        int sent = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (String topic : List.of(prefix + ".requests", prefix + ".control", prefix + ".system")) {
                for (byte[] value : values) {
                    producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
                    sent++;
                }
                producer.send(new ProducerRecord<>(topic, null, values[1])).get(30, TimeUnit.SECONDS);
                sent++;
            }
        }
        return sent;
    }

    static void receiver(int port, String mode, Path log) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            StringBuilder lines = new StringBuilder();
            try {
                for (JsonNode alert : JSON.readTree(body).path("alerts")) {
                    lines.append(alert.path("fingerprint").asText("?")).append(' ')
                            .append(alert.path("status").asText("?")).append('\n');
                }
            } catch (java.io.IOException e) {
                lines.append("unreadable-body ?\n");
            }
            synchronized (FaultProbe.class) {
                Files.writeString(log, lines, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            switch (mode) {
                case "fail" -> exchange.sendResponseHeaders(500, -1);
                case "hang" -> {
                    try {
                        Thread.sleep(TimeUnit.MINUTES.toMillis(10));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                default -> exchange.sendResponseHeaders(204, -1);
            }
            exchange.close();
        });
        server.start();
        System.out.println("receiver on 127.0.0.1:" + port + " (" + mode + ")");
        Thread.currentThread().join();
    }
}
