package dev.halp.operators.exec;

import dev.halp.operators.tensor.TensorBytes;
import dev.halp.partitioner.rf.RowRange;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The feature rows one participant holds, as chunks of bytes keyed by their row range. */
public final class RowStore {

    private record Chunk(RowRange rows, TensorBytes data) { }

    private final List<Chunk> chunks = new ArrayList<>();

    public void put(RowRange rows, TensorBytes data) {
        if (data.height() != rows.size()) {
            throw new IllegalArgumentException("chunk " + rows + " holds " + data.height() + " rows");
        }
        if (!rows.isEmpty()) {
            chunks.add(new Chunk(rows, data));
        }
    }

    /** Rows {@code want}, assembled from the chunks; fails naming the first row nobody sent. */
    public TensorBytes take(RowRange want) {
        List<Chunk> sorted = new ArrayList<>(chunks);
        sorted.sort(Comparator.comparing(Chunk::rows));
        List<TensorBytes> parts = new ArrayList<>();
        int next = want.start();
        for (Chunk c : sorted) {
            if (next >= want.end()) {
                break;
            }
            if (c.rows().start() <= next && c.rows().end() > next) {
                int end = Math.min(want.end(), c.rows().end());
                parts.add(c.data().rows(next - c.rows().start(), end - c.rows().start()));
                next = end;
            }
        }
        if (next < want.end()) {
            throw new IllegalStateException("row " + next + " of " + want + " is not held (have " + ranges() + ")");
        }
        return TensorBytes.concatRows(parts);
    }

    public List<RowRange> ranges() {
        return chunks.stream().map(Chunk::rows).sorted().toList();
    }
}
