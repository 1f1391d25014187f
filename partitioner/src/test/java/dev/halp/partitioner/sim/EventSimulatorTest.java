package dev.halp.partitioner.sim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EventSimulatorTest {

    @Test
    void aResourceServesTheEarliestTaskFirstAmongReadyOps() {
        OpGraph g = new OpGraph(2);
        int a = g.add(1, 0, 5, 0, "task 1 first");
        int b = g.add(0, 0, 2, 0, "task 0 later", a);
        int c = g.add(1, 0, 1, 0, "task 1 second");
        int d = g.add(0, 1, 3, 1, "other resource", b);
        Timeline t = EventSimulator.run(g);
        assertEquals(0, t.interval(a).start());
        // at 5 both b (task 0) and c (task 1) are ready: task 0 goes first
        assertEquals(5, t.interval(b).start());
        assertEquals(7, t.interval(c).start());
        assertEquals(7, t.interval(d).start());
        assertEquals(11, t.interval(d).done());
        assertEquals(11, t.makespan());
    }

    @Test
    void opsMayOnlyDependOnEarlierOps() {
        OpGraph g = new OpGraph(1);
        assertThrows(IllegalArgumentException.class, () -> g.add(0, 0, 1, 0, "self", 0));
        assertThrows(IllegalArgumentException.class, () -> g.add(0, 3, 1, 0, "no resource"));
    }
}
