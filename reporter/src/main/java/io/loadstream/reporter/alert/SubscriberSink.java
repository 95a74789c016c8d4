package io.loadstream.reporter.alert;

import io.loadstream.events.Alert;

/**
 * A sink that delivers to subscribers outside the reporter, each through its own {@link SubscriberQueue}, any of
 * which can be left out of one notification: the one a delivery-failure alert is about ({@link DeliveryFailures}).
 */
public interface SubscriberSink extends AlertSink {

    /**
     * Takes a state change for every subscriber but one; returns at once.
     *
     * @param alert      the change
     * @param subscriber the subscriber to leave out, as {@link DeliveryFailure#subscriber()} names it
     */
    void acceptExcept(Alert alert, String subscriber);
}
