package io.loadstream.cli;

import io.loadstream.demo.DemoService;
import io.loadstream.demo.DemoTarget;
import io.loadstream.demo.DemoTargetOptions;
import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loadstream demo-target}: the sample API of docs/DEMO_TARGET.md, until Ctrl-C (or SIGTERM), then it stops
 * cleanly.
 */
@Command(
        name = "demo-target",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Run the demo target until Ctrl-C: a sample API shaped like the reference's system (Review, SNS,",
            "Dashboard, User and Public services, 60 endpoints) with realistic latencies, a small error rate and a",
            "bounded worker pool. Every request except GET /health needs 'Authorization: Bearer TOKEN'.",
            "The examples in examples/ run against it."
        })
final class DemoTargetCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + DemoTargetOptions.DEFAULT_PORT,
            description = "TCP port (default: ${DEFAULT-VALUE}; 0 picks a free port).")
    int port;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = DemoTargetOptions.DEFAULT_HOST,
            description = "Interface to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface, "
                    + "e.g. in a container).")
    String host;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = DemoTarget.DEFAULT_TOKEN,
            description = "The Bearer token that requests must carry (default: ${DEFAULT-VALUE}).")
    String token;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "" + DemoTargetOptions.DEFAULT_WORKERS,
            description = "Requests served at once; more wait in a queue, so latency climbs past this "
                    + "concurrency (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--seed", paramLabel = "SEED",
            description = "Seed of the random latencies and errors, for repeatable runs (default: random).")
    Long seed;

    @Override
    public Integer call() throws InterruptedException {
        DemoTargetOptions options = options();
        PrintWriter out = spec.commandLine().getOut();
        DemoTarget target;
        try {
            target = DemoTarget.start(options);
        } catch (IllegalStateException e) {
            throw new UserFacingException(e.getMessage(), ExitCodes.FAILURE, e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        // Ctrl-C and SIGTERM end this JVM; the server stops first, so that its port is free when the JVM is gone.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("Stopping the demo target ...");
            out.flush();
            target.close();
            out.println("Demo target stopped after " + target.requestsReceived() + " requests.");
            out.flush();
            stopped.countDown();
        }, "loadstream-demo-target-stop"));
        Map<DemoService, Integer> perService = new EnumMap<>(DemoService.class);
        target.endpoints().forEach(e -> perService.merge(e.service(), 1, Integer::sum));
        out.println("Demo target listening on " + target.baseUrl());
        out.println("  base URL:  " + target.baseUrl());
        out.println("  token:     " + options.token() + "   (send 'Authorization: Bearer " + options.token() + "')");
        out.println("  endpoints: " + target.endpoints().size() + " " + perService);
        out.println("  workers:   " + options.workers() + " (more concurrent requests wait in a queue)");
        out.println("  seed:      " + options.seed());
        out.println("Press Ctrl-C to stop it.");
        out.flush();
        stopped.await();
        return ExitCodes.OK;
    }

    private DemoTargetOptions options() {
        OptionChecks checks = OptionChecks.of(spec);
        checks.port("--port", port);
        checks.localAddress("--host", host);
        if (workers < 1 || workers > DemoTargetOptions.MAX_WORKERS) {
            throw checks.invalid("--workers must be between 1 and " + DemoTargetOptions.MAX_WORKERS + ", was "
                    + workers);
        }
        DemoTargetOptions defaults = DemoTargetOptions.defaults();
        try {
            return defaults.withHost(host).withPort(port).withToken(token).withWorkers(workers)
                    .withSeed(seed == null ? defaults.seed() : seed);
        } catch (IllegalArgumentException e) {
            throw checks.invalid(e.getMessage());
        }
    }
}
