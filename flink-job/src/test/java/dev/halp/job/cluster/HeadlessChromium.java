package dev.halp.job.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code chromium} in headless mode: the page as the dashboard's Angular app renders it (DOM after
 * its REST calls), and a screenshot. {@code --virtual-time-budget} gives the app time to fetch its data.
 */
final class HeadlessChromium {

    private HeadlessChromium() {
    }

    static String binary() {
        for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("headless Chromium is needed for the dashboard test: "
                + "apt-get install -y --no-install-recommends chromium (.ci/run does this)");
    }

    static String renderedDom(String url) throws IOException, InterruptedException {
        return new String(run(url, "--dump-dom"), StandardCharsets.UTF_8);
    }

    static void screenshot(String url, Path png) throws IOException, InterruptedException {
        Files.createDirectories(png.getParent());
        run(url, "--screenshot=" + png.toAbsolutePath(), "--window-size=1400,900");
    }

    private static byte[] run(String url, String... extra) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(binary(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=" + Files.createTempDirectory("chromium"),
                "--virtual-time-budget=10000"));
        cmd.addAll(List.of(extra));
        cmd.add(url);
        // output to a file: chromium's helper processes inherit stdout and may outlive the browser
        Path out = Files.createTempFile("chromium", ".out");
        Path log = Files.createTempFile("chromium", ".log");
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        boolean done = p.waitFor(90, TimeUnit.SECONDS);
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        if (!done) {
            p.destroyForcibly();
            throw new IOException("chromium did not finish within 90 s on " + url + "; its log: " + log);
        }
        if (p.exitValue() != 0) {
            throw new IOException("chromium exited with " + p.exitValue() + " on " + url);
        }
        return Files.readAllBytes(out);
    }
}
