package dev.halp.job.cli;

import dev.halp.partitioner.model.ModelSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** The model and frame-size options that verify, plan, profile and bench share (picocli reads inherited fields). */
abstract class FrameCommand {

    @Option(names = "--model", defaultValue = "vgg16", completionCandidates = ModelNames.class,
            description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--height", defaultValue = "224", description = "frame height (default: ${DEFAULT-VALUE})")
    int height;

    @Option(names = "--width", defaultValue = "224", description = "frame width (default: ${DEFAULT-VALUE})")
    int width;

    /** The model, once its name and the frame size are checked (a bad one is a one-line error, exit 2). */
    ModelSpec validatedModel(CommandSpec spec) {
        ModelSpec m = Options.model(spec, model);
        Options.frameSize(spec, m, height, width);
        return m;
    }
}
