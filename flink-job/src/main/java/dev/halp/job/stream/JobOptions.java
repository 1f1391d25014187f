package dev.halp.job.stream;

import dev.halp.kafka.record.FrameLimits;
import dev.halp.job.cli.ModelNames;
import dev.halp.job.cli.PlanJson;
import dev.halp.operators.flink.JobPlans;
import dev.halp.operators.flink.PlanSpec;
import dev.halp.operators.flink.StageFaults;
import dev.halp.partitioner.plan.SegmentPlan;
import dev.halp.operators.flink.ModelConfig;
import dev.halp.partitioner.model.Models;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The job's typed options with their defaults, shared by {@code bin/halp run}, {@code flink run} and the
 * dashboard's program arguments. {@link #validate()} fails before submission, naming the option.
 */
public class JobOptions implements Serializable {

    @Option(names = "--bootstrap", description = "Kafka bootstrap servers (run: an embedded broker when absent)")
    public String bootstrap;

    @Option(names = "--frames-topic", defaultValue = "frames", description = "input topic (default: ${DEFAULT-VALUE})")
    public String framesTopic;

    @Option(names = "--results-topic", defaultValue = "results", description = "output topic (default: ${DEFAULT-VALUE})")
    public String resultsTopic;

    @Option(names = "--dead-letter-topic", defaultValue = "dead-letters",
            description = "malformed input (default: ${DEFAULT-VALUE})")
    public String deadLetterTopic;

    @Option(names = "--feedback-topic", defaultValue = "halp-feedback",
            description = "the edge servers' own measurements, read back by the split with --adaptive (default: ${DEFAULT-VALUE})")
    public String feedbackTopic;

    @Option(names = "--camera-stats-topic", defaultValue = "camera-stats",
            description = "per-camera statistics of every --stats-window-s window, as JSON (default: ${DEFAULT-VALUE})")
    public String cameraStatsTopic;

    @Option(names = "--stats-window-s", defaultValue = "10", description = "per-camera statistics over tumbling "
            + "windows of this many seconds of capture time: frames, met, missed, shed, latency p50/p99, top-1 "
            + "classes; 0: none (default: ${DEFAULT-VALUE})")
    public long statsWindowS;

    @Option(names = "--stats-allowed-lateness-s", defaultValue = "30", description = "a result up to this many "
            + "seconds behind its window's close updates the window (a new revision); later ones are counted in the "
            + "metric statsTooLate and left out (default: ${DEFAULT-VALUE})")
    public long statsAllowedLatenessS;

    @Option(names = "--group-id", defaultValue = "halp", description = "consumer group (default: ${DEFAULT-VALUE})")
    public String groupId;

    @Option(names = "--start-from", defaultValue = "committed",
            description = "committed (else earliest), earliest or latest offsets of the frames topic (default: ${DEFAULT-VALUE})")
    public String startFrom;

