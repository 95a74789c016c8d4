package io.loadstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** Every command that talks to Kafka takes the same connection options, with the same meaning and errors. */
class KafkaConnectionOptionsTest {

    private static final List<String> KAFKA_COMMANDS = List.of("run", "generate", "agent", "aggregate",
            "report");

    @TempDir
    Path dir;

    private final InProcessCli cli = new InProcessCli();

    @ParameterizedTest
    @ValueSource(strings = {"run", "generate", "agent", "aggregate", "report"})
    void helpOfEveryKafkaCommandListsTheConnectionOptions(String command) {
        assertThat(cli.run(command, "--help")).isEqualTo(ExitCodes.OK);
        assertThat(cli.out()).contains("--bootstrap=SERVERS").contains("--kafka-config=FILE")
                .contains("--kafka-property=KEY=VALUE").contains("--topic-prefix=PREFIX").contains("loadstream");
    }

    @Test
    void propertiesGivenOneByOneOverrideTheFileAndTheFileAddsTheRest() throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, "security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\n# a comment\n");
        CommandLine commandLine = LoadstreamCommand.commandLine();
        CommandLine.ParseResult parsed = commandLine.parseArgs("aggregate", "--bootstrap", " 10.0.0.1:9093 ",
                "--kafka-config", file.toString(), "--kafka-property", "sasl.mechanism=SCRAM-SHA-512",
                "--kafka-property", "client.rack=r1", "--topic-prefix", "team-a");
        AggregateCommand aggregate = (AggregateCommand) parsed.subcommand().commandSpec().userObject();

        assertThat(aggregate.kafka.clientProperties()).isEqualTo(Map.of("security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512", "client.rack", "r1"));
        assertThat(aggregate.kafka.bootstrap()).isEqualTo("10.0.0.1:9093");
        assertThat(aggregate.kafka.topics().requests()).isEqualTo("team-a.requests");
    }

    @Test
    void aMissingKafkaConfigFileIsOneSentenceAndExit104ForEveryCommand() {
        Path missing = dir.resolve("none.properties");
        // run and generate read their Kafka options before the plan, so the plan need not exist here
        Path plan = dir.resolve("plan.yaml");
        for (String command : KAFKA_COMMANDS) {
            List<String> args = new java.util.ArrayList<>(List.of(command));
            if (command.equals("generate") || command.equals("run")) {
                args.add(plan.toString());
            }
            args.addAll(List.of("--bootstrap", "127.0.0.1:1", "--kafka-config", missing.toString()));
            if (!command.equals("aggregate") && !command.equals("run")) {
                args.addAll(List.of("--run-id", "r1"));
            }
            if (command.equals("report")) {
                args.addAll(List.of("--out", dir.resolve("out").toString()));
            }
            cli.clear();
            assertThat(cli.run(args.toArray(String[]::new))).as(command).isEqualTo(ExitCodes.INVALID_CONFIG);
            assertThat(cli.err()).as(command)
                    .contains("The Kafka configuration " + missing + " does not exist or is not a file")
                    .doesNotContain("\tat ");
        }
    }

    @Test
    void anIllegalTopicPrefixIsAConfigurationError() {
        assertThat(cli.run("aggregate", "--bootstrap", "127.0.0.1:1", "--topic-prefix", "bad prefix!"))
                .isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("--topic-prefix").doesNotContain("\tat ");
    }
}
