package dev.halp.operators.flink;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StageFaultsTest {

    private static RowsMessage message(long sequence, int bytes) {
        RowsMessage m = new RowsMessage();
        m.sequence = sequence;
        m.data = new byte[bytes];
        return m;
    }

    @Test
    void aDegradedLinkDelaysOnlyItsOwnSecondaryAndOnlyInItsFrameRange() {
        StageFaults f = StageFaults.NONE.withSlowLink(2, 8, 5, 10); // 8 Mbit/s = 1 byte per microsecond
        assertEquals(125, f.linkDelayMs(2, message(5, 125_000)), "125 kB at 8 Mbit/s");
        assertEquals(125, f.linkDelayMs(2, message(9, 125_000)));
        assertEquals(0, f.linkDelayMs(2, message(4, 125_000)), "before the range");
        assertEquals(0, f.linkDelayMs(2, message(10, 125_000)), "restored from the until frame on");
        assertEquals(0, f.linkDelayMs(1, message(6, 125_000)), "another secondary's link");
        assertEquals(0, StageFaults.NONE.withSlowLink(0, 8, 0, 10).linkDelayMs(0, message(1, 125_000)),
                "the host has no link of its own here");
    }

    @Test
    void slowComputeScalesWithRowsFromItsFrameOn() {
        StageFaults f = StageFaults.NONE.withSlowCompute(1, 1.5, 3);
        assertEquals(150, f.computeDelayMs(1, 3, 100));
        assertEquals(0, f.computeDelayMs(1, 2, 100));
        assertEquals(0, f.computeDelayMs(2, 7, 100));
    }

    @Test
    void noneInjectsNothingAndCopiesKeepTheOtherFaults() {
        assertFalse(StageFaults.NONE.stalls(0) || StageFaults.NONE.stalls(1));
        StageFaults f = StageFaults.NONE.withStalled(1).withSlowCompute(2, 1, 0).withSlowLink(2, 8, 0, 1);
        assertTrue(f.stalls(1));
        assertEquals(10, f.computeDelayMs(2, 0, 10));
        assertEquals(1, f.linkDelayMs(2, message(0, 1000)));
    }
}
