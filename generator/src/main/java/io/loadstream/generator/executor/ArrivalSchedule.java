package io.loadstream.generator.executor;

import io.loadstream.generator.Segment;
import io.loadstream.generator.plan.Executor;
import io.loadstream.generator.plan.Load;
import io.loadstream.generator.plan.Stage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * When an open-model executor ({@code constant-arrival-rate}, {@code ramping-arrival-rate}) starts each
 * iteration, for one segment. A pure function, so it is tested without clocks. Immutable.
 *
 * <p>The plan's cumulative number of arrivals {@code N(t)} is the integral of the rate, which is constant or
 * moves linearly within each stage. The plan's arrival {@code j} (from 0) is due at the time when
 * {@code N(t) = j}: at a constant rate {@code r} per second, at {@code j / r} seconds. Segment {@code k} of
 * {@code n} takes the plan's arrivals {@code k, k + n, k + 2n, ...}, so n segments together start exactly the
 * plan's iterations, interleaved, and each runs at the rate divided by n.
 */
public final class ArrivalSchedule {

    /** Returned by {@link #arrivalNanos(long)} for an arrival past the end of the load. */
    public static final long NEVER = Long.MAX_VALUE;

    /** One piece of the rate: from {@code startSeconds}, the rate moves from {@code fromRate} to {@code toRate}. */
    private record Piece(double startSeconds, double lengthSeconds, double fromRate, double toRate,
                         double arrivalsBefore) {
        double arrivals() {
            return (fromRate + toRate) / 2 * lengthSeconds;
        }
    }

    private final List<Piece> pieces;
    private final long durationNanos;
    private final Segment segment;

    private ArrivalSchedule(List<Piece> pieces, long durationNanos, Segment segment) {
        this.pieces = List.copyOf(pieces);
        this.durationNanos = durationNanos;
        this.segment = segment;
    }

    /**
     * The schedule of an open-model load.
     *
     * @param load    a {@code constant-arrival-rate} or {@code ramping-arrival-rate} load
     * @param segment this process's share
     * @return the schedule
     * @throws IllegalArgumentException when the load is a closed-model executor
     */
    public static ArrivalSchedule of(Load load, Segment segment) {
        if (!load.executor().openModel()) {
            throw new IllegalArgumentException(load.executor().planName() + " is not an arrival-rate executor");
        }
        double perSecond = 1.0 / seconds(load.timeUnit());
        List<Piece> pieces = new ArrayList<>();
        double arrivals = 0;
        double start = 0;
        if (load.executor() == Executor.CONSTANT_ARRIVAL_RATE) {
            double rate = load.rate() * perSecond;
            pieces.add(new Piece(0, seconds(load.duration()), rate, rate, 0));
        } else {
            double from = load.startRate() * perSecond;
            for (Stage stage : load.stages()) {
                double to = stage.target() * perSecond;
                Piece piece = new Piece(start, seconds(stage.duration()), from, to, arrivals);
                pieces.add(piece);
                arrivals += piece.arrivals();
                start += piece.lengthSeconds();
                from = to;
            }
        }
        return new ArrivalSchedule(pieces, load.totalDuration().toNanos(), segment);
    }

    /** How long the load lasts, in nanoseconds (without the graceful stop). */
    public long durationNanos() {
        return durationNanos;
    }

    /**
     * When this segment's iteration {@code i} is due.
     *
     * @param i the segment's iteration number, from 0
     * @return nanoseconds after the start of the load, or {@link #NEVER} when the load has ended before it
     */
    public long arrivalNanos(long i) {
        double j = (double) i * segment.count() + segment.index();
        for (Piece piece : pieces) {
            double end = piece.arrivalsBefore() + piece.arrivals();
            if (j > end || piece.lengthSeconds() <= 0) {
                continue;
            }
            double tau = offsetWithin(piece, j - piece.arrivalsBefore());
            if (Double.isNaN(tau) || tau >= piece.lengthSeconds()) {
                continue;
            }
            long nanos = (long) Math.floor((piece.startSeconds() + Math.max(0, tau)) * 1e9);
            return nanos < durationNanos ? nanos : NEVER;
        }
        return NEVER;
    }

    /** Seconds into the piece at which {@code delta} arrivals have happened: solves a + s t^2 / 2 = delta. */
    private static double offsetWithin(Piece piece, double delta) {
        if (delta <= 0) {
            return 0;
        }
        double a = piece.fromRate();
        double slope = (piece.toRate() - a) / piece.lengthSeconds();
        double discriminant = a * a + 2 * slope * delta;
        if (discriminant < 0) {
            return Double.NaN;
        }
        double denominator = a + Math.sqrt(discriminant);
        // The stable form of the quadratic's root: no cancellation when the slope is small or zero.
        return denominator <= 0 ? Double.NaN : 2 * delta / denominator;
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }
}
