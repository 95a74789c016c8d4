package io.loadstream.aggregator;

import io.loadstream.events.ControlType;
import io.loadstream.events.ErrorClass;
import io.loadstream.events.HostRole;
import io.loadstream.events.RequestTiming;
import io.loadstream.events.RunControl;
import io.loadstream.events.SystemSample;

/** Builds the events that generators send, for tests. */
final class Events {

    private Events() {
    }

    static RequestTiming request(String runId, String endpoint, long intendedStartMs, long latencyUs, int status,
                                 ErrorClass error) {
        return RequestTiming.newBuilder()
                .setRunId(runId)
                .setGeneratorId("gen-1")
                .setScenario("typical_user")
                .setEndpoint(endpoint)
                .setMethod(endpoint.substring(0, Math.max(0, endpoint.indexOf(' '))))
                .setStatus(status)
                .setErrorClass(error)
                .setErrorDetail(error == ErrorClass.NONE ? null : "failure " + error)
                .setIntendedStartUs(intendedStartMs * 1000)
                .setActualStartUs(intendedStartMs * 1000)
                .setLatencyUs(latencyUs)
                .setServiceTimeUs(latencyUs)
                .setBytesSent(100)
                .setBytesReceived(1000)
                .setVu(0)
                .build();
    }

    static RequestTiming ok(String runId, String endpoint, long intendedStartMs, long latencyUs) {
        return request(runId, endpoint, intendedStartMs, latencyUs, 200, ErrorClass.NONE);
    }

    static RunControl control(String runId, ControlType type, long timestampMs, int segmentIndex, int segments) {
        return RunControl.newBuilder()
                .setRunId(runId)
                .setType(type)
                .setTimestampMs(timestampMs)
                .setSource("gen-" + segmentIndex)
                .setPlanName("test")
                .setSegmentIndex(segmentIndex)
                .setSegmentCount(segments)
                .build();
    }

    static RunControl started(String runId, long timestampMs, long windowMs, long graceMs) {
        RunControl control = control(runId, ControlType.STARTED, timestampMs, 0, 1);
        control.setWindowSizeMs(windowMs);
        control.setGraceMs(graceMs);
        return control;
    }

    static SystemSample system(String runId, String host, long timestampMs, double cpu, long heap) {
        return SystemSample.newBuilder()
                .setRunId(runId)
                .setHost(host)
                .setRole(HostRole.GENERATOR)
                .setTimestampMs(timestampMs)
                .setCpuPercent(cpu)
                .setProcessCpuPercent(cpu / 2)
                .setAvailableProcessors(2)
                .setMemoryUsedBytes(1_000_000)
                .setMemoryTotalBytes(2_000_000)
                .setHeapUsedBytes(heap)
                .setHeapMaxBytes(10_000_000)
                .setGcTimeMs(0)
                .setGcCount(0)
                .setDiskUsedBytes(-1)
                .setDiskTotalBytes(-1)
                .setLoadAverage1m(-1)
                .build();
    }
}
