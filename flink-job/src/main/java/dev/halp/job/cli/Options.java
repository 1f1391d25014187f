package dev.halp.job.cli;

import dev.halp.partitioner.model.ModelSpec;
import dev.halp.partitioner.model.Models;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Files;
import java.nio.file.Path;

/** Validation shared by the subcommands: each failure is one line naming the option (exit status 2). */
final class Options {

    private Options() {
    }

    static CommandLine.ParameterException bad(CommandSpec spec, String option, String message) {
        return new CommandLine.ParameterException(spec.commandLine(), option + ": " + message);
    }

    static ModelSpec model(CommandSpec spec, String name) {
        try {
            return Models.byName(name);
        } catch (IllegalArgumentException e) {
            throw bad(spec, "--model", e.getMessage());
        }
    }

    static void frameSize(CommandSpec spec, ModelSpec model, int height, int width) {
        int min = model.minimumInputSize();
        if (height < min) {
            throw bad(spec, "--height", height + " rows is too small for " + model.name() + " (minimum " + min + ")");
        }
        if (width < min) {
            throw bad(spec, "--width", width + " columns is too small for " + model.name() + " (minimum " + min + ")");
        }
    }

    static Path existingFile(CommandSpec spec, String option, Path file) {
        if (file != null && !Files.isRegularFile(file)) {
            throw bad(spec, option, "file not found: " + file);
        }
        return file;
    }

    /**
     * Checks every {@code --video} source before anything starts (a file must exist and hold a video stream;
     * ffmpeg must be installed) and returns the first one's frame size and rate.
     */
    static dev.halp.kafka.camera.VideoSource.Info videos(CommandSpec spec, java.util.List<String> videos) {
        dev.halp.kafka.camera.VideoSource.Info first = null;
        for (String video : videos) {
            if (!dev.halp.kafka.camera.VideoSource.isLive(video) && !java.nio.file.Files.isRegularFile(
                    java.nio.file.Path.of(video.startsWith("file:") ? video.substring(5) : video))) {
                throw bad(spec, "--video", "no such file: " + video);
            }
            try {
                var probed = dev.halp.kafka.camera.VideoSource.probe(video);
                first = first == null ? probed : first;
            } catch (java.io.IOException e) {
                throw bad(spec, "--video", e.getMessage());
            }
        }
        return first;
    }
}
