package io.loadstream.broker;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A JVM that starts a broker, says so on stdout, then waits to be killed: used to show that an embedded broker
 * does not outlive its parent. It gives up by itself after two minutes.
 */
public final class BrokerParentForTest {

    static final String READY = "BROKER-PID ";

    private BrokerParentForTest() {
    }

    public static void main(String[] args) throws InterruptedException {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(BrokerOptions.DEFAULT.withDirectory(Path.of(args[0])));
        java.io.PrintStream stdout = System.out;
        stdout.println(READY + broker.pid());
        stdout.flush();
        TimeUnit.MINUTES.sleep(2);
        broker.close();
    }
}
