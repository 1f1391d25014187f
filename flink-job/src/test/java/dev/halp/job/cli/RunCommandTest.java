package dev.halp.job.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code run --json}: progress on standard error, standard output exactly the summary as one JSON object. */
class RunCommandTest {

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void withJsonStandardOutputIsOneJsonObject() throws Exception {
        VerifyCommandTest.Run r = VerifyCommandTest.halp("run", "--model", "tiny", "--height", "64", "--width", "64",
                "--frames", "3", "--fps", "5", "--json");
        assertEquals(0, r.status(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(1, lines.length, "standard output: " + r.out());
        JsonNode j = new ObjectMapper().readTree(lines[0]);
        assertTrue(j.isObject());
        assertEquals(3, j.get("frames_in").asInt());
        assertEquals(3, j.get("results").asInt() + j.get("misses").asInt() + j.get("dead_letters").asInt());
        assertTrue(r.err().contains("starting the cameras"), "progress on standard error: " + r.err());
    }

    /** MoDNN's VGG-16 graph (35 stages, each exchanging through the host) fits the embedded network buffers. */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void theMoDnnGraphOfVgg16Runs() throws Exception {
        VerifyCommandTest.Run r = VerifyCommandTest.halp("run", "--scheme", "modnn", "--frames", "1", "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out().strip());
        assertEquals(1, j.get("results").asInt() + j.get("misses").asInt(), j.toString());
    }
}
