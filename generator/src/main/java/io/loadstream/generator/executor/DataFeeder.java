package io.loadstream.generator.executor;

import io.loadstream.generator.Segment;
import io.loadstream.generator.plan.DataSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands out the rows of a {@link DataSource}, one per iteration, to every VU of this process. Thread-safe.
 *
 * <p>With segments, {@code circular} and {@code once} give segment {@code k} of {@code n} the rows
 * {@code k, k + n, ...}, so that n generators together use each row as one generator would; {@code once} never
 * gives a row twice across all segments.
 */
public final class DataFeeder {

    private final DataSource source;
    private final Segment segment;
    private final Map<String, Integer> columnIndex = new HashMap<>();
    private final AtomicLong next = new AtomicLong();

    /**
     * Creates a feeder.
     *
     * @param source  the rows
     * @param segment this process's share
     */
    public DataFeeder(DataSource source, Segment segment) {
        this.source = source;
        this.segment = segment;
        for (int i = 0; i < source.columns().size(); i++) {
            columnIndex.put(source.columns().get(i), i);
        }
    }

    /**
     * The next row.
     *
     * @param random the VU's random source, for {@code random} mode
     * @return the row, or null when a {@code once} source has run out (or the source has no rows)
     */
    public List<String> next(SplittableRandom random) {
        int size = source.rows().size();
        if (size == 0) {
            return null;
        }
        return switch (source.mode()) {
            case RANDOM -> source.rows().get(random.nextInt(size));
            case CIRCULAR -> source.rows().get((int) ((next.getAndIncrement() * segment.count() + segment.index())
                    % size));
            case ONCE -> {
                long index = next.getAndIncrement() * segment.count() + segment.index();
                yield index < size ? source.rows().get((int) index) : null;
            }
        };
    }

    /**
     * The value of a column in a row.
     *
     * @param row    a row from {@link #next(SplittableRandom)}
     * @param column the column name
     * @return the value, or an empty string when the column does not exist
     */
    public String value(List<String> row, String column) {
        Integer index = columnIndex.get(column);
        return index == null || row == null || index >= row.size() ? "" : row.get(index);
    }
}
