package dev.halp.operators.flink;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plan cache of one operator stays bounded however many frame sizes and shares a long job sees. */
class JobPlansTest {

    @Test
    void manyFrameSizesAndShareChangesKeepTheCacheWithinItsBound() {
        JobPlans plans = new JobPlans();
        for (int i = 0; i < 300; i++) {
            PlanSpec spec = JobPlans.defaultSpec("halp", "tiny", 32 + i % 50, 32 + i % 7, 2);
            // online re-planning: the same size with other shares is another spec
            spec.weights[0] = 1 + i % 3;
            plans.plan(spec);
            assertTrue(plans.cached() <= JobPlans.MAX_PLANS, plans.cached() + " plans after " + (i + 1) + " specs");
        }
        assertEquals(JobPlans.MAX_PLANS, plans.cached());
        PlanSpec recent = JobPlans.defaultSpec("halp", "tiny", 40, 40, 2);
        assertSame(plans.plan(recent), plans.plan(recent), "a plan in use is built once");
    }
}
