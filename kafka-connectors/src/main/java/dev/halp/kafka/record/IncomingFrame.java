package dev.halp.kafka.record;

/** What the Kafka source yields: a decoded frame, or a dead letter (never an exception). */
public class IncomingFrame {

    public FrameRecord frame;
    public DeadLetter deadLetter;

    public IncomingFrame() {
    }

    public static IncomingFrame of(FrameRecord frame) {
        IncomingFrame f = new IncomingFrame();
        f.frame = frame;
        return f;
    }

    public static IncomingFrame dead(DeadLetter letter) {
        IncomingFrame f = new IncomingFrame();
        f.deadLetter = letter;
        return f;
    }

    public boolean isFrame() {
        return frame != null;
    }
}
