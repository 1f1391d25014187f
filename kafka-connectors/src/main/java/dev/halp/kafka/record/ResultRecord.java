package dev.halp.kafka.record;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One frame's outcome, written as JSON to the results topic: the model output when the frame completed
 * before its deadline ({@code status = "met"}), or what is known when it did not ({@code "missed"}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ResultRecord {

    public static final String MET = "met";
    public static final String MISSED = "missed";
    /** How the reason of a miss that admission control shed at the split begins. */
    public static final String SHED_PREFIX = "shed:";

    public String cameraId;
    public long sequence;
    public long captureMillis;
    public long completionMillis;
    public long deadlineMillis;
    public String status;
    public double latencyMs;
    /** Milliseconds from the split to this record (the host's clock). */
    public double afterSplitMs;
    /** Of the host's {@code computeMs}, the merge's part: the head (and any rows it rescued). */
    public double headMs;
    /**
     * When the split predicted this frame would finish under the plan it chose (the host's clock, comparable
     * with {@code completionMillis}); 0 when it had no prediction yet (nothing measured).
     */
    public long predictedFinishMillis;
    /** Of that prediction, the wait behind the frames admitted before it and not finished then. */
    public long predictedWaitMs;
    /** The scheme of the plan this frame ran with ({@code local}, {@code modnn}, {@code halp}); {@code plan} lists its pieces. */
    public String scheme;
    public String model;
    public int height;
    public int width;
    /** The plan, one line per block: pieces with their output rows. */
    public List<String> plan = new ArrayList<>();
    /** Per edge server ("host", "secondary_0", ...): where it ran and what it did. */
    public Map<String, EsReport> es = new LinkedHashMap<>();
    public List<ClassScore> top5;
    /** SHA-256 of the head's output as float32 little-endian bytes: equal iff bit-identical. */
    public String scoresSha256;
    /**
     * True when every slice of the frame ran in a shape checked bit-identical to the whole-frame layer on the
     * server that ran it ({@code --exact-slices}, the default), so the output equals whole-frame inference
     * of the same batch bit for bit; false when slices ran unchecked (equal up to rounding).
     */
    public Boolean bitExact;
    /** Frames computed together with this one as one tensor (the job's --batch-size, or fewer on linger). */
    public int batchSize = 1;
    /** Participants whose final rows the host computed itself because they had not arrived in time. */
    public List<String> rescued;
    public int partsReceived;
    public int partsExpected;
    public String error;

    /** What one edge server did for this frame. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class EsReport {
        public String taskManager;
        public double computeMs;
        public double waitMs;
        /** Time spent sending rows to other participants (a slow or saturated link shows here). */
        public double linkMs;
        public long bytesIn;
        public long bytesOut;
        public int rowsComputed;
        /**
         * What it did block by block: per block it computed, {@code [block, wait, ready, start, end, sent,
         * bytesIn, bytesOut]}, stamps in ms after the split on the host's clock (first rows arrived, all rows
         * there, compute start and end, rows sent on).
         */
        public long[] spans;
        /** The plan's prediction for it, per block: {@code [block, start, end]} in ms after the split. */
        public long[] predicted;
    }

    /** One of the top classes. */
    public static class ClassScore {
        public int index;
        public float score;
        /** The class's name from the job's {@code --labels} file; null without one. */
        public String label;

        public ClassScore() {
        }

        public ClassScore(int index, float score) {
            this.index = index;
            this.score = score;
        }
    }

    public boolean met() {
        return MET.equals(status);
    }

    /** A miss that admission control shed at the split (no edge server saw it). */
    public boolean shed() {
        return MISSED.equals(status) && error != null && error.startsWith(SHED_PREFIX);
    }

    /** The top-1 class's name ({@code --labels}) or {@code #index}; null without scores. */
    public String top1() {
        if (top5 == null || top5.isEmpty()) {
            return null;
        }
        ClassScore c = top5.get(0);
        return c.label != null ? c.label : "#" + c.index;
    }
}
