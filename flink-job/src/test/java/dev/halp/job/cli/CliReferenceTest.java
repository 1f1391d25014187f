package dev.halp.job.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code docs/cli.md} is picocli's usage help of every command, so the reference cannot drift from the code:
 * this test fails when they differ. {@code mvn -pl flink-job test -Dtest=CliReferenceTest -Dhalp.write-docs=true}
 * rewrites the file.
 */
class CliReferenceTest {

    static final Path FILE = Path.of("..", "docs", "cli.md");

    static String reference() {
        // defaults under the temporary directory read the same on every machine (surefire moves it)
        String tmp = System.getProperty("java.io.tmpdir");
        System.setProperty("java.io.tmpdir", "/tmp");
        try {
            return render();
        } finally {
            System.setProperty("java.io.tmpdir", tmp);
        }
    }

    private static String render() {
        StringBuilder md = new StringBuilder("""
                # Command-line reference

                Generated from the commands' own usage help by `CliReferenceTest` (do not edit by hand; the test
                fails when this file and the code differ). Every command that ends with a summary takes `--json`:
                standard output is then exactly one JSON object, progress goes to standard error. Exit status: 0
                success, 1 the run or check failed, 2 bad usage (one line naming the option).
                """);
        for (CommandLine c : CliConventionTest.commands()) {
            if (c.getCommandName().equals("help")) {
                continue;
            }
            c.setUsageHelpWidth(110);
            md.append("\n## `").append(c.getCommandSpec().qualifiedName()).append("`\n\n```text\n")
                    .append(c.getUsageMessage(CommandLine.Help.Ansi.OFF).stripTrailing()).append("\n```\n");
        }
        return md.toString();
    }

    @Test
    void docsCliMdIsTheUsageHelpOfEveryCommand() throws Exception {
        String expected = reference();
        if (Boolean.getBoolean("halp.write-docs")) {
            Files.writeString(FILE, expected);
        }
        String actual = Files.isRegularFile(FILE) ? Files.readString(FILE) : "";
        assertEquals(expected, actual, "docs/cli.md is out of date: run mvn -pl flink-job test -Dtest=CliReferenceTest "
                + "-Dhalp.write-docs=true");
    }
}