    @Option(names = "--model", defaultValue = "vgg16", completionCandidates = ModelNames.class,
            description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    public String model;

    @Option(names = "--normalize", defaultValue = "none",
            description = "the model's input normalisation: none (value/255), imagenet (torchvision's mean and std) "
                    + "or mean=r,g,b;std=r,g,b, applied to every frame before it is cut (default: ${DEFAULT-VALUE})")
    public String normalize;

    @Option(names = "--resize", defaultValue = "keep", description = "the model's input size WxH, reached at the "
            + "split before a frame is cut with Pillow's bilinear resampling (what torchvision's Resize does to a PIL "
            + "image), or keep (default: ${DEFAULT-VALUE})")
    public String resize;

    @Option(names = "--resize-mode", defaultValue = "stretch", description = "with --resize: stretch, letterbox "
            + "(fit inside, black bars), center-crop (cover, then the centre) or center-crop=S (short side S first, "
            + "as torchvision's Resize(S) then CenterCrop) (default: ${DEFAULT-VALUE})")
    public String resizeMode;

    @Option(names = "--channels", defaultValue = "rgb", description = "the model's channel order: rgb or bgr "
            + "(default: ${DEFAULT-VALUE})")
    public String channels;

    @Option(names = "--labels", description = "class names, one per line in class index order (as many as the model "
            + "has classes): results name their top-5 classes")
    public Path labels;

    @Option(names = "--weights", description = "DJL .params, .safetensors or TorchScript (.pt) weights, the last two "
            + "by torchvision's parameter names (default: seeded)")
    public Path weights;

    @Option(names = "--seed", defaultValue = "7", description = "seed of the built-in weights (default: ${DEFAULT-VALUE})")
    public long seed;

    @Option(names = "--threads", defaultValue = "1", description = "PyTorch intra-op threads per TaskManager (default: ${DEFAULT-VALUE})")
    public int threads;

    @Option(names = "--exact-slices", defaultValue = "true", arity = "1",
            description = "check every slice shape against the whole-frame layer on its server and run the ones that "
                    + "differ there in the whole-frame shape, so results are bit-identical to whole-frame inference "
                    + "(default: ${DEFAULT-VALUE})")
    public boolean exactSlices;

    @Option(names = "--interior-first", defaultValue = "true", arity = "1",
            description = "compute each piece's interior from the edge server's own rows while its halo is on the "
                    + "way, its borders after; false waits for every row a block needs (default: ${DEFAULT-VALUE})")
    public boolean interiorFirst;

    @Option(names = "--scheme", defaultValue = "halp", description = "local, modnn, halp, or auto: per frame, the plan "
            + "predicted to finish first (Local, or HALP on the fastest k secondaries), shedding frames predicted late "
            + "(default: ${DEFAULT-VALUE})")
    public String scheme;

    @Option(names = "--plan", description = "a plan from `halp plan --out` for frames of its size (default: the scheme's equal split)")
    public Path plan;

    @Option(names = "--secondaries", defaultValue = "2", description = "secondary edge servers (default: ${DEFAULT-VALUE})")
    public int secondaries;

    @Option(names = "--host-parallelism", defaultValue = "1",
            description = "parallel merge + head instances on the host; above 1 they take host slots of their own "
                    + "(slot sharing group 'host'): the job then needs secondaries + 1 + this many slots (default: ${DEFAULT-VALUE})")
    public int hostParallelism;

    @Option(names = "--batch-size", defaultValue = "1",
            description = "frames of one size that travel as one [B,3,H,W] tensor through every stage (default: ${DEFAULT-VALUE})")
    public int batchSize;

    @Option(names = "--batch-linger-ms", defaultValue = "50",
            description = "longest wait of a batch's first frame for the rest (default: ${DEFAULT-VALUE})")
    public long batchLingerMs;

    @Option(names = "--rescue-margin-ms", defaultValue = "-1",
            description = "the host computes the rows of participants silent this long before the deadline; "
                    + "0 turns rescues off, -1 is half the deadline (default: ${DEFAULT-VALUE})")
    public long rescueMarginMs;

    @Option(names = "--probe-every", defaultValue = "10",
            description = "while a secondary is silent (or, under --scheme auto, left out as slow), every N-th frame "
                    + "still gives it work, to notice its return (default: ${DEFAULT-VALUE})")
    public int probeEvery;

    @Option(names = "--adaptive", description = "re-plan online: secondaries' shares follow their measured speed")
    public boolean adaptive;

    @Option(names = "--shed-predicted-late", description = "admission control: a frame whose predicted finish (from "
            + "the edge servers' measured speeds and the frames admitted before it) is past its deadline by more than "
            + "--shed-margin-ms ends at once as a miss ('shed: predicted late'), costing no edge server any work; "
            + "always on with --scheme auto")
    public boolean shedPredictedLate;

    @Option(names = "--shed-margin-ms", defaultValue = "0", description = "(default: ${DEFAULT-VALUE})")
    public long shedMarginMs;

    @Option(names = "--fault-slow-secondary", defaultValue = "-1",
            description = "fault injection: secondary N computes --fault-slow-ms-per-row slower (default: none)")
    public int faultSlowSecondary;

    @Option(names = "--fault-slow-ms-per-row", defaultValue = "0", description = "(default: ${DEFAULT-VALUE})")
    public double faultSlowMsPerRow;

    @Option(names = "--fault-device-ms-per-row", defaultValue = "0",
            description = "emulation: every edge server takes this much longer per row it computes, waiting rather "
                    + "than computing (edge devices slower than this machine, without contending for its cores) "
                    + "(default: ${DEFAULT-VALUE})")
    public double faultDeviceMsPerRow;

    @Option(names = "--fault-slow-from-frame", defaultValue = "0",
            description = "frame sequence from which the slowdown applies (default: ${DEFAULT-VALUE})")
    public long faultSlowFromFrame;

    @Option(names = "--fault-link-secondary", defaultValue = "-1",
            description = "fault injection: secondary N's link carries only --fault-link-mbps for frames "
                    + "[--fault-link-from-frame, --fault-link-until-frame) (default: none)")
    public int faultLinkSecondary;

    @Option(names = "--fault-link-mbps", defaultValue = "10", description = "(default: ${DEFAULT-VALUE})")
    public double faultLinkMbps;

    @Option(names = "--fault-link-from-frame", defaultValue = "0", description = "(default: ${DEFAULT-VALUE})")
    public long faultLinkFromFrame;

    @Option(names = "--fault-link-until-frame", defaultValue = "9223372036854775807",
            description = "first frame with the link restored (default: never)")
    public long faultLinkUntilFrame;

    @Option(names = "--fault-stall-secondary", defaultValue = "-1",
            description = "fault injection (tests, bench faults): secondary N drops everything it receives (default: none)")
    public int faultStallSecondary;

    @Option(names = "--fault-clock-skew-secondary", defaultValue = "-1",
            description = "fault injection: secondary N's stages read a clock --fault-clock-skew-ms off (default: none)")
    public int faultClockSkewSecondary;

    @Option(names = "--fault-clock-skew-ms", defaultValue = "0",
            description = "how far that clock is ahead, negative for behind (default: ${DEFAULT-VALUE})")
    public long faultClockSkewMs;

    @Option(names = "--slot-labels", description = "request the TaskManager labels (external resources halp-edge, "
            + "halp-host) that bin/halp cluster start sets: one edge server per TaskManager, extra merges on the host's")
    public boolean slotLabels;

    @Option(names = "--deadline-ms", defaultValue = "2000", description = "deadline after capture (default: ${DEFAULT-VALUE})")
    public long deadlineMs;

    @Option(names = "--deadline-clock", defaultValue = "capture",
            description = "capture (camera wall clock) or ingest (for replays of old data) (default: ${DEFAULT-VALUE})")
    public String deadlineClock;

    @Option(names = "--max-width", defaultValue = "3840", description = "largest accepted frame width (default: ${DEFAULT-VALUE})")
    public int maxWidth;

    @Option(names = "--max-height", defaultValue = "2160", description = "largest accepted frame height (default: ${DEFAULT-VALUE})")
    public int maxHeight;

    @Option(names = "--exactly-once", description = "checkpointing and transactional Kafka sinks")
    public boolean exactlyOnce;

    @Option(names = "--checkpoint-interval-ms", defaultValue = "2000", description = "(default: ${DEFAULT-VALUE})")
    public long checkpointIntervalMs;

    @Option(names = "--transaction-timeout-ms", defaultValue = "600000",
            description = "Kafka transaction timeout of the exactly-once sinks: how long a transaction a killed job left "
                    + "open can hold read_committed readers back (default: ${DEFAULT-VALUE})")
    public long transactionTimeoutMs;

    @Option(names = "--buffer-timeout-ms", defaultValue = "0",
            description = "network buffer timeout: 0 sends every record at once and runs no flusher thread, which on "
                    + "an edge server of half a core saved 8 % of it while idle (default: ${DEFAULT-VALUE})")
    public long bufferTimeoutMs;

    @Option(names = "--out-of-orderness-ms", defaultValue = "200", description = "watermark slack (default: ${DEFAULT-VALUE})")
    public long outOfOrdernessMs;

    @Option(names = "--warmup-size", split = ",", defaultValue = "224x224",
            description = "frame sizes (HxW) every operator runs once in open() (default: ${DEFAULT-VALUE})")
    public java.util.List<String> warmupSize;

    /** {@code --resize} with {@code --resize-mode}; null when frames keep their size. */
    public dev.halp.kafka.record.Resize resizing() {
        try {
            return dev.halp.kafka.record.Resize.parse(resize, resizeMode);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException((e.getMessage().contains("WxH") ? "--resize: " : "--resize-mode: ")
                    + e.getMessage());
        }
    }

    /** The warm-up sizes as {height, width} pairs: the model's input size when frames are resized to it. */
    public java.util.List<int[]> warmupSizes() {
        dev.halp.kafka.record.Resize r = resizing();
        if (r != null) {
            return java.util.List.of(new int[] {r.height(), r.width()});
        }
        return warmupSize.stream().filter(s -> !s.isBlank()).map(s -> {
            String[] hw = s.toLowerCase(java.util.Locale.ROOT).split("x");
            return new int[] {Integer.parseInt(hw[0].trim()), Integer.parseInt(hw[1].trim())};
        }).toList();
    }

    /** Throws {@link IllegalArgumentException} whose message starts with the option's name. */
    public JobOptions validate() {
        try {
            Models.byName(model);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--model: " + e.getMessage());
        }
        if (!JobPlans.SCHEMES.contains(scheme)) {
            throw new IllegalArgumentException("--scheme: unknown scheme '" + scheme + "' (known: "
                    + String.join(", ", JobPlans.SCHEMES) + ")");
        }
        require(secondaries >= 1 && secondaries <= 16, "--secondaries", "must be between 1 and 16, got " + secondaries);
        require(hostParallelism >= 1 && hostParallelism <= 16, "--host-parallelism",
                "must be between 1 and 16, got " + hostParallelism);
        require(batchSize >= 1 && batchSize <= 64, "--batch-size", "must be between 1 and 64, got " + batchSize);
        require(batchLingerMs >= 0, "--batch-linger-ms", "must not be negative, got " + batchLingerMs);
        require(rescueMarginMs >= -1 && rescueMarginMs < Math.max(1, deadlineMs), "--rescue-margin-ms",
                "must be -1, 0 or below the deadline, got " + rescueMarginMs);
        require(faultSlowSecondary >= -1 && faultSlowSecondary < secondaries, "--fault-slow-secondary",
                "must be a secondary index below " + secondaries + " (or -1), got " + faultSlowSecondary);
        require(faultSlowMsPerRow >= 0, "--fault-slow-ms-per-row", "must not be negative");
        require(faultDeviceMsPerRow >= 0, "--fault-device-ms-per-row", "must not be negative");
        require(faultLinkSecondary >= -1 && faultLinkSecondary < secondaries, "--fault-link-secondary",
                "must be a secondary index below " + secondaries + " (or -1), got " + faultLinkSecondary);
        require(faultLinkMbps > 0, "--fault-link-mbps", "must be positive, got " + faultLinkMbps);
        require(faultLinkUntilFrame > faultLinkFromFrame, "--fault-link-until-frame",
                "must be after --fault-link-from-frame");
        require(probeEvery >= 1, "--probe-every", "must be at least 1, got " + probeEvery);
        require(faultStallSecondary >= -1 && faultStallSecondary < secondaries, "--fault-stall-secondary",
                "must be a secondary index below " + secondaries + " (or -1), got " + faultStallSecondary);
        require(faultClockSkewSecondary >= -1 && faultClockSkewSecondary < secondaries, "--fault-clock-skew-secondary",
                "must be a secondary index below " + secondaries + " (or -1), got " + faultClockSkewSecondary);
        require(shedMarginMs >= 0, "--shed-margin-ms", "must not be negative, got " + shedMarginMs);
        require(deadlineMs > 0, "--deadline-ms", "must be positive, got " + deadlineMs);
        require(deadlineClock.equals("capture") || deadlineClock.equals("ingest"), "--deadline-clock",
                "must be capture or ingest, got '" + deadlineClock + "'");
        require(java.util.List.of("committed", "earliest", "latest").contains(startFrom), "--start-from",
                "must be committed, earliest or latest, got '" + startFrom + "'");
        require(threads >= 1, "--threads", "must be at least 1, got " + threads);
        require(maxWidth > 0 && maxHeight > 0, maxWidth > 0 ? "--max-height" : "--max-width", "must be positive");
        require(bufferTimeoutMs >= 0, "--buffer-timeout-ms", "must not be negative");
        require(outOfOrdernessMs >= 0, "--out-of-orderness-ms", "must not be negative");
        require(statsWindowS >= 0 && statsWindowS <= 86_400, "--stats-window-s", "must be 0..86400, got " + statsWindowS);
        require(statsAllowedLatenessS >= 0, "--stats-allowed-lateness-s", "must not be negative");
        require(transactionTimeoutMs >= 1000 && transactionTimeoutMs <= 900_000, "--transaction-timeout-ms",
                "must be between 1000 and 900000 (the broker's transaction.max.timeout.ms), got " + transactionTimeoutMs);
        require(checkpointIntervalMs >= 10, "--checkpoint-interval-ms", "must be at least 10");
        require(weights == null || Files.isRegularFile(weights), "--weights", "file not found: " + weights);
        require(labels == null || Files.isRegularFile(labels), "--labels", "file not found: " + labels);
        require(channels.equals("rgb") || channels.equals("bgr"), "--channels", "must be rgb or bgr, got '" + channels + "'");
        try {
            new dev.halp.kafka.record.Normalization(normalize, false);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--normalize: " + e.getMessage(), e);
        }
        if (labels != null) {
            int classes = classes();
            int names = labelList().size();
            require(names == classes, "--labels", labels + " names " + names + " classes, " + model + " has " + classes);
        }
        if (plan != null) {
            configuredPlan();
        }
        int min = Models.byName(model).minimumInputSize();
        dev.halp.kafka.record.Resize r = resizing();
        require(r == null || r.width() >= min && r.height() >= min, "--resize",
                "the input size must be at least " + min + "x" + min + " for " + model);
        for (String size : warmupSize) {
            require(size.isBlank() || size.matches("\\s*\\d+\\s*[xX]\\s*\\d+\\s*"), "--warmup-size",
                    "expected HxW, got '" + size + "'");
        }
        require(warmupSizes().stream().allMatch(hw -> hw[0] >= min && hw[1] >= min), "--warmup-size",
                "sizes must be at least " + min + "x" + min + " for " + model);
        Map<String, String> names = new LinkedHashMap<>(topicsByOption());
        names.put("--group-id", groupId);
        names.forEach((option, name) -> require(name != null && name.matches("[A-Za-z0-9._-]{1,249}"), option,
                "not a valid Kafka name: '" + name + "'"));
        return this;
    }

    /**
     * How far out of capture order the job's results come: a frame ends within its deadline (from capture, or
     * from ingest plus the watermark slack) and a second's grace.
     */
    public long resultsOutOfOrderMs() {
        return deadlineMs + outOfOrdernessMs + 1_000;
    }

    /** The fault injection options as the stages take them (secondary i is participant i + 1). */
    public StageFaults stageFaults() {
        return StageFaults.NONE
                .withStalled(faultStallSecondary < 0 ? -1 : faultStallSecondary + 1)
                .withSlowCompute(faultSlowSecondary < 0 ? -1 : faultSlowSecondary + 1, faultSlowMsPerRow, faultSlowFromFrame)
                .withSlowLink(faultLinkSecondary < 0 ? -1 : faultLinkSecondary + 1, faultLinkMbps, faultLinkFromFrame,
                        faultLinkUntilFrame)
                .withClockSkew(faultClockSkewSecondary < 0 ? -1 : faultClockSkewSecondary + 1, faultClockSkewMs)
                .withDeviceMsPerRow(faultDeviceMsPerRow);
    }

    /** Every topic the job may read or write, by the option that names it. */
    public Map<String, String> topicsByOption() {
        Map<String, String> t = new LinkedHashMap<>();
        t.put("--frames-topic", framesTopic);
        t.put("--results-topic", resultsTopic);
        t.put("--dead-letter-topic", deadLetterTopic);
        t.put("--feedback-topic", feedbackTopic);
        t.put("--camera-stats-topic", cameraStatsTopic);
        return t;
    }

    /** Of those, the ones this configuration uses: feedback only when it measures the edge servers, statistics when on. */
    public Map<String, String> topicsInUse() {
        Map<String, String> t = topicsByOption();
        if (!needsSpeedReports()) {
            t.remove("--feedback-topic");
        }
        if (statsWindowS <= 0) {
            t.remove("--camera-stats-topic");
        }
        return t;
    }

    /** Every topic the job may read or write, for brokers that do not create topics on first use. */
    public String[] topics() {
        return topicsByOption().values().toArray(String[]::new);
    }

    /** The plan file's layout as a spec, checked against the job's model and secondaries; null without one. */
    public PlanSpec configuredPlan() {
        if (plan == null) {
            return null;
        }
        SegmentPlan p;
        try {
            p = PlanJson.read(plan);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("--plan: cannot use " + plan + ": " + e.getMessage());
        }
        require(p.model().name().equals(model) && p.secondaries() == secondaries, "--plan",
                "the plan is for " + p.model().name() + " with " + p.secondaries() + " secondaries, the job runs "
                        + model + " with " + secondaries + " (--model, --secondaries)");
        return PlanSpec.of(scheme, p);
    }

    /** The {@code --labels} file's names (no trailing blank lines); empty without one. */
    public List<String> labelList() {
        if (labels == null) {
            return List.of();
        }
        try {
            List<String> lines = new java.util.ArrayList<>(Files.readAllLines(labels).stream().map(String::strip).toList());
            while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
                lines.remove(lines.size() - 1);
            }
            return lines;
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("--labels: cannot read " + labels + ": " + e.getMessage(), e);
        }
    }

