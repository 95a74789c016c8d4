package io.loadstream.reporter.run;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Decides when the reporter stops following a run: when every segment has FINISHED, the final totals are complete
 * and the windows add up to them; or, so that it never hangs, when one of its timeouts passes. Each
 * {@link #check(RunData)} looks at what has been read so far and at the injected clock, and says whether to go on.
 *
 * <p>The waits, each measured on the clock:
 * <ul>
 *   <li>no STARTED {@code startTimeout} after following began: the run never started (an error, not a report);</li>
 *   <li>no control record for {@code silenceTimeout} before every segment finished: the run is given up as dead;</li>
 *   <li>every segment finished but no complete totals {@code finishTimeout} later: report what arrived;</li>
 *   <li>complete totals but windows that add up to fewer requests {@code 5 × settle} later: report them anyway.</li>
 * </ul>
 * Not thread-safe: the reporter's one following thread calls it.
 */
public final class RunEnd {

    /** How many settle times the last windows may take to arrive after the final totals. */
    private static final int WINDOW_SETTLES = 5;

    /** What the reporter does next. */
    public enum Phase {
        /** Keep reading. */
        FOLLOWING,
        /** Stop reading and report: the run is over, or the reporter gave up waiting for the rest. */
        OVER,
        /** Stop with an error: no STARTED arrived within the start timeout. */
        NEVER_STARTED
    }

    /**
     * The outcome of one check.
     *
     * @param phase    what to do next
     * @param totalsIn whether every segment finished and the final totals are complete: the data is complete, and
     *                 closed windows need not wait for later ones before they are evaluated
     * @param warning  when the reporter gave up waiting for part of the data, why (a sentence for the report)
     */
    public record Check(Phase phase, boolean totalsIn, Optional<String> warning) {
    }

    private final Clock clock;
    private final Duration startTimeout;
    private final Duration finishTimeout;
    private final Duration silenceTimeout;
    private final long windowsWaitMs;
    private final long followingSinceMs;
    private long lastControlMs;
    private long allFinishedAtMs = -1;
    private long totalsInAtMs = -1;

    /**
     * Starts the waits now, by {@code clock}.
     *
     * @param clock          the time source of every wait
     * @param startTimeout   how long to wait for the first STARTED
     * @param finishTimeout  how long to wait for complete totals once every segment has finished
     * @param silenceTimeout how long the control topic may stay silent before every segment has finished
     * @param settle         how long a closed window waits for the others of its period; the last windows may take
     *                       five times this after the final totals
     */
    public RunEnd(Clock clock, Duration startTimeout, Duration finishTimeout, Duration silenceTimeout,
                  Duration settle) {
        this.clock = clock;
        this.startTimeout = startTimeout;
        this.finishTimeout = finishTimeout;
        this.silenceTimeout = silenceTimeout;
        this.windowsWaitMs = settle.toMillis() * WINDOW_SETTLES;
        this.followingSinceMs = clock.millis();
        this.lastControlMs = followingSinceMs;
    }

    /** Notes that a control record of the run (a heartbeat, say) was read: the run is alive. */
    public void controlRead() {
        lastControlMs = clock.millis();
    }

    /** @return how long no control record of the run has been read, in milliseconds (from following's start) */
    public long silentMs() {
        return clock.millis() - lastControlMs;
    }

    /**
     * Notes that the broker did not answer the reporter: the waits for a heartbeat and for the final totals start
     * again from now, as the generators and the aggregator hold their records while the broker is away (a silence
     * during a broker outage is no sign of a dead run).
     */
    public void brokerUnreachable() {
        long now = clock.millis();
        lastControlMs = now;
        if (allFinishedAtMs >= 0) {
            allFinishedAtMs = now;
        }
    }

    /**
     * Looks at what has been read and at the clock.
     *
     * @param data what has been read about the run
     * @return whether to go on, and why not
     */
    public Check check(RunData data) {
        long now = clock.millis();
        boolean finished = data.allSegmentsFinished();
        if (finished && allFinishedAtMs < 0) {
            allFinishedAtMs = now;
        }
        boolean totalsIn = finished && data.totalsComplete();
        if (totalsIn && totalsInAtMs < 0) {
            totalsInAtMs = now;
        }
        if (totalsIn && data.windowsComplete()) {
            return new Check(Phase.OVER, true, Optional.empty());
        }
        if (!data.hasStarted()) {
            Phase phase = now - followingSinceMs > startTimeout.toMillis() ? Phase.NEVER_STARTED : Phase.FOLLOWING;
            return new Check(phase, false, Optional.empty());
        }
        if (totalsIn && now - totalsInAtMs > windowsWaitMs) {
            return over(true, "The final totals arrived but the windows add up to fewer requests; the timeline may "
                    + "miss its last windows.");
        }
        if (finished && !totalsIn && now - allFinishedAtMs > finishTimeout.toMillis()) {
            return over(false, "Every generator finished, but the aggregator's final totals did not arrive within "
                    + finishTimeout.toSeconds() + " s: figures come from what did arrive. Is an aggregator running?");
        }
        if (!finished && now - lastControlMs > silenceTimeout.toMillis()) {
            return over(false, "No control record (heartbeat) for " + silenceTimeout.toSeconds()
                    + " s before every generator had finished: the run was given up as dead.");
        }
        return new Check(Phase.FOLLOWING, totalsIn, Optional.empty());
    }

    private static Check over(boolean totalsIn, String warning) {
        return new Check(Phase.OVER, totalsIn, Optional.of(warning));
    }
}
