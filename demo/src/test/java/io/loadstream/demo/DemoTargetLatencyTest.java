package io.loadstream.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The demo target's timing and errors, measured from a real client: service times within the declared profile,
 * error rates within a binomial tolerance, the same answers for the same seed, and queueing past the worker pool.
 */
class DemoTargetLatencyTest {

    /**
     * What scheduling, GC and HTTP may add to a service time on a loaded 2-core machine, ms. Upper bounds here only
     * catch gross errors; the exact schedule is checked on a virtual clock ({@code WorkerPoolTest}) and the drawn
     * service times without HTTP ({@code DemoTargetTest}). Lower bounds hold on any machine: nothing answers early.
     */
    private static final double LOADED_MACHINE_MS = 5_000;

    private final List<DemoTarget> started = new ArrayList<>();

    @AfterEach
    void stopTargets() {
        started.forEach(DemoTarget::close);
    }

    private DemoTarget start(DemoTargetOptions options, List<DemoEndpoint> endpoints) {
        DemoTarget target = DemoTarget.start(options, endpoints);
        started.add(target);
        return target;
    }

    private static DemoTargetOptions onAFreePort(long seed) {
        return DemoTargetOptions.defaults().withPort(0).withSeed(seed);
    }

    @Test
    void latenciesAtLowConcurrencyFollowTheDeclaredProfile() throws Exception {
        // given: the standard catalogue, one request at a time to a public page
        DemoTarget target = start(onAFreePort(7), DemoCatalogue.standard());
        DemoEndpoint endpoint = target.endpoints().stream()
                .filter(e -> e.name().equals("GET /api/public/home")).findFirst().orElseThrow();
        LatencyProfile profile = endpoint.latency();
        DemoHttp http = new DemoHttp(target);
        http.send("GET", "/health", null);

        // when
        int requests = 200;
        double[] latenciesMs = new double[requests];
        for (int i = 0; i < requests; i++) {
            latenciesMs[i] = http.send("GET", endpoint.path(), DemoTarget.DEFAULT_TOKEN).latencyMs();
        }

        // then: no answer comes before the profile's minimum, nor grossly after its maximum,
        double[] sorted = latenciesMs.clone();
        java.util.Arrays.sort(sorted);
        assertThat(sorted[0]).isGreaterThanOrEqualTo(profile.minMs());
        assertThat(sorted[requests - 1]).isLessThanOrEqualTo(profile.maxMs() + LOADED_MACHINE_MS);
        // and the median is at least the profile's within the sampling error of 200 lognormal draws (the median of
        // the logarithms has a standard error of 1.2533 sigma / sqrt(n); 4 of them), plus what a request adds.
        double median = new Percentile().evaluate(latenciesMs, 50);
        double tolerance = Math.exp(4 * 1.2533 * profile.sigma() / Math.sqrt(requests));
        assertThat(median)
                .isBetween(profile.medianMs() / tolerance, profile.medianMs() * tolerance + LOADED_MACHINE_MS);
        // and the service times vary as declared: the 95th percentile lies at least half the declared distance
        // above the median (what a loaded machine adds to every request moves both, and only widens the spread).
        double p95 = new Percentile().evaluate(latenciesMs, 95);
        assertThat(p95 - median).isGreaterThan((profile.p95Ms() - profile.medianMs()) / 2);
    }

    @Test
    void anEndpointFailsAtItsErrorRateWithinABinomialTolerance() throws Exception {
        // given: an endpoint that answers at once and fails 20 % of the time
        double rate = 0.2;
        DemoEndpoint flaky = new DemoEndpoint("GET", "/api/flaky", DemoService.PUBLIC, LatencyProfile.fixed(0), rate);
        DemoTarget target = start(onAFreePort(11), List.of(flaky));
        DemoHttp http = new DemoHttp(target);

        // when
        int requests = 1_000;
        List<Integer> statuses = statuses(http, flaky.path(), requests);

        // then: the failures are 500 or 503, and their count is within 4 standard deviations of n * rate
        long failures = statuses.stream().filter(s -> s >= 500).count();
        double sd = Math.sqrt(requests * rate * (1 - rate));
        assertThat((double) failures).isBetween(requests * rate - 4 * sd, requests * rate + 4 * sd);
        assertThat(statuses).containsOnly(200, 500, 503).contains(500, 503);
    }