    /** The model's number of classes: its last linear layer's outputs. */
    private int classes() {
        var head = Models.byName(model).head();
        for (int i = head.size() - 1; i >= 0; i--) {
            if (head.get(i) instanceof dev.halp.partitioner.layer.HeadLayer.Linear l) {
                return l.outFeatures();
            }
        }
        throw new IllegalArgumentException("--labels: " + model + " has no classifier");
    }

    public ModelConfig modelConfig() {
        return new ModelConfig(model, seed, weights == null ? null : weights.toAbsolutePath().toString(), threads,
                exactSlices, new dev.halp.kafka.record.Normalization(normalize, channels.equals("bgr")));
    }

    public FrameLimits frameLimits() {
        return new FrameLimits(maxWidth, maxHeight, maxWidth * maxHeight * 3);
    }

    /** Admission control is on: asked for, or part of the auto scheme. */
    public boolean shedsPredictedLate() {
        return shedPredictedLate || scheme.equals("auto");
    }

    /** The split needs the edge servers' speed reports: to re-plan shares, to predict finishes. */
    public boolean needsSpeedReports() {
        return adaptive && !scheme.equals("local") || shedsPredictedLate();
    }

    /** The rescue margin in effect: half the deadline unless set; 0 when off. */
    public long rescueMargin() {
        if (scheme.equals("local")) {
            return 0; // the host computes everything itself: nobody to stand in for, no input to carry along
        }
        return rescueMarginMs < 0 ? deadlineMs / 2 : rescueMarginMs;
    }

    /** Slots the job needs: one per edge server, plus the host's extra merge slots. */
    public int slotsNeeded() {
        return secondaries + 1 + (hostParallelism > 1 ? hostParallelism : 0);
    }

    public boolean ingestClock() {
        return deadlineClock.equals("ingest");
    }

    private static void require(boolean ok, String option, String message) {
        if (!ok) {
            throw new IllegalArgumentException(option + ": " + message);
        }
    }
}
