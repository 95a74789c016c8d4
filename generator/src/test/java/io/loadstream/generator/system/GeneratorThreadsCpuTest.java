package io.loadstream.generator.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class GeneratorThreadsCpuTest {

    /** A thread that burns a fixed amount of work, notes its own CPU time, and waits until released. */
    private static final class Busy {
        final AtomicLong cpuNanos = new AtomicLong();
        final CountDownLatch done = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final Thread thread;

        Busy(String name, long rounds) {
            thread = new Thread(() -> {
                long x = 0;
                for (long i = 0; i < rounds; i++) {
                    x += Long.hashCode(x * 31 + i);
                }
                cpuNanos.set(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() + (x == 42 ? 1 : 0));
                done.countDown();
                try {
                    release.await(90, TimeUnit.SECONDS);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }, name);
            thread.setDaemon(true);
            thread.start();
        }
    }

    @Test
    void countsTheCpuOfTheGeneratorsThreadsAndNotThatOfOtherThreads() throws Exception {
        // given
        GeneratorThreadsCpu cpu = new GeneratorThreadsCpu();
        assumeThat(cpu.measured()).as("this JVM measures thread CPU time").isTrue();
        Busy generator = new Busy("loadstream-executor-test", 200_000_000L);
        Busy other = new Busy("aggregator-StreamThread-test", 400_000_000L);
        assertThat(generator.done.await(90, TimeUnit.SECONDS)).isTrue();
        assertThat(other.done.await(90, TimeUnit.SECONDS)).isTrue();

        // when: sampled while both threads are alive
        cpu.sample();
        generator.release.countDown();
        other.release.countDown();

        // then: the generator's thread is in, to the nanosecond it measured itself, and the other one is not
        assertThat(cpu.cpuNanos()).isGreaterThanOrEqualTo(generator.cpuNanos.get())
                .isLessThan(generator.cpuNanos.get() + other.cpuNanos.get() / 2);
    }

    @Test
    void knowsTheGeneratorsThreadsByName() {
        assertThat(GeneratorThreadsCpu.isGeneratorThread("loadstream-http-42")).isTrue();
        assertThat(GeneratorThreadsCpu.isGeneratorThread(
                "kafka-producer-network-thread | loadstream-generator-run-1-0")).isTrue();
        assertThat(GeneratorThreadsCpu.isGeneratorThread("kafka-producer-network-thread | loadstream-reporter-r"))
                .isFalse();
        assertThat(GeneratorThreadsCpu.isGeneratorThread("loadstream-webhooks-3")).isFalse();
        assertThat(GeneratorThreadsCpu.isGeneratorThread("qtp123-7")).isFalse();
    }
}
