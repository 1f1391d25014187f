package dev.halp.job.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Debian's {@code chromium}, headless, driven over the Chrome DevTools Protocol: open a page, wait in real
 * time until its rendered text satisfies a condition, run scripts in it, take a screenshot and the DOM. Waiting on the page
 * itself replaces {@code --virtual-time-budget}, which never ends on a dashboard that keeps polling its REST
 * API when the machine is slow (CI saw it hang).
 */
public final class HeadlessChromium implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final Process browser;
    private final Path log;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    private HeadlessChromium(Process browser, Path log, WebSocket socket) {
        this.browser = browser;
        this.log = log;
        this.socket = socket;
    }

    public static String binary() {
        for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("headless Chromium is needed for the dashboard test: "
                + "apt-get install -y --no-install-recommends chromium (.ci/run does this)");
    }

    /** Starts a browser with one blank page and connects to that page's DevTools endpoint. */
    public static HeadlessChromium start() throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("chromium");
        Path log = Files.createTempFile("chromium", ".log");
        List<String> cmd = new ArrayList<>(List.of(binary(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=" + profile,
                "--remote-debugging-port=0", "--remote-allow-origins=*", "--window-size=1400,900", "about:blank"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        try {
            int port = devToolsPort(profile.resolve("DevToolsActivePort"), p, log);
            HttpClient http = HttpClient.newHttpClient();
            String targets = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                    .timeout(CALL_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString()).body();
            String pageUrl = null;
            for (JsonNode t : JSON.readTree(targets)) {
                if ("page".equals(t.path("type").asText())) {
                    pageUrl = t.path("webSocketDebuggerUrl").asText();
                }
            }
            if (pageUrl == null) {
                throw new IOException("chromium offers no page target: " + targets);
            }
            Receiver receiver = new Receiver();
            WebSocket ws = http.newWebSocketBuilder().connectTimeout(CALL_TIMEOUT)
                    .buildAsync(URI.create(pageUrl), receiver).get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            HeadlessChromium chromium = new HeadlessChromium(p, log, ws);
            receiver.owner = chromium;
            return chromium;
        } catch (IOException | InterruptedException | RuntimeException e) {
            destroy(p);
            throw e;
        } catch (Exception e) {
            destroy(p);
            throw new IOException("could not connect to chromium's DevTools; its log: " + tail(log), e);
        }
    }

    /** Navigates and waits until the page's rendered text passes {@code ready}; fails with the text seen last. */
    public void open(String url, Predicate<String> ready, Duration timeout) throws IOException, InterruptedException {
        call("Page.navigate", JSON.createObjectNode().put("url", url));
        long until = System.nanoTime() + timeout.toNanos();
        String text = "";
        while (System.nanoTime() < until) {
            text = evaluate("document.body ? document.body.innerText : ''");
            if (ready.test(text)) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IOException("the page " + url + " did not become ready within " + timeout + "; it showed: " + text);
    }

    public String dom() throws IOException, InterruptedException {
        return evaluate("document.documentElement.outerHTML");
    }

    public void screenshot(Path png) throws IOException, InterruptedException {
        Files.createDirectories(png.getParent());
        JsonNode r = call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"));
        Files.write(png, Base64.getDecoder().decode(r.path("data").asText()));
    }

    /** Runs {@code expression} in the page and returns its value as text. */
    public String evaluate(String expression) throws IOException, InterruptedException {
        JsonNode r = call("Runtime.evaluate", JSON.createObjectNode().put("expression", expression).put("returnByValue", true));
        return r.path("result").path("value").asText("");
    }

    private JsonNode call(String method, ObjectNode params) throws IOException, InterruptedException {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
        msg.set("params", params);
        socket.sendText(JSON.writeValueAsString(msg), true);
        try {
            JsonNode r = reply.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (r.has("error")) {
                throw new IOException(method + " failed: " + r.path("error"));
            }
            return r.path("result");
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException(method + " got no answer within " + CALL_TIMEOUT + "; chromium's log: " + tail(log), e);
        } finally {
            pending.remove(id);
        }
    }

    @Override
    public void close() {
        socket.abort();
        destroy(browser);
    }

    private static void destroy(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    private static int devToolsPort(Path activePort, Process p, Path log) throws IOException, InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < until) {
            if (Files.exists(activePort)) {
                List<String> lines = Files.readAllLines(activePort);
                if (!lines.isEmpty() && !lines.get(0).isBlank()) {
                    return Integer.parseInt(lines.get(0).trim());
                }
            }
            if (!p.isAlive()) {
                throw new IOException("chromium exited with " + p.exitValue() + "; its log: " + tail(log));
            }
            Thread.sleep(100);
        }
        throw new IOException("chromium opened no DevTools port within 60 s; its log: " + tail(log));
    }

    private static String tail(Path log) {
        try {
            String s = Files.readString(log, StandardCharsets.UTF_8);
            return log + ":\n" + s.substring(Math.max(0, s.length() - 2000));
        } catch (IOException e) {
            return log + " (unreadable: " + e + ")";
        }
    }

    /** Joins fragmented text frames and completes the call each reply answers; events are ignored. */
    private static final class Receiver implements WebSocket.Listener {
        private final StringBuilder message = new StringBuilder();
        private volatile HeadlessChromium owner;

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            message.append(data);
            if (last) {
                try {
                    JsonNode node = JSON.readTree(message.toString());
                    CompletableFuture<JsonNode> reply = owner == null ? null : owner.pending.get(node.path("id").asInt(-1));
                    if (reply != null) {
                        reply.complete(node);
                    }
                } catch (IOException e) {
                    // not JSON: nothing waits for it
                }
                message.setLength(0);
            }
            ws.request(1);
            return null;
        }
    }
}
