/**
 * The reporter's entrance: Kafka records of the followed run, decoded once into typed {@link
 * io.loadstream.reporter.intake.RunEvent}s, or set aside as dead letters. Nothing here reads or writes Kafka itself.
 */
package io.loadstream.reporter.intake;
