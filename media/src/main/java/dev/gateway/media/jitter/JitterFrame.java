package dev.gateway.media.jitter;

/**
 * One frame handed out by {@link JitterBuffer#poll}: either a received payload or a lost frame to conceal.
 *
 * <p><b>Mutable scratch object.</b> Loop-confined: the consumer keeps one instance (sized by the buffer's
 * {@code maxPayloadBytes}) and lets every poll refill it; its contents are valid until the next poll. Not
 * thread-safe. The payload array is owned by this frame and never shared with the buffer.
 */
public final class JitterFrame {

    private final byte[] payload;
    private boolean lost;
    private int sequenceNumber;
    private long timestamp;
    private int length;
    private int samples;

    /** @param maxPayloadBytes at least the {@code maxPayloadBytes} of the buffer it is polled from */
    public JitterFrame(int maxPayloadBytes) {
        this.payload = new byte[maxPayloadBytes];
    }

    /** True when no packet arrived in time for this slot: conceal {@link #samples()} samples. */
    public boolean lost() {
        return lost;
    }

    /** RTP sequence number of the frame (of the missing packet when lost), 0..65535. */
    public int sequenceNumber() {
        return sequenceNumber;
    }

    /** RTP timestamp of the frame in ticks, 0..2^32-1 (for a lost frame: where it was expected). */
    public long timestamp() {
        return timestamp;
    }

    /** Payload bytes in {@link #payload()}; 0 for a lost frame. */
    public int length() {
        return length;
    }

    /**
     * Duration in samples (RTP ticks): from the next packet's timestamp, else from the previous packets'
     * spacing; 0 when neither is known yet (only possible for the very first frames).
     */
    public int samples() {
        return samples;
    }

    /** The payload in {@code [0, length())}; the rest of the array is stale. */
    public byte[] payload() {
        return payload;
    }

    int capacity() {
        return payload.length;
    }

    void setPacket(int sequenceNumber, long timestamp, int length, int samples) {
        this.lost = false;
        this.sequenceNumber = sequenceNumber;
        this.timestamp = timestamp;
        this.length = length;
        this.samples = samples;
    }

    void setLost(int sequenceNumber, long timestamp, int samples) {
        this.lost = true;
        this.sequenceNumber = sequenceNumber;
        this.timestamp = timestamp;
        this.length = 0;
        this.samples = samples;
    }

    @Override
    public String toString() {
        return (lost ? "lost" : "frame") + "[seq=" + sequenceNumber + ", ts=" + timestamp + ", samples=" + samples
                + ", bytes=" + length + "]";
    }
}
