package io.loadstream.schemas;

import io.loadstream.events.Alert;
import io.loadstream.events.AlertStatus;
import io.loadstream.events.ControlType;
import io.loadstream.events.EndpointTotals;
import io.loadstream.events.EndpointWindow;
import io.loadstream.events.ErrorClass;
import io.loadstream.events.HostRole;
import io.loadstream.events.LatencyStats;
import io.loadstream.events.RequestTiming;
import io.loadstream.events.RunControl;
import io.loadstream.events.SystemSample;
import io.loadstream.events.SystemWindow;
import io.loadstream.events.ThresholdSpec;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/** One event of each type, every field set to a value that differs from its default. */
final class SampleEvents {

    static final String RUN_ID = "weekly-2025.11.26_a";
    static final long START_US = 1_764_000_000_123_456L;
    static final long START_MS = START_US / 1000;

    private SampleEvents() {
    }

    static RequestTiming requestTiming() {
        return RequestTiming.newBuilder()
                .setRunId(RUN_ID)
                .setGeneratorId("gen-2")
                .setScenario("typical_user")
                .setEndpoint("GET /api/sns/posts/{id}")
                .setMethod("GET")
                .setStatus(503)
                .setErrorClass(ErrorClass.STATUS)
                .setErrorDetail("HTTP 503 Service Unavailable")
                .setIntendedStartUs(START_US)
                .setActualStartUs(START_US + 1_250)
                .setLatencyUs(48_321)
                .setServiceTimeUs(47_071)
                .setTimeToFirstByteUs(40_002)
                .setBytesSent(312)
                .setBytesReceived(2_048)
                .setVu(17)
                .setIteration(9_001)
                .build();
    }

    static SystemSample systemSample() {
        return SystemSample.newBuilder()
                .setRunId(RUN_ID)
                .setHost("loadgen-01.example.internal")
                .setRole(HostRole.GENERATOR)
                .setGeneratorId("gen-2")
                .setTimestampMs(START_MS + 1_000)
                .setCpuPercent(73.5)
                .setProcessCpuPercent(41.25)
                .setAvailableProcessors(8)
                .setMemoryUsedBytes(6_442_450_944L)
                .setMemoryTotalBytes(17_179_869_184L)
                .setHeapUsedBytes(512_000_000L)
                .setHeapMaxBytes(2_147_483_648L)
                .setGcTimeMs(12)
                .setGcCount(3)
                .setDiskUsedBytes(100_000_000_000L)
                .setDiskTotalBytes(500_000_000_000L)
                .setLoadAverage1m(3.75)
                .build();
    }

    static RunControl runControl() {
        ThresholdSpec threshold = ThresholdSpec.newBuilder()
                .setMetric("http_req_duration{endpoint:GET /api/sns/analytics}")
                .setExpression("p(95)<900")
                .setWindowMs(30_000)
                .setForMs(60_000)
                .setAbortOnFail(true)
                .setDelayAbortEvalMs(15_000)
                .build();
        ThresholdSpec global = ThresholdSpec.newBuilder()
                .setMetric("http_req_failed")
                .setExpression("rate<0.01")
                .build();
        return RunControl.newBuilder()
                .setRunId(RUN_ID)
                .setType(ControlType.ABORT)
                .setTimestampMs(START_MS + 90_000)
                .setSource("reporter")
                .setPlanName("softfactory-weekly")
                .setSegmentIndex(1)
                .setSegmentCount(3)
                .setWindowSizeMs(5_000)
                .setGraceMs(1_000)
                .setPlannedDurationMs(300_000)
                .setThresholds(List.of(threshold, global))
                .setSlowRequestMs(2_000)
                .setSlowEndpointP95Ms(750)
                .setRequestsSent(123_456)
                .setEventsDropped(7)
                .setDroppedIterations(42)
                .setActiveVus(100)
                .setReason("threshold http_req_duration{endpoint:GET /api/sns/analytics} p(95)<900 failed")
                .setAttributes(Map.of("version", "0.1.0", "host", "loadgen-01"))
                .build();
    }

    static LatencyStats latencyStats() {
        return LatencyStats.newBuilder()
                .setCount(1_000)
                .setErrorCount(12)
                .setErrorsByClass(Map.of("STATUS", 10L, "TIMEOUT", 2L))
                .setStatusCounts(Map.of("200", 988L, "503", 10L, "0", 2L))
                .setBytesSent(312_000)
                .setBytesReceived(2_048_000)
                .setMinUs(1_200)
                .setMaxUs(10_000_000)
                .setMeanUs(48_321.5)
                .setHistogram(ByteBuffer.wrap(new byte[] {0x1c, (byte) 0x84, 0x13, 0x14, 0x00, 0x7f}))
                .setServiceTimeHistogram(ByteBuffer.wrap(new byte[] {0x1c, (byte) 0x84, 0x13}))
                .build();
    }

    static EndpointWindow endpointWindow() {
        return EndpointWindow.newBuilder()
                .setRunId(RUN_ID)
                .setEndpoint("POST /api/sns/posts")
                .setWindowStartMs(1_764_000_000_000L)
                .setWindowEndMs(1_764_000_010_000L)
                .setStats(latencyStats())
                .setThroughputRps(100.0)
                .build();
    }

    static EndpointTotals endpointTotals() {
        return EndpointTotals.newBuilder()
                .setRunId(RUN_ID)
                .setEndpoint("*")
                .setFirstEventMs(1_764_000_000_001L)
                .setLastEventMs(1_764_000_299_999L)
                .setLateEvents(3)
                .setComplete(true)
                .setStats(latencyStats())
                .build();
    }

    static SystemWindow systemWindow() {
        return SystemWindow.newBuilder()
                .setRunId(RUN_ID)
                .setHost("target-01")
                .setRole(HostRole.TARGET)
                .setWindowStartMs(1_764_000_000_000L)
                .setWindowEndMs(1_764_000_010_000L)
                .setSamples(10)
                .setCpuMean(55.5)
                .setCpuMax(91.0)
                .setProcessCpuMean(20.25)
                .setProcessCpuMax(33.0)
                .setMemoryUsedMeanBytes(4_000_000_000L)
                .setMemoryUsedMaxBytes(4_100_000_000L)
                .setHeapUsedMeanBytes(300_000_000L)
                .setHeapUsedMaxBytes(400_000_000L)
                .build();
    }

    static Alert alert() {
        return Alert.newBuilder()
                .setRunId(RUN_ID)
                .setFingerprint("9f86d081884c7d65")
                .setRule("http_req_duration{endpoint:GET /x} p(95)<500")
                .setMetric("http_req_duration{endpoint:GET /x}")
                .setExpression("p(95)<500")
                .setScope("endpoint:GET /x")
                .setStatus(AlertStatus.RESOLVED)
                .setObserved(612.5)
                .setStartsAtMs(1_764_000_030_000L)
                .setEndsAtMs(1_764_000_090_000L)
                .setWindowMs(30_000)
                .setForMs(60_000)
                .setAbortOnFail(true)
                .setSummary("p95 of GET /x was 612.5 ms for 1 min, above 500 ms")
                .setLabels(Map.of("endpoint", "GET /x", "plan", "softfactory-weekly"))
                .build();
    }
}
