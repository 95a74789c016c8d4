package io.loadstream.schemas;

import io.loadstream.events.Alert;
import io.loadstream.events.EndpointTotals;
import io.loadstream.events.EndpointWindow;
import io.loadstream.events.RequestTiming;
import io.loadstream.events.RunControl;
import io.loadstream.events.SystemSample;
import io.loadstream.events.SystemWindow;

/**
 * The serdes of every loadstream event, one shared instance per type. Each reads the current schema and the
 * older versions shipped with this module; see {@link AvroSerde}. The instances are thread-safe and stateless, so
 * any number of producers, consumers and Streams tasks may share them.
 */
public final class EventSerdes {

    private static final AvroSerde<RequestTiming> REQUEST_TIMING = AvroSerde.of(RequestTiming.class);
    private static final AvroSerde<SystemSample> SYSTEM_SAMPLE = AvroSerde.of(SystemSample.class);
    private static final AvroSerde<RunControl> RUN_CONTROL = AvroSerde.of(RunControl.class);
    private static final AvroSerde<EndpointWindow> ENDPOINT_WINDOW = AvroSerde.of(EndpointWindow.class);
    private static final AvroSerde<EndpointTotals> ENDPOINT_TOTALS = AvroSerde.of(EndpointTotals.class);
    private static final AvroSerde<SystemWindow> SYSTEM_WINDOW = AvroSerde.of(SystemWindow.class);
    private static final AvroSerde<Alert> ALERT = AvroSerde.of(Alert.class);

    private EventSerdes() {
    }

    /**
     * Returns the serde of {@code loadstream.requests} values.
     *
     * @return the shared {@link RequestTiming} serde
     */
    public static AvroSerde<RequestTiming> requestTiming() {
        return REQUEST_TIMING;
    }

    /**
     * Returns the serde of {@code loadstream.system} values.
     *
     * @return the shared {@link SystemSample} serde
     */
    public static AvroSerde<SystemSample> systemSample() {
        return SYSTEM_SAMPLE;
    }

    /**
     * Returns the serde of {@code loadstream.control} values.
     *
     * @return the shared {@link RunControl} serde
     */
    public static AvroSerde<RunControl> runControl() {
        return RUN_CONTROL;
    }

    /**
     * Returns the serde of {@code loadstream.windows} values.
     *
     * @return the shared {@link EndpointWindow} serde
     */
    public static AvroSerde<EndpointWindow> endpointWindow() {
        return ENDPOINT_WINDOW;
    }

    /**
     * Returns the serde of {@code loadstream.totals} values.
     *
     * @return the shared {@link EndpointTotals} serde
     */
    public static AvroSerde<EndpointTotals> endpointTotals() {
        return ENDPOINT_TOTALS;
    }

    /**
     * Returns the serde of {@code loadstream.system-windows} values.
     *
     * @return the shared {@link SystemWindow} serde
     */
    public static AvroSerde<SystemWindow> systemWindow() {
        return SYSTEM_WINDOW;
    }

    /**
     * Returns the serde of {@code loadstream.alerts} values.
     *
     * @return the shared {@link Alert} serde
     */
    public static AvroSerde<Alert> alert() {
        return ALERT;
    }
}
