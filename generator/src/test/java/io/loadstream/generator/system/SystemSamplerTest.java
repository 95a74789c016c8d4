package io.loadstream.generator.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.loadstream.events.HostRole;
import io.loadstream.events.SystemSample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sampler's figures read from this machine's real /proc, against the files themselves as the oracle. */
class SystemSamplerTest {

    private Process child;

    @AfterEach
    void stopChild() {
        if (child != null) {
            child.destroyForcibly();
        }
    }

    @Test
    void readsTheLoadAveragesTheResidentMemoryAndTheDisksOfThisMachine() throws IOException {
        assumeThat(Path.of("/proc/loadavg")).as("a Linux /proc").exists();
        SystemSampler sampler = sampler(null);

        double before = Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[1]);
        SystemSample sample = sampler.sample();
        double after = Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[1]);

        // The 5-minute average moves every 5 s: the sample's lies between the file's before and after.
        assertThat(sample.getLoadAverage5m()).isBetween(Math.min(before, after), Math.max(before, after));
        assertThat(sample.getLoadAverage1m()).isNotNegative();
        assertThat(sample.getLoadAverage15m()).isNotNegative();
        long rss = vmRssBytes();
        assertThat(sample.getProcessRssBytes()).isPositive().isBetween(rss / 2, rss * 2);
        assertThat(sample.getHeapCommittedBytes()).isGreaterThanOrEqualTo(sample.getHeapUsedBytes());
        assertThat(sample.getDiskBusyPercent()).isBetween(-1.0, 100.0);
        if (!ProcFiles.system().diskCounters().isEmpty()) {
            assertThat(sample.getDiskReadBytes()).isNotNegative();
            assertThat(sample.getDiskWrittenBytes()).isNotNegative();
        }
        assertThat(sample.getWatchedProcess()).isNull();
        assertThat(sample.getWatchedProcessCpuPercent()).isEqualTo(-1);
    }

    @Test
    void reportsTheCpuAndMemoryOfAWatchedBusyProcessFoundByItsCommandName(@TempDir Path dir) throws IOException {
        assumeThat(Path.of("/proc/self/stat")).as("a Linux /proc").exists();
        // given: a shell under a name of its own, spinning
        Path shell = dir.resolve("ls-busy-shell");
        Files.createSymbolicLink(shell, Path.of("/bin/sh"));
        child = new ProcessBuilder(shell.toString(), "-c", "while :; do :; done").start();
        WatchedProcess watched = WatchedProcess.byName("ls-busy-shell");
        SystemSampler sampler = sampler(watched);

        // when: samples are taken until the child has had some CPU (a loaded machine may give it little)
        AtomicReference<SystemSample> last = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
            last.set(sampler.sample());
            return last.get().getWatchedProcessCpuPercent() > 0;
        });

        // then: the figures are the child's, named by its pid and command
        SystemSample sample = last.get();
        assertThat(sample.getWatchedProcess()).isEqualTo(child.pid() + " (ls-busy-shell)");
        assertThat(sample.getWatchedProcessCpuPercent()).isBetween(0.0, 100.0);
        assertThat(sample.getWatchedProcessRssBytes()).isPositive();
        assertThat(WatchedProcess.byPid(child.pid()).read().label()).isEqualTo(sample.getWatchedProcess());
        // and once it ends, the process is reported as not running instead of with stale figures
        child.destroyForcibly();
        await().atMost(Duration.ofSeconds(90)).until(() -> !watched.isRunning());
        assertThat(sampler.sample().getWatchedProcessCpuPercent()).isEqualTo(-1);
    }

    private static SystemSampler sampler(WatchedProcess watched) {
        return new SystemSampler("run-1", "host-a", HostRole.TARGET, null, System::currentTimeMillis, Path.of("."),
                watched);
    }

    private static long vmRssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS");
    }
}
