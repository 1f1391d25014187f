package dev.halp.job.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.halp.job.bench.OverheadBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.Map;
import java.util.concurrent.Callable;

/** Benchmarks that print ratios measured in the same run. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks (ratios measured in one run).",
        subcommands = {BenchCommand.Overhead.class})
final class BenchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "overhead", mixinStandardHelpOptions = true,
            description = "Flink job (local scheme) frames/s against a plain DJL loop on the same frames and threads.")
    static final class Overhead extends FrameCommand implements Callable<Integer> {

        @Spec
        CommandSpec spec;


        @Option(names = "--frames", defaultValue = "30", description = "frames per side (default: ${DEFAULT-VALUE})")
        int frames;

        @Option(names = "--threads", defaultValue = "1", description = "PyTorch intra-op threads (default: ${DEFAULT-VALUE})")
        int threads;

        @Option(names = "--json", description = "end with one JSON object")
        boolean json;

        @Override
        public Integer call() throws Exception {
            validatedModel(spec);
            if (frames < 2) {
                throw Options.bad(spec, "--frames", "must be at least 2");
            }
            if (threads < 1) {
                throw Options.bad(spec, "--threads", "must be at least 1");
            }
            Map<String, Object> r = new OverheadBench(model, height, width, frames, threads,
                    spec.commandLine().getOut()).run();
            if (json) {
                spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(r));
            }
            return 0;
        }
    }
}
