package io.loadstream.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starts real brokers in child JVMs, so each test here pays a few seconds of broker start-up. */
class EmbeddedKafkaBrokerTest {

    @TempDir
    Path tmp;

    @Test
    void stockClientsProduceAndConsumeThroughTheBroker() throws Exception {
        Path directory;
        int port;
        long pid;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(BrokerOptions.DEFAULT)) {
            directory = broker.directory();
            port = broker.port();
            pid = broker.pid();
            assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
            assertThat(broker.isRunning()).isTrue();

            List<String> sent = produce(broker.bootstrapServers(), "round-trip", 100);
            assertThat(consume(broker.bootstrapServers(), "round-trip", sent.size())).isEqualTo(sent);
        }
        // Closed: the JVM is gone, the port is free and the temporary directory deleted.
        assertThat(ProcessHandle.of(pid)).isEmpty();
        assertThat(LoopbackPorts.accepts(port)).isFalse();
        assertThat(directory).doesNotExist();
    }

    @Test
    void keepsItsDataAcrossRestartsInAGivenDirectory() throws Exception {
        Path directory = tmp.resolve("broker");
        List<String> sent;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(BrokerOptions.DEFAULT.withDirectory(directory))) {
            sent = produce(broker.bootstrapServers(), "kept", 10);
        }
        assertThat(directory.resolve("data").resolve("meta.properties")).exists();
        assertThat(directory.resolve("broker.log")).isNotEmptyFile();

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(BrokerOptions.DEFAULT.withDirectory(directory))) {
            assertThat(consume(broker.bootstrapServers(), "kept", sent.size())).isEqualTo(sent);
        }
        assertThat(directory).exists();
    }

    @Test
    void refusesAPortThatIsAlreadyInUseWithASentence() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            BrokerOptions options = BrokerOptions.DEFAULT.withPort(taken.getLocalPort());

            assertThatThrownBy(() -> EmbeddedKafkaBroker.start(options))
                    .isInstanceOf(BrokerException.class)
                    .hasMessageContaining("port " + taken.getLocalPort() + " on 127.0.0.1 is already in use");
        }
    }

    @Test
    void quotesTheBrokerLogWhenTheBrokerCannotStart() {
        // Kafka rejects a negative thread count while validating its configuration.
        BrokerOptions options = BrokerOptions.DEFAULT
                .withDirectory(tmp.resolve("bad"))
                .withServerProperty("num.network.threads", "-5");

        assertThatThrownBy(() -> EmbeddedKafkaBroker.start(options))
                .isInstanceOf(BrokerException.class)
                .hasMessageContaining("exited with code")
                .hasMessageContaining("num.network.threads");
    }

    @Test
    void stopsByItselfWhenTheProcessThatStartedItIsKilled() throws Exception {
        // given: another JVM that starts a broker and is then killed with SIGKILL, so no shutdown hook runs
        Process parent = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                BrokerParentForTest.class.getName(), tmp.resolve("orphan").toString())
                .redirectErrorStream(true)
                .start();
        long brokerPid;
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
            brokerPid = readBrokerPid(out);
        } finally {
            parent.destroyForcibly();
        }
        assertThat(parent.waitFor(60, TimeUnit.SECONDS)).isTrue();

        // then: the orphaned broker notices and exits
        ProcessHandle broker = ProcessHandle.of(brokerPid).orElse(null);
        if (broker != null) {
            broker.onExit().get(120, TimeUnit.SECONDS);
        }
        assertThat(ProcessHandle.of(brokerPid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
    }

    private static long readBrokerPid(BufferedReader out) throws IOException {
        List<String> seen = new ArrayList<>();
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(BrokerParentForTest.READY)) {
                return Long.parseLong(line.substring(BrokerParentForTest.READY.length()).trim());
            }
            seen.add(line);
        }
        throw new AssertionError("The parent JVM ended before its broker was ready:\n" + String.join("\n", seen));
    }

    private static List<String> produce(String bootstrap, String topic, int count) throws Exception {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        List<String> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                String value = "record-" + i;
                producer.send(new ProducerRecord<>(topic, "key-" + i, value)).get(60, TimeUnit.SECONDS);
                sent.add(value);
            }
        }
        return sent;
    }

    private static List<String> consume(String bootstrap, String topic, int expected) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + System.nanoTime());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            // The consumer is not thread-safe: poll it on this thread only.
            await().atMost(Duration.ofSeconds(120)).pollInSameThread().pollInterval(Duration.ofMillis(1))
                    .until(() -> {
                        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                            received.add(record.value());
                        }
                        return received.size() >= expected;
                    });
        }
        return received;
    }

    @Test
    void writesTheServerPropertiesOfASingleCombinedNodeWithOverridesLast() {
        BrokerOptions options = BrokerOptions.DEFAULT.withServerProperty("num.partitions", "6");

        var properties = EmbeddedKafkaBroker.serverProperties(options, 1234, 5678, Path.of("/b"));

        assertThat(properties)
                .containsEntry("process.roles", "broker,controller")
                .containsEntry("listeners", "PLAINTEXT://127.0.0.1:1234,CONTROLLER://127.0.0.1:5678")
                .containsEntry("controller.quorum.voters", "1@127.0.0.1:5678")
                .containsEntry("transaction.state.log.replication.factor", "1")
                .containsEntry("transaction.state.log.min.isr", "1")
                .containsEntry("log.dirs", Path.of("/b", "data").toString())
                .containsEntry("num.partitions", "6");
        assertThat(Files.exists(Path.of("/b"))).isFalse();
    }
}
