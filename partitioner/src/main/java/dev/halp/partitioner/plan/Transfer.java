package dev.halp.partitioner.plan;

import dev.halp.partitioner.rf.RowRange;

/**
 * Rows that move between participants before block {@code block} runs: rows of that block's input (the
 * previous block's output, or the frame for block 0). {@code block == blocks} is the final gather of the
 * last block's output on the host.
 */
public record Transfer(int block, Participant from, Participant to, RowRange rows) {
}
