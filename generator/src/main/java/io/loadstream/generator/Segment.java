package io.loadstream.generator;

/**
 * This process's share of the load, as k6's execution segments: {@code --segment i/n} runs the i-th of n equal
 * shares, so that n generators together produce the plan's load. Immutable.
 *
 * <p>VU counts are split so that the shares add up exactly ({@link #share(int)}); arrival rates are divided by
 * {@code n}, and the arrivals of the shares interleave (share {@code k} takes the plan's arrivals
 * {@code k, k + n, k + 2n, ...}), so that together they follow the plan's schedule, not n bursts at once.
 *
 * @param index which share, from 0 (the i of {@code i/n}, minus one)
 * @param count how many shares, at least 1
 */
public record Segment(int index, int count) {

    /** The whole load, in one process. */
    public static final Segment WHOLE = new Segment(0, 1);

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException when count is below 1 or index is outside {@code [0, count)}
     */
    public Segment {
        if (count < 1) {
            throw new IllegalArgumentException("A segment needs at least 1 share, not " + count);
        }
        if (index < 0 || index >= count) {
            throw new IllegalArgumentException("Segment " + (index + 1) + "/" + count + " does not exist: i must "
                    + "be between 1 and " + count);
        }
    }

    /**
     * Parses {@code i/n} as written on the command line, with i from 1 to n.
     *
     * @param text e.g. {@code 2/3}
     * @return the segment
     * @throws IllegalArgumentException when the text is not {@code i/n} with {@code 1 <= i <= n}
     */
    public static Segment parse(String text) {
        String[] parts = text == null ? new String[0] : text.trim().split("/", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("A segment is written i/n (e.g. 2/3), not '" + text + "'");
        }
        int i;
        int n;
        try {
            i = Integer.parseInt(parts[0].trim());
            n = Integer.parseInt(parts[1].trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("A segment is written i/n with whole numbers (e.g. 2/3), not '"
                    + text + "'", e);
        }
        if (n < 1 || i < 1 || i > n) {
            throw new IllegalArgumentException("Segment '" + text + "' does not exist: it needs 1 <= i <= n");
        }
        return new Segment(i - 1, n);
    }

    /**
     * This share of a whole number of VUs: the shares of all segments add up to {@code total} exactly, and
     * differ by at most one.
     *
     * @param total the plan's VUs, not negative
     * @return this segment's VUs
     */
    public int share(int total) {
        return (int) ((long) (index + 1) * total / count - (long) index * total / count);
    }

    /**
     * This share of a whole number of VUs, but at least one: for pools that must not be empty.
     *
     * @param total the plan's VUs
     * @return this segment's VUs, at least 1
     */
    public int shareAtLeastOne(int total) {
        return Math.max(1, share(total));
    }

    /** {@code i/n} as written on the command line. */
    @Override
    public String toString() {
        return (index + 1) + "/" + count;
    }
}
