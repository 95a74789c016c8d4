package io.loadstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The aggregate command's options and errors, in-process, without a broker. */
class AggregateCommandTest {

    private final InProcessCli cli = new InProcessCli();

    @Test
    void helpListsEveryOption() {
        assertThat(cli.run("aggregate", "--help")).isEqualTo(ExitCodes.OK);
        assertThat(cli.out()).contains("Usage: loadstream aggregate").contains("--bootstrap")
                .contains("--application-id").contains("loadstream-aggregator").contains("--state-dir")
                .contains("--threads");
    }

    @Test
    void theBootstrapServersAreRequired() {
        assertThat(cli.run("aggregate")).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("Missing required option: '--bootstrap=SERVERS'");
    }

    @Test
    void zeroThreadsIsAConfigurationErrorWithoutAStackTrace() {
        assertThat(cli.run("aggregate", "--bootstrap", "127.0.0.1:9092", "--threads", "0"))
                .isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("--threads must be between 1 and 64, was 0").doesNotContain("\tat ");
    }

    @Test
    void aThreadCountPastTheBoundIsRefusedBeforeAnythingStarts() {
        assertThat(cli.run("aggregate", "--bootstrap", "127.0.0.1:9092", "--threads=100000"))
                .isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("--threads must be between 1 and " + AggregateCommand.MAX_THREADS
                + ", was 100000").doesNotContain("\tat ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b/c", "app:1", "é"})
    void anApplicationIdThatKafkaWouldRefuseIsAConfigurationError(String id) {
        assertThat(cli.run("aggregate", "--bootstrap", "127.0.0.1:9092", "--application-id=" + id))
                .isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("--application-id may contain only letters, digits, '.', '_' and '-', was '"
                + id + "'").doesNotContain("\tat ");
    }

    @Test
    void anApplicationIdTooLongForKafkasTopicNamesIsAConfigurationError() {
        String id = "a".repeat(OptionChecks.MAX_APPLICATION_ID_CHARS + 1);
        assertThat(cli.run("aggregate", "--bootstrap", "127.0.0.1:9092", "--application-id=" + id))
                .isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("--application-id must be at most " + OptionChecks.MAX_APPLICATION_ID_CHARS);
    }

    @Test
    void aStateDirThatIsAFileIsRefusedBeforeJoiningTheGroup(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        assertThat(cli.run("aggregate", "--bootstrap", "127.0.0.1:9092", "--state-dir=" + file))
                .isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("--state-dir " + file + " is not a directory")
                .doesNotContain("Aggregator running");
        assertThat(cli.out()).doesNotContain("Starting the aggregator");
    }

    @Test
    void aStateDirUnderAFileCannotBeCreated(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        assertThat(cli.run("aggregate", "--bootstrap", "127.0.0.1:9092", "--state-dir=" + file.resolve("sub")))
                .isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(cli.err()).contains("--state-dir " + file.resolve("sub") + " cannot be created");
    }
}
