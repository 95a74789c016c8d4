import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The Gatling peer of bench/generator-vs-wrk.sh: USERS virtual users (one connection each), each sending GET URL
 * in a loop for SECONDS, with no think time and no check beyond Gatling's default (status 2xx/304). Prints the
 * same "Done:" line as bench/JettyLoop.java: requests, req/s from the first to the last completed request, and the
 * JVM's CPU per request from Gatling's before() hook to its after() hook (its start-up excluded, its statistics
 * engine included: what the load costs a Gatling user). Properties: bench.url, bench.users,
 * bench.seconds. Run by bench/gatling.sh.
 */
public class BenchSimulation extends Simulation {

    private static final LongAdder DONE = new LongAdder();
    /** System.nanoTime() of the first and the latest completed request: the rate's time span. */
    private static final AtomicLong FIRST_NANOS = new AtomicLong();
    private static volatile long lastNanos;
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static long cpuAtStart;

    private final URI url = URI.create(System.getProperty("bench.url"));
    private final int users = Integer.getInteger("bench.users", 50);
    private final int seconds = Integer.getInteger("bench.seconds", 20);

    private final HttpProtocolBuilder protocol = http.baseUrl(url.getScheme() + "://" + url.getAuthority())
            .disableCaching().disableWarmUp();

    private final ScenarioBuilder scenario = scenario("bench").during(Duration.ofSeconds(seconds)).on(
            http("get").get(url.getRawPath()), io.gatling.javaapi.core.CoreDsl.exec(session -> {
                long now = System.nanoTime();
                FIRST_NANOS.compareAndSet(0, now);
                lastNanos = now;
                DONE.increment();
                return session;
            }));

    {
        setUp(scenario.injectOpen(atOnceUsers(users))).protocols(protocol);
    }

    @Override
    public void before() {
        cpuAtStart = OS.getProcessCpuTime();
    }

    @Override
    public void after() {
        long cpu = OS.getProcessCpuTime() - cpuAtStart;
        double elapsed = Math.max(1e-9, (lastNanos - FIRST_NANOS.get()) / 1e9);
        long requests = DONE.sum();
        System.out.printf(Locale.ROOT, "Done: %d requests in %.1f s (%.0f req/s, %.1f us CPU each)%n",
                requests, elapsed, requests / elapsed, cpu / 1e3 / Math.max(1, requests));
    }
}
