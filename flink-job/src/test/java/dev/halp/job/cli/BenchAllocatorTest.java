package dev.halp.job.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static dev.halp.job.cli.VerifyCommandTest.halp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bench allocator}: one JVM per allocator, each round's time and resident memory reported. */
class BenchAllocatorTest {

    @Test
    void everyAllocatorAskedForReportsItsRoundsFromItsOwnJvm() throws Exception {
        VerifyCommandTest.Run r = halp("bench", "allocator", "--model", "tiny", "--height", "32", "--width", "32",
                "--rounds", "3", "--allocators", "glibc,system", "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode a = r.json().get("allocators");
        assertEquals(2, a.size(), a.toString());
        for (String choice : new String[] {"glibc", "system"}) {
            JsonNode c = a.get(choice);
            assertEquals(3, c.get("rss_mb_by_round").size(), c.toString());
            assertTrue(c.get("whole_ms_p50").asDouble() > 0, c.toString());
            // a JVM with the engine loaded holds well over 50 MB: the numbers are the child's, read from /proc
            assertTrue(c.get("rss_mb_round_1").asDouble() > 50, c.toString());
        }
        assertEquals(1.0, a.get("glibc").get("whole_time_vs_first").asDouble());
    }

    @Test
    void anUnknownAllocatorNamesTheOption() {
        VerifyCommandTest.Run r = halp("bench", "allocator", "--allocators", "jemalloc");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--allocators") && r.err().contains("jemalloc"), r.err());
    }
}
