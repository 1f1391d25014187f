package dev.halp.kafka.camera;

import dev.halp.kafka.broker.EmbeddedKafkaBroker;
import dev.halp.kafka.record.FrameCodec;
import dev.halp.kafka.record.FrameLimits;
import dev.halp.kafka.record.FrameRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The camera simulator against a real (embedded KRaft) broker: what it counts is what reached Kafka. */
class CameraSimulatorTest {

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.forTests().start();
        broker.createTopics(1, "sizes", "huge", "live", "jpeg");
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private static List<FrameRecord> read(String topic, int expected) {
        List<FrameRecord> frames = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long until = System.currentTimeMillis() + 30_000;
            while (frames.size() < expected && System.currentTimeMillis() < until) {
                c.poll(Duration.ofMillis(200)).forEach(r -> frames.add(FrameCodec.decode(r.value(), FrameLimits.DEFAULT)));
            }
        }
        return frames;
    }

    @Test
    void framesChangeSizeEveryFewFramesAndLargeFramesAreAccepted() throws Exception {
        try (CameraSimulator sim = CameraSimulator.builder().setBootstrap(broker.bootstrapServers()).setTopic("sizes")
                .optFps(200).optSize(600, 600).optSizeCycle(3, 2).build()) {
            assertEquals(8, sim.run(8, n -> { }));
            assertEquals(0, sim.failed());
        }
        // 600x600 RGB is 1.08 MB, above Kafka's default 1 MB limit
        List<Integer> widths = read("sizes", 8).stream().map(f -> f.width).toList();
        assertEquals(List.of(600, 600, 608, 608, 616, 616, 600, 600), widths);
    }

    @Test
    void aFrameTheBrokerRefusesIsReportedAndNotCounted() throws Exception {
        // 3400x3400 RGB: 34.7 MB, above the 32 MB the broker takes
        try (CameraSimulator sim = CameraSimulator.builder().setBootstrap(broker.bootstrapServers()).setTopic("huge")
                .optFps(200).optSize(3400, 3400).build()) {
            List<Long> counts = new ArrayList<>();
            assertEquals(0, sim.run(1, counts::add));
            assertEquals(1, sim.failed());
            assertEquals(List.of(), counts);
        }
    }

    /**
     * An IP camera: an HTTP MJPEG stream ({@code multipart/x-mixed-replace}, one JPEG part every 100 ms, to any
     * number of clients) on the JDK's HTTP server; {@link #close()} drops every connection, as a camera that
     * loses power does.
     */
    private static final class MjpegServer implements AutoCloseable {
        private final com.sun.net.httpserver.HttpServer http;
        private volatile boolean running = true;

        MjpegServer(int port) throws java.io.IOException {
            http = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", port), 0);
            http.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "mjpeg-server");
                t.setDaemon(true);
                return t;
            }));
            http.createContext("/cam", exchange -> {
                exchange.getResponseHeaders().add("Content-Type", "multipart/x-mixed-replace;boundary=frame");
                exchange.sendResponseHeaders(200, 0);
                try (java.io.OutputStream out = exchange.getResponseBody()) {
                    for (long n = 0; running; n++) {
                        byte[] jpeg = JpegFrames.encode(CameraSimulator.synthetic("x", n, 0, 64, 48, n).pixels, 64, 48, 80);
                        out.write(("--frame\r\nContent-Type: image/jpeg\r\nContent-Length: " + jpeg.length
                                + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                        out.write(jpeg);
                        out.write("\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                        out.flush();
                        Thread.sleep(100);
                    }
                } catch (java.io.IOException | InterruptedException gone) {
                    // the client left or the camera went off
                }
            });
            http.start();
        }

        @Override
        public void close() {
            running = false;
            http.stop(0);
        }
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void aLiveStreamThatDisappearsIsReportedAndOpenedAgainWithBackOffAndItsFramesGoOnCounting() throws Exception {
        int port = freePort();
        List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
        MjpegServer server = new MjpegServer(port);
        try (CameraSimulator sim = CameraSimulator.builder().setBootstrap(broker.bootstrapServers()).setTopic("live")
                .optLog(log::add).build()) {
            java.util.concurrent.CompletableFuture<Long> run = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return sim.runVideos(VideoFeed.of(List.of("http://127.0.0.1:" + port + "/cam")), 30, sent::set);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            waitFor(() -> sent.get() >= 10, "the first frames", log);
            server.close(); // the stream disappears mid-run
            waitFor(() -> log.stream().anyMatch(l -> l.contains("again in 2000 ms")), "a second, longer back-off", log);
            long whileDown = sent.get();
            server = new MjpegServer(port);
            assertEquals(30, run.get(60, java.util.concurrent.TimeUnit.SECONDS));
            assertTrue(whileDown < 30, "frames came after the stream was back: " + whileDown + " before");
        } finally {
            server.close();
        }
        String all = String.join("\n", log);
        assertTrue(all.contains("camera cam-0: opening http://127.0.0.1:" + port + "/cam again in 1000 ms"), all);
        assertTrue(all.contains("again in 2000 ms"), all);
        List<FrameRecord> frames = read("live", 30);
        assertEquals(java.util.stream.LongStream.range(0, 30).boxed().toList(),
                frames.stream().map(f -> f.sequence).toList(), "one camera, sequence numbers go on across reconnects");
        for (int i = 1; i < frames.size(); i++) {
            assertTrue(frames.get(i).captureMillis >= frames.get(i - 1).captureMillis, "capture times in order");
        }
    }

    @Test
    void videoFramesGoToKafkaAsJpegOfTheAskedQualityAndDecodeToTheSameImage(@org.junit.jupiter.api.io.TempDir
                                                                                    java.nio.file.Path dir) throws Exception {
        java.nio.file.Path clip = dir.resolve("clip.mp4");
        Process p = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                "testsrc=size=160x120:rate=10", "-t", "0.5", "-pix_fmt", "yuv420p", clip.toString())
                .redirectErrorStream(true).start();
        assertEquals(0, p.waitFor());
        try (CameraSimulator sim = CameraSimulator.builder().setBootstrap(broker.bootstrapServers()).setTopic("jpeg")
                .build(); VideoSource raw = new VideoSource(clip.toString(), 0, false)) {
            assertEquals(5, sim.runVideos(new VideoFeed(List.of(clip.toString()), 0, false, 95), 0, n -> { }));
            List<FrameRecord> frames = read("jpeg", 5);
            assertEquals(5, frames.size());
            for (FrameRecord f : frames) {
                assertEquals(dev.halp.kafka.record.PixelFormat.JPEG, f.format);
                assertTrue(f.pixels.length < 160 * 120 * 3 / 4, "compressed: " + f.pixels.length + " bytes");
                byte[] decoded = dev.halp.kafka.record.FramePixels.toRaw(f).pixels;
                byte[] original = raw.next();
                double error = 0;
                for (int i = 0; i < decoded.length; i++) {
                    error += Math.abs((decoded[i] & 0xff) - (original[i] & 0xff));
                }
                assertTrue(error / decoded.length < 8, "quality 95 keeps the picture: mean error " + error / decoded.length);
            }
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, String what, List<String> log)
            throws InterruptedException {
        long until = System.currentTimeMillis() + 30_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > until) {
                throw new AssertionError("timed out waiting for " + what + "; the camera said: " + log);
            }
            Thread.sleep(50);
        }
    }
}
