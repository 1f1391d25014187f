package dev.halp.job.view;

import com.fasterxml.jackson.databind.JsonNode;
import dev.halp.job.stream.EmbeddedRun;
import dev.halp.job.stream.JobOptions;
import dev.halp.job.testing.HeadlessChromium;
import dev.halp.kafka.record.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live view beside an embedded run ({@code bin/halp run --view-port}): its API answers with every frame's
 * spans, refuses bad queries, and the page, opened in headless Chromium, shows the cameras and draws the
 * selected frame's Gantt chart with a lane per edge server and a compute bar per block it computed.
 */
class ViewIT {

    private EmbeddedRun run;
    private CompletableFuture<Map<String, Object>> finished;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() throws Exception {
        if (run != null) {
            run.stop();
            finished.get(3, TimeUnit.MINUTES);
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void thePageShowsTheCamerasAndTheSelectedFramesTimelineOneLanePerEdgeServerOneBarPerBlock() throws Exception {
        JobOptions options = new JobOptions();
        new CommandLine(options).parseArgs("--model", "tiny", "--secondaries", "2", "--stats-window-s", "5");
        options.validate();
        StringWriter console = new StringWriter();
        run = new EmbeddedRun(options, new EmbeddedRun.Camera(0, 2, 2, 224, 224, null), new PrintWriter(console, true))
                .optViewPort(0);
        finished = CompletableFuture.supplyAsync(() -> {
            try {
                return run.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        String base = awaitUrl(console);

        // the API: the last 5 frames, each with spans for every participant and block of its plan
        JsonNode frames = awaitFrames(base, 5);
        assertEquals(5, frames.size(), frames.toString());
        for (JsonNode f : frames) {
            int blocks = f.get("plan").size();
            TreeSet<Long> covered = new TreeSet<>();
            f.get("es").fields().forEachRemaining(e -> {
                JsonNode es = e.getValue();
                if (es.get("rowsComputed").asInt() == 0) {
                    return;
                }
                JsonNode spans = es.get("spans");
                // a participant's stamps reach the host's clock through its copy of the deadline, which is as
                // uncertain as its estimate of the time on the links (half round trips) plus a ms of rounding
                long slack = (long) Math.ceil(es.get("linkMs").asDouble()) + 2;
                assertTrue(spans != null && spans.size() > 0 && spans.size() % 8 == 0, e.getKey() + ": " + es);
                for (int k = 0; k < spans.size(); k += 8) {
                    covered.add(spans.get(k).asLong());
                    long start = spans.get(k + 3).asLong();
                    long end = spans.get(k + 4).asLong();
                    assertTrue(end >= start, e.getKey() + " block " + spans.get(k) + ": end before start " + spans);
                    for (int j = 1; j <= 5; j++) {
                        long t = spans.get(k + j).asLong();
                        assertTrue(t >= -slack && t <= Math.ceil(f.get("afterSplitMs").asDouble()) + slack,
                                e.getKey() + ": stamp " + t + " outside [split, completion] " + f);
                    }
                }
            });
            assertEquals(blocks, covered.size(), "every block of the plan has someone's spans: " + f);
        }
        assertEquals(400, get(base + "api/frames?last=-1").statusCode());
        HttpResponse<String> huge = get(base + "api/frames?last=1000000000");
        assertEquals(400, huge.statusCode());
        assertTrue(huge.body().contains("last must be 1..200"), huge.body());
        HttpResponse<String> unknown = get(base + "api/frames?camera=nobody&last=3");
        assertEquals(404, unknown.statusCode());
        assertTrue(unknown.body().contains("unknown camera 'nobody'"), unknown.body());

        Path png = Path.of("target", "view.png");
        try (HeadlessChromium chromium = HeadlessChromium.start()) {
            chromium.open(base, text -> text.contains("cam-0") && text.contains("cam-1") && text.contains("deadline hit")
                    && text.contains("secondary_1"), Duration.ofSeconds(90));
            String chosen = chromium.evaluate("(() => { const f = [...document.querySelectorAll('.frame[data-camera=\"cam-0\"]')]"
                    + ".pop(); f.click(); return f.dataset.sequence; })()");
            long until = System.currentTimeMillis() + 30_000;
            while (chromium.evaluate("document.querySelectorAll('#gantt g.lane.es').length").equals("0")
                    && System.currentTimeMillis() < until) {
                Thread.sleep(200);
            }
            JsonNode frame = null;
            for (JsonNode f : Json.read(get(base + "api/frames?camera=cam-0&last=200").body(), JsonNode.class)) {
                if (f.get("sequence").asText().equals(chosen)) {
                    frame = f;
                }
            }
            assertTrue(frame != null, "frame " + chosen + " is in the API");
            Map<String, Integer> expected = new TreeMap<>();
            frame.get("es").fields().forEachRemaining(e -> {
                JsonNode spans = e.getValue().get("spans");
                if (spans != null && spans.size() > 0) {
                    expected.put(e.getKey(), spans.size() / 8);
                }
            });
            assertEquals(new TreeSet<>(java.util.List.of("host", "secondary_0", "secondary_1")), expected.keySet(), "HALP: every edge server computes");
            String lanes = chromium.evaluate("JSON.stringify(Object.fromEntries([...document.querySelectorAll('#gantt g.lane.es')]"
                    + ".map(g => [g.dataset.es, g.querySelectorAll('rect.compute:not(.predicted)').length])))");
            assertEquals(expected, new TreeMap<>(Json.read(lanes, Map.class)), "one lane per edge server, one compute bar per block");
            assertTrue(chromium.evaluate("document.querySelector('#gantt svg').dataset.frame").equals("cam-0#" + chosen));
            assertEquals("1", chromium.evaluate("document.querySelectorAll('#gantt line.deadline').length"));
            chromium.screenshot(png);
        }
        assertTrue(Files.size(png) > 10_000, "screenshot " + png);
    }

    /** The view's URL, once the run has printed it. */
    private static String awaitUrl(StringWriter console) throws InterruptedException {
        Pattern url = Pattern.compile("live view on (http://\\S+/)");
        long until = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < until) {
            Matcher m = url.matcher(console.toString());
            if (m.find()) {
                return m.group(1);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no view URL; the run said: " + console);
    }

    private JsonNode awaitFrames(String base, int k) throws Exception {
        long until = System.currentTimeMillis() + 180_000;
        JsonNode last = null;
        while (System.currentTimeMillis() < until) {
            HttpResponse<String> r = get(base + "api/frames?last=" + k);
            last = Json.read(r.body(), JsonNode.class);
            if (r.statusCode() == 200 && last.size() == k) {
                return last;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("fewer than " + k + " frames in the view: " + last);
    }
}
