package io.loadstream.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class LoopbackPortsTest {

    @Test
    void aListeningPortAcceptsAndIsNotFree() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = server.getLocalPort();

            assertThat(LoopbackPorts.accepts(port)).isTrue();
            assertThat(LoopbackPorts.isFree(port)).isFalse();
        }
    }

    @Test
    void aFreePortIsFreeAndAcceptsNothing() {
        int port = LoopbackPorts.freePort();

        assertThat(port).isBetween(1, 65535);
        assertThat(LoopbackPorts.isFree(port)).isTrue();
        assertThat(LoopbackPorts.accepts(port)).isFalse();
    }

    @Test
    void rejectsPortsOutsideTheTcpRange() {
        assertThatThrownBy(() -> LoopbackPorts.accepts(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("between 1 and 65535");
        assertThatThrownBy(() -> LoopbackPorts.isFree(65536))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
