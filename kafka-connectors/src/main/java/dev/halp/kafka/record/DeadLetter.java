package dev.halp.kafka.record;

/** A record the job could not use: why, where it came from, and its original bytes (base64 in JSON). */
public class DeadLetter {

    public String reason;
    public String topic;
    public int partition;
    public long offset;
    public long timestampMillis;
    public byte[] original;

    public DeadLetter() {
    }

    public DeadLetter(String reason, String topic, int partition, long offset, long timestampMillis, byte[] original) {
        this.reason = reason;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.timestampMillis = timestampMillis;
        this.original = original;
    }
}
