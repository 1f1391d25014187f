package dev.halp.job.cli;

import dev.halp.kafka.record.Json;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Map;

/**
 * The {@code --json} option every command that ends with a summary shares (a picocli mixin), so that they all
 * keep one convention: with {@code --json}, standard output holds exactly one JSON object, the summary, on its
 * last line, and human progress goes to standard error; without it, progress and a human summary go to
 * standard output.
 */
public final class JsonSummary {

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--json", description = "standard output: one JSON object, the summary (progress on standard error)")
    boolean enabled;

    /** Whether {@code --json} was given. */
    public boolean enabled() {
        return enabled;
    }

    /** Where human-readable progress and summaries go: standard error with {@code --json}, else standard output. */
    public PrintWriter progress() {
        return enabled ? command.commandLine().getErr() : command.commandLine().getOut();
    }

    /** Prints the summary as one line of JSON on standard output when {@code --json} was given. */
    public void print(Map<String, ?> summary) {
        if (enabled) {
            command.commandLine().getOut().println(Json.write(summary));
        }
    }
}
