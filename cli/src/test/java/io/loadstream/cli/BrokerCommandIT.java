package io.loadstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import io.loadstream.broker.LoopbackPorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loadstream broker} as a user runs it: the packaged distribution in its own JVM, a stock Kafka client
 * producing to and consuming from it, and SIGTERM to stop it.
 */
class BrokerCommandIT {

    @TempDir
    Path tmp;

    private Process process;

    @AfterEach
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void servesStockClientsUntilSigtermThenStopsTheBrokerAndKeepsItsDirectory() throws Exception {
        // given
        int port = LoopbackPorts.freePort();
        Path directory = tmp.resolve("broker");
        process = new ProcessBuilder(Distribution.command("broker", "--port", String.valueOf(port), "--dir",
                directory.toString(), "--retention", "6h"))
                .redirectErrorStream(true)
                .start();
        BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        List<String> printed = Distribution.awaitLine(out, "Press Ctrl-C to stop it.");
        assertThat(printed).contains("Kafka broker listening on 127.0.0.1:" + port);
        List<ProcessHandle> brokerJvms = process.descendants().toList();
        assertThat(brokerJvms).isNotEmpty();

        // when: a stock client produces and consumes
        String bootstrap = "127.0.0.1:" + port;
        List<String> sent = new ArrayList<>();
        Properties producerConfig = new Properties();
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 20; i++) {
                producer.send(new ProducerRecord<>("cli-broker", "k" + i, "v" + i)).get(30, TimeUnit.SECONDS);
                sent.add("v" + i);
            }
        }
        List<String> received = new ArrayList<>();
        Properties consumerConfig = new Properties();
        consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "cli-broker-it");
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("cli-broker"));
            // The consumer is not thread-safe: poll it on this thread.
            await().atMost(Duration.ofSeconds(60)).pollInSameThread().untilAsserted(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    received.add(record.value());
                }
                assertThat(received).hasSameSizeAs(sent);
            });
        }
        assertThat(received).isEqualTo(sent);
        // and the broker keeps records for --retention, rolling its segments every quarter of it
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            ConfigResource node = new ConfigResource(ConfigResource.Type.BROKER, "1");
            Config config = admin.describeConfigs(List.of(node)).all().get(30, TimeUnit.SECONDS).get(node);
            assertThat(config.get("log.retention.ms").value())
                    .isEqualTo(String.valueOf(Duration.ofHours(6).toMillis()));
            assertThat(config.get("log.roll.ms").value())
                    .isEqualTo(String.valueOf(Duration.ofMinutes(90).toMillis()));
        }

        // then: SIGTERM stops the command and its broker JVM, frees the port and keeps the data
        process.toHandle().destroy(); // SIGTERM; unlike Process.destroy(), it leaves our end of stdout open
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exits after SIGTERM").isTrue();
        out.lines().forEach(printed::add);
        assertThat(printed).contains("Stopping the Kafka broker ...", "Kafka broker stopped.");
        for (ProcessHandle broker : brokerJvms) {
            broker.onExit().get(30, TimeUnit.SECONDS);
        }
        assertThat(LoopbackPorts.accepts(port)).isFalse();
        assertThat(directory.resolve("data").resolve("meta.properties")).exists();
        assertThat(String.join("\n", printed)).contains("directory:").contains("(kept)");
    }

    @Test
    void aBrokerThatDiesUnderItIsReportedWithExitCodeOne() throws Exception {
        process = new ProcessBuilder(Distribution.command("broker", "--port", "0")).start();
        BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Distribution.awaitLine(out, "Press Ctrl-C to stop it.");

        process.descendants().forEach(ProcessHandle::destroyForcibly);

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(ExitCodes.FAILURE);
        assertThat(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains("The Kafka broker stopped unexpectedly").contains("broker.log");
    }

    @Test
    void versionRunsFromTheDistribution() throws Exception {
        process = new ProcessBuilder(Distribution.command("--version")).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(ExitCodes.OK);
        assertThat(output).contains("loadstream 0.1.0").contains("Kafka 4.1.1");
    }

    @Test
    void aBadOptionExitsWith104AndASentenceOnStderr() throws Exception {
        process = new ProcessBuilder(Distribution.command("broker", "--port", "-3")).start();
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(stderr).startsWith("loadstream: --port must be between 1 and 65535").doesNotContain("\tat ");
    }

    @Test
    void aRetentionUnderAMinuteExitsWith104() throws Exception {
        process = new ProcessBuilder(Distribution.command("broker", "--port", "0", "--retention", "30s")).start();
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(stderr).startsWith("loadstream: --retention must be at least 1m").doesNotContain("\tat ");
    }
}
