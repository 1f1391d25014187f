package dev.halp.job.cli;

import dev.halp.operators.cnn.DjlEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.List;

/**
 * The {@code bin/halp} launcher. Exit status: 0 when it worked, 1 when a check it performs failed, 2 for a
 * usage or configuration error (one line naming the option).
 */
@Command(name = "halp", mixinStandardHelpOptions = true, version = "halp 0.1.0",
        description = "HALP: receptive-field-aware split CNN inference across edge servers, on Apache Flink.",
        subcommands = {RunCommand.class, VerifyCommand.class, BrokerCommand.class, CameraCommand.class, BenchCommand.class,
                PlanCommand.class, SimulateCommand.class, ProfileCommand.class, ViewCommand.class,
                dev.halp.job.cluster.ClusterCommand.class, dev.halp.job.cluster.SubmitCommand.class,
                CommandLine.HelpCommand.class})
public final class Halp implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs a command line with the given output streams; returns the exit status. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        DjlEnvironment.ensureOffline();
        CommandLine cli = new CommandLine(new Halp());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((ex, a) -> {
            List<String> unknown = ex.getCommandLine().getUnmatchedArguments();
            if (!unknown.isEmpty() && !(ex instanceof CommandLine.UnmatchedArgumentException)) {
                // picocli reports a missing required option first; an unknown one is the likelier mistake
                err.println("halp: Unknown option or argument: " + String.join(" ", unknown));
            }
            err.println("halp: " + ex.getMessage());
            err.println("Try 'halp " + ex.getCommandLine().getCommandName() + " --help' for more information.");
            return CommandLine.ExitCode.USAGE;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parsed) -> {
            err.println("halp: " + ex);
            ex.printStackTrace(err);
            return CommandLine.ExitCode.SOFTWARE;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
