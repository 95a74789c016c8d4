/**
 * What the reporter writes to Kafka besides alerts: the ABORT of a run to every control partition, and records it
 * could not decode to the dead-letter topic.
 */
package io.loadstream.reporter.publish;
