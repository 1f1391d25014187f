package dev.halp.job.cli;

import dev.halp.partitioner.model.Models;

import java.util.Iterator;

/** The built-in models' names, for picocli's {@code ${COMPLETION-CANDIDATES}} in {@code --model}'s help. */
public final class ModelNames implements Iterable<String> {

    @Override
    public Iterator<String> iterator() {
        return Models.names().iterator();
    }
}
