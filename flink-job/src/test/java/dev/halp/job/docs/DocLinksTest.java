package dev.halp.job.docs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every relative link in README.md and docs/*.md points at a file of the repository, and none leaves it. */
class DocLinksTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** Markdown links and images: [text](target) and ![alt](target), target up to a space or ')'. */
    private static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*]\\(([^)\\s]+)[^)]*\\)");

    static List<Path> documents() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
            files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        return docs;
    }

    @Test
    void relativeLinksPointAtFilesOfTheRepository() throws IOException {
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path doc : documents()) {
            Matcher m = LINK.matcher(Files.readString(doc));
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("^[a-z]+:.*") || target.startsWith("#")) {
                    continue;
                }
                Path file = doc.getParent().resolve(target.replaceFirst("#.*$", "")).normalize();
                checked++;
                if (!file.startsWith(ROOT) || !Files.exists(file)) {
                    broken.add(ROOT.relativize(doc) + ": " + target);
                }
            }
        }
        assertEquals(List.of(), broken);
        assertTrue(checked >= 5, "only " + checked + " relative links found");
    }

    @Test
    void nothingRefersToFilesOutsideTheRepository() throws IOException {
        for (Path doc : documents()) {
            String text = Files.readString(doc);
            assertTrue(!text.contains("../shared"), ROOT.relativize(doc) + " refers to ../shared");
        }
    }
}
