package dev.halp.partitioner.rf;

/**
 * A half-open range of rows {@code [start, end)} of one feature map. Rows are the only axis HALP
 * splits: widths are never cut.
 */
public record RowRange(int start, int end) implements Comparable<RowRange> {

    public static final RowRange EMPTY = new RowRange(0, 0);

    public RowRange {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("bad row range [" + start + ", " + end + ")");
        }
    }

    public static RowRange of(int start, int end) {
        return new RowRange(start, end);
    }

    public int size() {
        return end - start;
    }

    public boolean isEmpty() {
        return end == start;
    }

    public boolean contains(int row) {
        return row >= start && row < end;
    }

    public boolean contains(RowRange other) {
        return other.isEmpty() || (other.start >= start && other.end <= end);
    }

    /** The rows both ranges hold; empty when they are disjoint. */
    public RowRange intersect(RowRange other) {
        int s = Math.max(start, other.start);
        int e = Math.min(end, other.end);
        return e > s ? new RowRange(s, e) : EMPTY;
    }

    public boolean overlaps(RowRange other) {
        return !intersect(other).isEmpty();
    }

    /** Shifts the range so that {@code origin} becomes row 0. */
    public RowRange relativeTo(int origin) {
        return new RowRange(start - origin, end - origin);
    }

    @Override
    public int compareTo(RowRange o) {
        return start != o.start ? Integer.compare(start, o.start) : Integer.compare(end, o.end);
    }

    @Override
    public String toString() {
        return "[" + start + "," + end + ")";
    }
}
