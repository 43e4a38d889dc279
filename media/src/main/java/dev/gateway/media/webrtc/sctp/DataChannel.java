package dev.gateway.media.webrtc.sctp;

import java.nio.charset.StandardCharsets;

/**
 * One WebRTC data channel (RFC 8831): a label and an SCTP stream with fixed delivery options. Created by
 * {@link DataChannels#open} or announced by {@link DataChannels.Listener#onChannel} for a peer's OPEN.
 *
 * <p>Until the peer's DATA_CHANNEL_ACK arrives, messages are sent ordered (RFC 8832 §6) so they cannot overtake
 * the OPEN. Not thread-safe: confined to the association's loop.
 */
public final class DataChannel {

    /** Channel states as seen from this side. */
    public enum State { CONNECTING, OPEN, CLOSED }

    /** WebRTC PPIDs (RFC 8831 §8). */
    static final int PPID_DCEP = 50;
    static final int PPID_STRING = 51;
    static final int PPID_BINARY = 53;
    static final int PPID_STRING_EMPTY = 56;
    static final int PPID_BINARY_EMPTY = 57;

    private final DataChannels owner;
    private final int streamId;
    private final String label;
    private final String protocol;
    private final boolean ordered;
    private final int maxRetransmits;
    private State state;

    DataChannel(DataChannels owner, int streamId, DataChannelOpen open, State state) {
        this.owner = owner;
        this.streamId = streamId;
        this.label = open.label();
        this.protocol = open.protocol();
        this.ordered = open.ordered();
        this.maxRetransmits = open.maxRetransmits();
        this.state = state;
    }

    public int streamId() {
        return streamId;
    }

    public String label() {
        return label;
    }

    public String protocol() {
        return protocol;
    }

    public boolean ordered() {
        return ordered;
    }

    /** -1 when reliable. */
    public int maxRetransmits() {
        return maxRetransmits;
    }

    public State state() {
        return state;
    }

    void state(State state) {
        this.state = state;
    }

    /** Sends a binary message (PPID 53, or 57 when empty). False when the association refuses it. */
    public boolean send(byte[] data) {
        return data.length == 0 ? sendRaw(PPID_BINARY_EMPTY, new byte[1]) : sendRaw(PPID_BINARY, data);
    }

    /** Sends a UTF-8 text message (PPID 51, or 56 when empty). */
    public boolean sendString(String text) {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        return data.length == 0 ? sendRaw(PPID_STRING_EMPTY, new byte[1]) : sendRaw(PPID_STRING, data);
    }

    private boolean sendRaw(int ppid, byte[] data) {
        if (state == State.CLOSED) {
            return false;
        }
        boolean inOrder = ordered || state == State.CONNECTING;
        return owner.association().send(streamId, ppid, data, 0, data.length, inOrder, maxRetransmits);
    }

    @Override
    public String toString() {
        return "DataChannel{" + label + ", stream=" + streamId + ", " + state + (ordered ? "" : ", unordered")
                + (maxRetransmits < 0 ? "" : ", maxRetransmits=" + maxRetransmits) + "}";
    }
}
