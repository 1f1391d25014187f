package dev.halp.kafka.camera;

import dev.halp.kafka.record.FrameCodec;
import dev.halp.kafka.record.FrameRecord;
import dev.halp.kafka.record.PixelFormat;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes camera frames to Kafka with real capture times: synthetic RGB8 frames (seeded noise) or the
 * JPEG/PNG files of a directory, round robin over {@code cameras} cameras at {@code fps} frames per second
 * each. Paced by wall clock; stops after {@code frames} frames in total (0: until interrupted).
 */
public final class CameraSimulator implements AutoCloseable {

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final int cameras;
    private final double fps;
    private final int width;
    private final int height;
    private final int sizeCycle;
    private final int sizeEvery;
    private final List<Path> images;
    private final long seed;
    private final int corruptEvery;
    private final AtomicLong failed = new AtomicLong();
    private final Consumer<String> log;
    static final long MIN_BACKOFF_MS = 1_000;
    static final long MAX_BACKOFF_MS = 30_000;

    private CameraSimulator(Builder b) {
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, "0",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(
                        dev.halp.kafka.broker.EmbeddedKafkaBroker.MAX_RECORD_BYTES),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000",
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000"),
                new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = b.topic;
        this.cameras = b.cameras;
        this.fps = b.fps;
        this.width = b.width;
        this.height = b.height;
        this.sizeCycle = b.sizeCycle;
        this.sizeEvery = b.sizeEvery;
        this.images = b.images == null ? List.of() : listImages(b.images);
        this.seed = b.seed;
        this.corruptEvery = b.corruptEvery;
        this.log = b.log;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Publishes {@code frames} frames (0: forever); {@code onSent} sees the running count of frames the broker
     * acknowledged. A frame the broker refuses (for example larger than it accepts) is not counted: it is
     * reported on standard error with the broker's reason, and {@link #failed()} counts it. Returns the frames
     * acknowledged.
     */
    public long run(long frames, LongConsumer onSent) throws InterruptedException {
        AtomicLong acknowledged = new AtomicLong();
        long periodNanos = (long) (1e9 / (fps * cameras));
        long start = System.nanoTime();
        long sent = 0;
        while (frames == 0 || sent < frames) {
            long due = start + sent * periodNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            FrameRecord f = frame("cam-" + (sent % cameras), sent / cameras, System.currentTimeMillis(), sent);
            byte[] value = FrameCodec.encode(f);
            if (corruptEvery > 0 && (sent + 1) % corruptEvery == 0) {
                value = java.util.Arrays.copyOf(value, value.length / 2); // a truncated record, for fault runs
            }
            publish(f, value, acknowledged, onSent);
            sent++;
        }
        producer.flush();
        return acknowledged.get();
    }

    /**
     * Publishes the frames of video files or live streams ({@link VideoSource}) as {@code feed} says, one camera
     * per source ({@code cam-0}, {@code cam-1}, ... in the order given), until {@code frames} frames in all (0:
     * until every source has ended). A file's capture times follow its frame interval from the moment it starts;
     * a live stream's are the wall clock, and a live stream that fails or ends is reported and opened again after
     * 1, 2, 4 ... up to 30 s (its sequence numbers go on). A file that fails is reported and its camera stops;
     * frames sent before stay counted. Returns the frames acknowledged.
     */
    public long runVideos(VideoFeed feed, long frames, LongConsumer onSent) throws InterruptedException {
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong taken = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < feed.sources().size(); i++) {
            String camera = "cam-" + i;
            String source = feed.sources().get(i);
            Thread t = new Thread(() -> publishVideo(camera, source, feed, frames, taken, acknowledged, onSent),
                    "camera-" + camera);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        try {
            for (Thread t : threads) {
                t.join();
            }
        } finally {
            threads.forEach(Thread::interrupt);
        }
        producer.flush();
        return acknowledged.get();
    }

    private void publishVideo(String camera, String source, VideoFeed feed, long frames, AtomicLong taken,
                              AtomicLong acknowledged, LongConsumer onSent) {
        boolean live = VideoSource.isLive(source);
        long sequence = 0;
        long backoffMs = MIN_BACKOFF_MS;
        while (!Thread.currentThread().isInterrupted()) {
            try (VideoSource video = new VideoSource(source, feed.fps(), feed.loop())) {
                VideoSource.Info info = video.info();
                long start = System.currentTimeMillis();
                long index = 0;
                for (byte[] rgb = video.next(); rgb != null; rgb = video.next()) {
                    if (frames > 0 && taken.incrementAndGet() > frames) {
                        return;
                    }
                    long capture = live ? System.currentTimeMillis() : start + Math.round(index * 1000 / info.fps());
                    boolean jpeg = feed.jpegQuality() > 0;
                    FrameRecord f = new FrameRecord(camera, sequence++, capture, info.width(), info.height(), 3,
                            jpeg ? PixelFormat.JPEG : PixelFormat.RGB8,
                            jpeg ? JpegFrames.encode(rgb, info.width(), info.height(), feed.jpegQuality()) : rgb);
                    publish(f, FrameCodec.encode(f), acknowledged, onSent);
                    index++;
                    backoffMs = MIN_BACKOFF_MS;
                }
                if (!live) {
                    return; // the file ended
                }
                log.accept("camera " + camera + ": " + source + " ended after " + sequence + " frames");
            } catch (java.io.IOException | RuntimeException e) {
                log.accept("camera " + camera + ": " + e.getMessage());
                if (!live) {
                    return;
                }
            }
            log.accept("camera " + camera + ": opening " + source + " again in " + backoffMs + " ms");
            try {
                Thread.sleep(backoffMs);
            } catch (InterruptedException e) {
                return;
            }
            backoffMs = Math.min(MAX_BACKOFF_MS, 2 * backoffMs);
        }
    }

    private void publish(FrameRecord f, byte[] value, AtomicLong acknowledged,
                         LongConsumer onSent) {
        String id = f.cameraId + "#" + f.sequence + " (" + f.width + "x" + f.height + ", " + value.length + " bytes)";
        producer.send(new ProducerRecord<>(topic, null, f.captureMillis, f.cameraId.getBytes(StandardCharsets.UTF_8),
                value), (meta, error) -> {
                    if (error == null) {
                        onSent.accept(acknowledged.incrementAndGet());
                    } else if (failed.incrementAndGet() <= 10) {
                        log.accept("camera: frame " + id + " not published: " + error);
                    }
                });
    }

    /** Frames the broker refused or that could not be sent in time. */
    public long failed() {
        return failed.get();
    }

    /** Publishes one frame now and waits until the broker has it. */
    public void send(FrameRecord f) throws Exception {
        producer.send(new ProducerRecord<>(topic, null, f.captureMillis, f.cameraId.getBytes(StandardCharsets.UTF_8),
                FrameCodec.encode(f))).get();
    }

    /** The frame with the given identity: an image file in rotation, or seeded noise. */
    public FrameRecord frame(String camera, long sequence, long captureMillis, long index) {
        if (!images.isEmpty()) {
            Path p = images.get((int) (index % images.size()));
            try {
                byte[] bytes = Files.readAllBytes(p);
                BufferedImage img = ImageIO.read(p.toFile());
                PixelFormat format = p.toString().toLowerCase(Locale.ROOT).endsWith(".png") ? PixelFormat.PNG : PixelFormat.JPEG;
                return new FrameRecord(camera, sequence, captureMillis, img.getWidth(), img.getHeight(), 3, format, bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        int grow = sizeCycle > 1 ? 8 * (int) ((sequence / sizeEvery) % sizeCycle) : 0;
        return synthetic(camera, sequence, captureMillis, width + grow, height + grow, seed * 31 + index);
    }

    /** A frame of seeded RGB8 noise. */
    public static FrameRecord synthetic(String camera, long sequence, long captureMillis, int width, int height,
                                        long seed) {
        byte[] pixels = new byte[width * height * 3];
        new SplittableRandom(seed).nextBytes(pixels);
        return new FrameRecord(camera, sequence, captureMillis, width, height, 3, PixelFormat.RGB8, pixels);
    }

    private static List<Path> listImages(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> out = new ArrayList<>(s.filter(p -> p.toString().toLowerCase(Locale.ROOT)
                    .matches(".*\\.(jpe?g|png)$")).sorted().toList());
            if (out.isEmpty()) {
                throw new IllegalArgumentException("no .jpg or .png files in " + dir);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }

    /** {@code setBootstrap} and {@code setTopic} are required. */
    public static final class Builder {
        private String bootstrap;
        private String topic;
        private int cameras = 1;
        private double fps = 2;
        private int width = 224;
        private int height = 224;
        private Path images;
        private long seed = 1;
        private int corruptEvery;
        private int sizeCycle;
        private int sizeEvery = 1;
        private Consumer<String> log = System.err::println;

        public Builder setBootstrap(String bootstrap) {
            this.bootstrap = bootstrap;
            return this;
        }

        public Builder setTopic(String topic) {
            this.topic = topic;
            return this;
        }

        public Builder optCameras(int cameras) {
            this.cameras = cameras;
            return this;
        }

        public Builder optFps(double fps) {
            this.fps = fps;
            return this;
        }

        public Builder optSize(int width, int height) {
            this.width = width;
            this.height = height;
            return this;
        }

        public Builder optImages(Path images) {
            this.images = images;
            return this;
        }

        /** Fault runs: every {@code n}-th record {@link #run} publishes is truncated (0: none). */
        public Builder optCorruptEvery(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("corruptEvery must not be negative");
            }
            this.corruptEvery = n;
            return this;
        }

        /**
         * Frame sizes that change: every {@code every} frames of a camera the next of {@code sizes} sizes, each 8
         * rows and columns larger than the one before (the first is {@link #optSize}'s), then from the first
         * again. For long runs that check that per-size state stays bounded.
         */
        public Builder optSizeCycle(int sizes, int every) {
            if (sizes < 0 || every < 1) {
                throw new IllegalArgumentException("sizes must not be negative and every must be at least 1");
            }
            this.sizeCycle = sizes;
            this.sizeEvery = every;
            return this;
        }

        /** Where a video camera reports a source that failed, ended or is being opened again (default: stderr). */
        public Builder optLog(Consumer<String> log) {
            this.log = java.util.Objects.requireNonNull(log);
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        public CameraSimulator build() {
            if (bootstrap == null || topic == null) {
                throw new IllegalArgumentException("bootstrap and topic are required");
            }
            if (cameras < 1 || !(fps > 0) || width < 1 || height < 1) {
                throw new IllegalArgumentException("cameras, fps and frame size must be positive");
            }
            return new CameraSimulator(this);
        }
    }
}
