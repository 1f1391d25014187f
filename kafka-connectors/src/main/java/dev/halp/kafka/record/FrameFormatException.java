package dev.halp.kafka.record;

/** A frame record that cannot be decoded; the message is the reason written to the dead-letter topic. */
public class FrameFormatException extends RuntimeException {

    public FrameFormatException(String reason) {
        super(reason);
    }

    public FrameFormatException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
