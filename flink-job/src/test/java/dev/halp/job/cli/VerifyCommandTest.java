package dev.halp.job.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code halp verify} end to end, in process: the acceptance cases of the foundation issue. */
class VerifyCommandTest {

    record Run(int status, String out, String err) {
        JsonNode json() throws Exception {
            String[] lines = out.strip().split("\n");
            return new ObjectMapper().readTree(lines[lines.length - 1]);
        }
    }

    static Run halp(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Halp.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(status, out.toString(), err.toString());
    }

    @ParameterizedTest(name = "{0} {1}x{2}, {3} segments")
    @CsvSource({
            "vgg16, 224, 224, 1",
            "vgg16, 224, 224, 2",
            "vgg16, 224, 224, 3",
            "vgg16, 224, 224, 4",
            "vgg16, 224, 224, 8",
            "vgg16, 720, 1280, 3",
            "mobilenet-v1, 224, 224, 4",
            "vgg11, 200, 176, 3"})
    void segmentedInferenceIsBitExact(String model, int height, int width, int segments) throws Exception {
        Run r = halp("verify", "--model", model, "--height", "" + height, "--width", "" + width,
                "--segments", "" + segments, "--seed", "7", "--warmup", "0", "--json");
        assertEquals(0, r.status(), r.out() + r.err());
        JsonNode j = r.json();
        assertEquals(model, j.get("model").asText());
        assertEquals(height, j.get("height").asInt());
        assertEquals(width, j.get("width").asInt());
        assertEquals(segments, j.get("segments").asInt());
        assertTrue(j.get("blocks").asInt() >= 5, j.toString());
        assertEquals(0.0, j.get("max_abs_diff").asDouble(), j.toString());
        assertTrue(j.get("whole_ms").asDouble() > 0 && j.get("segmented_ms").asDouble() > 0, j.toString());
        assertTrue(j.get("passed").asBoolean());
        // every secondary computes rows in a split that has enough rows for it
        if (segments <= 4) {
            assertEquals(segments, countSecondaries(j), j.toString());
        }
    }

    private static int countSecondaries(JsonNode j) {
        List<String> names = new ArrayList<>();
        j.get("rows_computed_by").fieldNames().forEachRemaining(names::add);
        return (int) names.stream().filter(n -> n.startsWith("secondary_")).count();
    }

    @Test
    void tableNamesEveryPieceAndTheHaloOverhead() {
        Run r = halp("verify", "--model", "tiny", "--height", "64", "--width", "48", "--segments", "3", "--warmup", "0");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("host zone"), r.out());
        assertTrue(r.out().contains("secondary 2"), r.out());
        assertTrue(r.out().contains("computed twice"), r.out());
        assertTrue(r.out().contains("EXACT"), r.out());
    }

    /**
     * Unchecked slices with two threads (oneDNN and MKL pick size-dependent blocking) differ from the whole
     * frame in the last bits on the CPUs seen so far; whatever this CPU does, the exit status must follow the
     * difference and the tolerance.
     */
    @Test
    void theExitStatusFollowsTheDifferenceAndTheTolerance() throws Exception {
        Run r = halp("verify", "--model", "mobilenet-v1", "--segments", "4", "--threads", "2", "--warmup", "0",
                "--exact-slices", "false", "--json");
        JsonNode j = r.json();
        boolean differs = j.get("max_abs_diff").asDouble() > 0;
        assertEquals(differs ? 1 : 0, r.status(), j.toString());
        assertEquals(differs, r.err().contains("FAILED"), r.err());
        assertEquals(0, j.get("slice_shapes_probed").asInt());

        Run tolerant = halp("verify", "--model", "mobilenet-v1", "--segments", "4", "--threads", "2", "--warmup", "0",
                "--exact-slices", "false", "--tolerance", "1e-3", "--json");
        assertEquals(0, tolerant.status(), tolerant.out());
    }

    @Test
    void checkedSlicesAreExactWithTwoThreadsAndReportTheFallback() throws Exception {
        Run r = halp("verify", "--model", "mobilenet-v1", "--segments", "4", "--threads", "2", "--json");
        JsonNode j = r.json();
        assertEquals(0.0, j.get("max_abs_diff").asDouble(), j.toString());
        assertEquals(0, r.status());
        assertTrue(j.get("slice_shapes_probed").asInt() > 0, j.toString());
        assertEquals(j.get("slice_shapes_whole_frame_shape").asInt() > 0, j.get("fallback_layers").size() > 0,
                j.toString());
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "verify --model resnet101                     | --model: unknown model 'resnet101'",
            "verify --segments 300                        | --segments: 300 segments for a 224-row frame",
            "verify --segments 0                          | --segments: must be at least 1",
            "verify --height 20                           | --height: 20 rows is too small for vgg16 (minimum 32)",
            "verify --width 16                            | --width: 16 columns is too small",
            "verify --threads 0                           | --threads: must be at least 1",
            "verify --weights /no/such/file.params        | --weights: file not found",
            "verify --blocks diagonal                     | --blocks: unknown 'diagonal'",
            "verify --height abc                          | Invalid value for option '--height'"})
    void badOptionsGiveOneLineNamingTheOptionAndStatusTwo(String args, String message) {
        Run r = halp(args.trim().split("\\s+"));
        assertEquals(2, r.status(), r.out() + r.err());
        String first = r.err().lines().findFirst().orElse("");
        assertTrue(first.contains(message.trim()), first);
        assertTrue(r.out().isEmpty(), r.out());
    }

    @Test
    void helpListsTheSubcommands() {
        Run r = halp("--help");
        assertEquals(0, r.status());
        assertTrue(r.out().contains("verify"), r.out());
    }
}
