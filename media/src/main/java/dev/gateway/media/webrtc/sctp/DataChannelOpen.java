package dev.gateway.media.webrtc.sctp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * DATA_CHANNEL_OPEN (RFC 8832 §5.1), sent with PPID 50 on the stream the channel will use.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Message Type |  Channel Type |            Priority           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Reliability Parameter                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Label Length          |       Protocol Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                 Label (UTF-8)  \  Protocol (UTF-8)            \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Message type 0x03 = OPEN; DATA_CHANNEL_ACK is the single byte 0x02 (§5.2). Channel type: 0x00 reliable,
 * 0x01 partial reliable by retransmissions, 0x02 by lifetime; +0x80 unordered (§5.1).
 *
 * @param channelType          wire channel type
 * @param priority             0..65535 (WebRTC "normal" is 256)
 * @param reliabilityParameter retransmissions or lifetime in ms, by type; 0 for reliable
 * @param label                never null
 * @param protocol             never null, usually empty
 */
public record DataChannelOpen(int channelType, int priority, long reliabilityParameter, String label,
        String protocol) {

    /** Message type of DATA_CHANNEL_OPEN. */
    public static final int MESSAGE_OPEN = 0x03;
    /** Message type (and whole message) of DATA_CHANNEL_ACK. */
    public static final int MESSAGE_ACK = 0x02;
    static final int UNORDERED_BIT = 0x80;
    static final int TYPE_RELIABLE = 0x00;
    static final int TYPE_PARTIAL_RELIABLE_REXMIT = 0x01;
    static final int TYPE_PARTIAL_RELIABLE_TIMED = 0x02;
    private static final int FIXED_SIZE = 12;

    public DataChannelOpen {
        if (label == null || protocol == null) {
            throw new IllegalArgumentException("label and protocol must not be null");
        }
    }

    /** The OPEN for a channel with WebRTC's options: ordered or not, -1 or a retransmission limit. */
    public static DataChannelOpen of(String label, boolean ordered, int maxRetransmits) {
        int type = (maxRetransmits < 0 ? TYPE_RELIABLE : TYPE_PARTIAL_RELIABLE_REXMIT) | (ordered ? 0 : UNORDERED_BIT);
        return new DataChannelOpen(type, 256, Math.max(0, maxRetransmits), label, "");
    }

    public boolean ordered() {
        return (channelType & UNORDERED_BIT) == 0;
    }

    /**
     * -1 when reliable, else the retransmission limit. A lifetime-limited channel is treated as reliable: the
     * association has no per-message lifetimes (LiveKit does not use them).
     */
    public int maxRetransmits() {
        return (channelType & ~UNORDERED_BIT) == TYPE_PARTIAL_RELIABLE_REXMIT
                ? (int) Math.min(Integer.MAX_VALUE, reliabilityParameter) : -1;
    }

    public byte[] encode() {
        byte[] l = label.getBytes(StandardCharsets.UTF_8);
        byte[] p = protocol.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[FIXED_SIZE + l.length + p.length];
        ByteBuf b = Unpooled.wrappedBuffer(out).clear();
        b.writeByte(MESSAGE_OPEN).writeByte(channelType).writeShort(priority).writeInt((int) reliabilityParameter)
                .writeShort(l.length).writeShort(p.length).writeBytes(l).writeBytes(p);
        return out;
    }

    /** Decodes an OPEN; null when malformed or not an OPEN. */
    public static DataChannelOpen decode(byte[] data, int off, int len) {
        if (len < FIXED_SIZE || (data[off] & 0xFF) != MESSAGE_OPEN) {
            return null;
        }
        ByteBuf b = Unpooled.wrappedBuffer(data, off, len);
        b.skipBytes(1);
        int type = b.readUnsignedByte();
        int priority = b.readUnsignedShort();
        long reliability = b.readUnsignedInt();
        int labelLen = b.readUnsignedShort();
        int protocolLen = b.readUnsignedShort();
        if (b.readableBytes() != labelLen + protocolLen) {
            return null;
        }
        String label = b.readCharSequence(labelLen, StandardCharsets.UTF_8).toString();
        String protocol = b.readCharSequence(protocolLen, StandardCharsets.UTF_8).toString();
        return new DataChannelOpen(type, priority, reliability, label, protocol);
    }
}
