package dev.halp.job.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static dev.halp.job.cli.VerifyCommandTest.halp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One convention for every command of {@code bin/halp}: {@code --help} succeeds, a bad option is a usage error
 * (status 2, one line on standard error naming it), every command that ends with a summary takes
 * {@code --json} and then prints exactly one JSON object on standard output.
 */
class CliConventionTest {

    /** Commands without a summary: a server that runs until stopped, and picocli's help. */
    /** Servers that run until stopped, and help: nothing to summarise. */
    private static final Set<String> NO_SUMMARY = Set.of("halp broker", "halp view", "halp help");

    /** Every command as the words that call it ("halp", "halp bench", "halp bench speedup", ...). */
    static List<CommandLine> commands() {
        List<CommandLine> all = new ArrayList<>();
        collect(new CommandLine(new Halp()), all);
        return all;
    }

    private static void collect(CommandLine c, List<CommandLine> all) {
        all.add(c);
        c.getSubcommands().values().stream().distinct().forEach(sub -> collect(sub, all));
    }

    private static String[] words(CommandLine c, String... more) {
        List<String> w = new ArrayList<>(List.of(c.getCommandSpec().qualifiedName().split(" ")));
        w.remove(0);
        w.addAll(List.of(more));
        return w.toArray(String[]::new);
    }

    @TestFactory
    Stream<DynamicTest> helpSucceedsAndABadOptionIsAUsageError() {
        return commands().stream().filter(c -> !c.getCommandName().equals("help"))
                .map(c -> DynamicTest.dynamicTest(c.getCommandSpec().qualifiedName(), () -> {
                    VerifyCommandTest.Run help = halp(words(c, "--help"));
                    assertEquals(0, help.status(), help.err());
                    assertTrue(help.out().startsWith("Usage: " + c.getCommandSpec().qualifiedName()), help.out());
                    VerifyCommandTest.Run bad = halp(words(c, "--no-such-option"));
                    assertEquals(2, bad.status(), bad.out() + bad.err());
                    assertTrue(bad.err().contains("--no-such-option"), bad.err());
                    assertTrue(bad.err().startsWith("halp: "), bad.err());
                }));
    }

    @Test
    void everyCommandWithASummaryTakesJson() {
        List<String> missing = commands().stream()
                .filter(c -> c.getSubcommands().isEmpty())
                .map(c -> c.getCommandSpec())
                .filter(s -> !NO_SUMMARY.contains(s.qualifiedName()))
                .filter(s -> s.findOption("--json") == null)
                .map(CommandLine.Model.CommandSpec::qualifiedName).toList();
        assertEquals(List.of(), missing);
        assertTrue(commands().size() >= 20, "walked " + commands().size() + " commands");
    }

    @Test
    void jsonMeansOneObjectOnStandardOutputAndProgressOnStandardError(@TempDir Path dir) throws Exception {
        Path profile = dir.resolve("cpu-tiny.json");
        assertOneObject(halp("profile", "--model", "tiny", "--height", "32", "--width", "32", "--points", "2",
                "--repeats", "1", "--out", profile.toString(), "--json"), 0, "worst_line_deviation");
        assertOneObject(halp("plan", "--model", "tiny", "--height", "32", "--width", "32", "--profile",
                profile.toString(), "--json"), 0, "local_ms");
        assertOneObject(halp("verify", "--model", "tiny", "--height", "32", "--width", "32", "--json"), 0,
                "max_abs_diff");
        // a check that fails still ends with its summary
        JsonNode status = assertOneObject(halp("cluster", "status", "--dir", dir.resolve("none").toString(), "--json"),
                1, "running");
        assertFalse(status.get("running").asBoolean());
    }

    private static JsonNode assertOneObject(VerifyCommandTest.Run r, int status, String field) throws Exception {
        assertEquals(status, r.status(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(1, lines.length, "standard output: " + r.out());
        JsonNode j = new ObjectMapper().readTree(lines[0]);
        assertTrue(j.isObject() && j.has(field), r.out());
        assertFalse(r.err().isBlank(), "progress belongs on standard error");
        return j;
    }
}