    @Test
    void theSameSeedGivesTheSameAnswersInTheSameOrder() throws Exception {
        DemoEndpoint flaky = new DemoEndpoint("GET", "/api/flaky", DemoService.PUBLIC, LatencyProfile.fixed(0), 0.3);
        DemoTarget first = start(onAFreePort(99), List.of(flaky));
        DemoTarget second = start(onAFreePort(99), List.of(flaky));
        DemoTarget other = start(onAFreePort(100), List.of(flaky));

        List<Integer> firstStatuses = statuses(new DemoHttp(first), flaky.path(), 100);
        List<Integer> secondStatuses = statuses(new DemoHttp(second), flaky.path(), 100);
        List<Integer> otherStatuses = statuses(new DemoHttp(other), flaky.path(), 100);

        assertThat(secondStatuses).isEqualTo(firstStatuses);
        assertThat(otherStatuses).isNotEqualTo(firstStatuses);
    }

    @Test
    void requestsBeyondTheWorkerPoolWaitForAFreeWorker() throws Exception {
        // given: two workers and an endpoint that holds one for exactly 200 ms
        double serviceMs = 200;
        int workers = 2;
        int concurrent = 8;
        DemoEndpoint fixed = new DemoEndpoint("GET", "/api/fixed", DemoService.PUBLIC,
                LatencyProfile.fixed(serviceMs), 0);
        DemoTarget target = start(onAFreePort(1).withWorkers(workers), List.of(fixed));
        DemoHttp http = new DemoHttp(target);
        // Warm up the client and its connections, so that the 8 requests arrive together.
        List<CompletableFuture<DemoHttp.Answer>> warmUp = new ArrayList<>();
        for (int i = 0; i < concurrent; i++) {
            warmUp.add(http.sendAsync("GET", "/health", null));
        }
        CompletableFuture.allOf(warmUp.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        // when: 8 requests at once
        List<CompletableFuture<DemoHttp.Answer>> answers = new ArrayList<>();
        for (int i = 0; i < concurrent; i++) {
            answers.add(http.sendAsync("GET", fixed.path(), DemoTarget.DEFAULT_TOKEN));
        }
        List<DemoHttp.Answer> done = new ArrayList<>();
        for (CompletableFuture<DemoHttp.Answer> answer : answers) {
            done.add(answer.get(60, TimeUnit.SECONDS));
        }

        // then: served two at a time, the k-th answer (0-based, by latency) waited at least k / 2 service times in
        // the queue (less a quarter of one: the client's clock starts before the request arrives), and not grossly
        // more; WorkerPoolTest checks the exact schedule on a virtual clock
        done.sort(Comparator.comparingLong(DemoHttp.Answer::latencyNanos));
        for (int k = 0; k < concurrent; k++) {
            double expectedMs = (k / workers + 1) * serviceMs;
            assertThat(done.get(k).status()).isEqualTo(200);
            assertThat(done.get(k).latencyMs()).as("answer %d", k)
                    .isBetween(expectedMs - serviceMs / 4, expectedMs + LOADED_MACHINE_MS);
        }
    }

    private static List<Integer> statuses(DemoHttp http, String path, int requests) throws Exception {
        List<Integer> statuses = new ArrayList<>(requests);
        for (int i = 0; i < requests; i++) {
            statuses.add(http.send("GET", path, DemoTarget.DEFAULT_TOKEN).status());
        }
        return statuses;
    }
}
