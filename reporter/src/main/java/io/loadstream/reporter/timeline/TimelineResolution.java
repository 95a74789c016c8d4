package io.loadstream.reporter.timeline;

import io.loadstream.reporter.run.TimelinePoint;
import java.util.List;

/**
 * The resolutions of a report's timeline: the whole run in steps of {@code stepMs}, and each endpoint's last
 * {@code recentWindows} windows as they closed.
 *
 * @param windowMs the run's window length, milliseconds
 * @param stepMs   the whole-run step, milliseconds: {@code windowMs} times a power of two
 * @param recentWindows how many of each endpoint's latest windows {@code recent} holds at most
 * @param recent   the recent windows per endpoint, by start then endpoint
 */
public record TimelineResolution(long windowMs, long stepMs, int recentWindows, List<TimelinePoint> recent) {

    /** No timeline. */
    public static final TimelineResolution NONE = new TimelineResolution(0, 0, 0, List.of());

    /** Copies the list. */
    public TimelineResolution {
        recent = List.copyOf(recent);
    }

    /**
     * The resolutions of a bounded timeline now.
     *
     * @param timeline the timeline
     * @return its resolutions and recent windows
     */
    public static TimelineResolution of(BoundedTimeline timeline) {
        return new TimelineResolution(timeline.windowMs(), timeline.stepMs(), timeline.recentWindows(),
                timeline.recent());
    }
}
