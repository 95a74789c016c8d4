package io.loadstream.generator.publish;

/**
 * One stretch of time in which the broker acknowledged none of a generator's records while some were waiting.
 *
 * @param startedMs      when the last acknowledgement before it arrived (or a record was first refused), epoch ms
 * @param durationMs     how long until the next acknowledgement, in milliseconds
 * @param eventsBuffered records held (in memory or in the journal) during it: those waiting when it began and
 *                       every record made until it ended
 * @param eventsLost     records counted as lost during it (both bounds full, or not deliverable at all)
 */
public record KafkaOutage(long startedMs, long durationMs, long eventsBuffered, long eventsLost) {
}
