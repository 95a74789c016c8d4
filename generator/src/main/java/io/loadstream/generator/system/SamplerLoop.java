package io.loadstream.generator.system;

import io.loadstream.events.SystemSample;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Takes a {@link SystemSample} every second on its own thread and hands it on, until closed. */
public final class SamplerLoop implements AutoCloseable {

    /** Interval between samples, in milliseconds. */
    public static final long INTERVAL_MS = 1_000;

    private static final Logger LOG = LoggerFactory.getLogger(SamplerLoop.class);

    private final ScheduledExecutorService thread;

    /**
     * Starts sampling; the first sample is taken one interval from now.
     *
     * @param sampler the sampler
     * @param sink    receives each sample, on the sampler thread
     */
    public SamplerLoop(SystemSampler sampler, Consumer<SystemSample> sink) {
        this.thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, "loadstream-system-sampler");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleAtFixedRate(() -> {
            try {
                sink.accept(sampler.sample());
            } catch (RuntimeException e) {
                LOG.warn("A system sample failed: {}", e.toString());
            }
        }, INTERVAL_MS, INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    /** Stops sampling. */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
